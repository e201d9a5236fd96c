"""The production backend: one DynamoDB table, on-demand, two GSIs, TTL.

Attributes: ``pk``/``sk`` keys, ``d`` the JSON data (a string, so that numbers
stay ints and no float or Decimal leaks out), ``v`` the optimistic version,
``gsi1pk``/``gsi1sk`` and ``gsi2pk``/``gsi2sk`` the index keys, ``ttl`` the
expiry that DynamoDB's TTL sweeps, ``n`` for counters (kept under their own
sort-key prefix so they never collide with items). Writes go through
``TransactWriteItems`` with conditions; the client is injected so tests pass
one bound to moto.
"""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Iterator, Sequence
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from functions.core.store.items import (
    Check,
    ConditionFailed,
    Delete,
    Index,
    Item,
    LimitReached,
    Page,
    Put,
    Replaces,
    StoreError,
    StoreUnavailable,
    Write,
    check_transaction,
    decode_cursor,
    encode_cursor,
    encode_data,
    key_bounds,
    unavailable_when,
)

if TYPE_CHECKING:  # pragma: no cover
    from mypy_boto3_dynamodb import DynamoDBClient
else:
    DynamoDBClient = Any

COUNTER_PREFIX = "#COUNTER#"

# Conditions, named for what they guarantee.
ITEM_DOES_NOT_EXIST = "attribute_not_exists(pk)"
ITEM_HAS_EXPECTED_VERSION = "v = :expected"


def _item_to_attributes(item: Item) -> dict[str, Any]:
    attributes: dict[str, Any] = {
        "pk": {"S": item.pk},
        "sk": {"S": item.sk},
        "d": {"S": encode_data(item.data)},
        "v": {"N": str(item.version)},
    }
    for name in ("gsi1pk", "gsi1sk", "gsi2pk", "gsi2sk"):
        value = getattr(item, name)
        if value is not None:
            attributes[name] = {"S": value}
    if item.expires_at is not None:
        attributes["ttl"] = {"N": str(item.expires_at)}
    return attributes


def _attributes_to_item(attributes: dict[str, Any]) -> Item:
    def text(name: str) -> str | None:
        return attributes[name]["S"] if name in attributes else None

    return Item(
        pk=attributes["pk"]["S"],
        sk=attributes["sk"]["S"],
        data=json.loads(attributes["d"]["S"]),
        version=int(attributes["v"]["N"]),
        gsi1pk=text("gsi1pk"),
        gsi1sk=text("gsi1sk"),
        gsi2pk=text("gsi2pk"),
        gsi2sk=text("gsi2sk"),
        expires_at=int(attributes["ttl"]["N"]) if "ttl" in attributes else None,
    )


# Cancellation codes that mean "another writer got there first": worth a retry
# of the read-modify-write. Anything else (throttling, validation) is not a conflict.
_LOST_RACE_CODES = {"ConditionalCheckFailed", "TransactionConflict"}
# Cancellation codes that mean "not now": the table is throttled.
_THROTTLED_CODES = {"ThrottlingError", "ProvisionedThroughputExceeded", "RequestLimitExceeded"}
# Errors DynamoDB answers when it cannot serve a call now; the SDK has already
# retried them by the time they reach us.
UNAVAILABLE_ERRORS = frozenset(
    {
        "ThrottlingException",
        "ProvisionedThroughputExceededException",
        "RequestLimitExceeded",
        "InternalServerError",
        "ServiceUnavailable",
        # The same ClientRequestToken still being applied: its outcome is not known yet.
        "TransactionInProgressException",
    }
)
# The SDK's own retries: a few, quickly, so that a request answers 503 in time
# rather than waiting out the legacy mode's ten attempts.
CLIENT_CONFIG: dict[str, Any] = {
    "retries": {"mode": "standard", "max_attempts": 4},
    "connect_timeout": 3,
    "read_timeout": 10,
}


def _cancellation_error(exc: Exception) -> StoreError:
    reasons = getattr(exc, "response", {}).get("CancellationReasons", [])
    codes = {reason.get("Code", "None") for reason in reasons} - {"None"}
    if codes and codes <= _LOST_RACE_CODES:
        return ConditionFailed(", ".join(sorted(codes)))
    if codes & _THROTTLED_CODES and codes <= _LOST_RACE_CODES | _THROTTLED_CODES:
        return StoreUnavailable(f"transaction throttled: {', '.join(sorted(codes))}")
    return StoreError(f"transaction cancelled: {', '.join(sorted(codes)) or exc}")


def is_unavailable(exc: Exception) -> bool:
    """Tell whether a boto3 error means "not now" (throttled, failing, unreachable) rather than a bug."""
    response = getattr(exc, "response", None)
    if isinstance(response, dict) and response.get("Error", {}).get("Code") in UNAVAILABLE_ERRORS:
        return True
    from botocore import exceptions as sdk

    # Unreachable endpoint, connection reset, read timeout (after the SDK's retries).
    return isinstance(exc, sdk.ConnectionError | sdk.HTTPClientError)


_guarded = unavailable_when(is_unavailable)
# Rounds of BatchGetItem on the keys a throttled table left unprocessed.
UNPROCESSED_ROUNDS = 6


def _key(pk: str, sk: str) -> dict[str, Any]:
    return {"pk": {"S": pk}, "sk": {"S": sk}}


def _version_condition(expected: int | None) -> dict[str, Any]:
    if expected is None:
        return {"ConditionExpression": ITEM_DOES_NOT_EXIST}
    return {
        "ConditionExpression": ITEM_HAS_EXPECTED_VERSION,
        "ExpressionAttributeValues": {":expected": {"N": str(expected)}},
    }


def _index_definition(name: str) -> dict[str, Any]:
    return {
        "IndexName": name,
        "KeySchema": [
            {"AttributeName": f"{name}pk", "KeyType": "HASH"},
            {"AttributeName": f"{name}sk", "KeyType": "RANGE"},
        ],
        "Projection": {"ProjectionType": "ALL"},
    }


class DynamoDbBackend:
    """Items in one DynamoDB table (single-table design)."""

    def __init__(self, table: str, client: DynamoDBClient | None = None, region: str = "eu-west-3") -> None:
        if client is None:
            import boto3  # deferred: the SQLite path never pays for boto3's import
            from botocore.config import Config

            client = boto3.client("dynamodb", region_name=region, config=Config(**CLIENT_CONFIG))
        self.table = table
        self.client = client

    # -- schema ------------------------------------------------------------
    @_guarded
    def create_schema(self) -> None:
        try:
            self.client.create_table(
                TableName=self.table,
                BillingMode="PAY_PER_REQUEST",
                AttributeDefinitions=[
                    {"AttributeName": name, "AttributeType": "S"}
                    for name in ("pk", "sk", "gsi1pk", "gsi1sk", "gsi2pk", "gsi2sk")
                ],
                KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "sk", "KeyType": "RANGE"}],
                GlobalSecondaryIndexes=[_index_definition("gsi1"), _index_definition("gsi2")],
            )
        except self.client.exceptions.ResourceInUseException:
            return
        self.client.get_waiter("table_exists").wait(TableName=self.table)
        self.client.update_time_to_live(
            TableName=self.table, TimeToLiveSpecification={"Enabled": True, "AttributeName": "ttl"}
        )

    # -- reads -------------------------------------------------------------
    @_guarded
    def get(self, pk: str, sk: str) -> Item | None:
        response = self.client.get_item(TableName=self.table, Key=_key(pk, sk), ConsistentRead=True)
        return _attributes_to_item(response["Item"]) if "Item" in response else None

    @_guarded
    def get_many(self, keys: Sequence[tuple[str, str]]) -> list[Item]:
        found: list[Item] = []
        unique = list(dict.fromkeys(keys))
        for start in range(0, len(unique), 100):
            request = {
                self.table: {"Keys": [_key(pk, sk) for pk, sk in unique[start : start + 100]], "ConsistentRead": True}
            }
            for attempt in range(UNPROCESSED_ROUNDS):
                response = self.client.batch_get_item(RequestItems=request)
                found.extend(_attributes_to_item(a) for a in response["Responses"].get(self.table, []))
                request = response.get("UnprocessedKeys") or {}
                if not request:
                    break
                # Keys left unprocessed are the table's throttling: back off before asking again.
                time.sleep(min(1.0, 0.05 * 2**attempt))
            else:
                raise StoreUnavailable("keys left unprocessed by a throttled table")
        return found

    @_guarded
    def query(
        self,
        pk: str,
        *,
        index: Index | None = None,
        sk_prefix: str = "",
        sk_from: str | None = None,
        sk_to: str | None = None,
        limit: int | None = None,
        cursor: str | None = None,
        descending: bool = False,
    ) -> Page:
        pk_name, sk_name = (f"{index}pk", f"{index}sk") if index else ("pk", "sk")
        condition = "#pk = :pk"
        values: dict[str, Any] = {":pk": {"S": pk}}
        names = {"#pk": pk_name}
        low, high = key_bounds(sk_prefix, sk_from, sk_to)
        if low is not None or high is not None:
            names["#sk"] = sk_name
            if low is not None and high is not None:
                condition += " AND #sk BETWEEN :low AND :high"
                values.update({":low": {"S": low}, ":high": {"S": high}})
            elif low is not None:
                condition += " AND #sk >= :low"
                values[":low"] = {"S": low}
            else:
                condition += " AND #sk <= :high"
                values[":high"] = {"S": high}
        request: dict[str, Any] = {
            "TableName": self.table,
            "KeyConditionExpression": condition,
            "ExpressionAttributeNames": names,
            "ExpressionAttributeValues": values,
            "ScanIndexForward": not descending,
        }
        if index:
            request["IndexName"] = index
        else:
            request["ConsistentRead"] = True
        if cursor:
            request["ExclusiveStartKey"] = {k: {"S": v} for k, v in decode_cursor(cursor).items()}
        items: list[Item] = []
        while True:
            if limit is not None:
                request["Limit"] = limit + 1 - len(items)
            response = self.client.query(**request)
            items.extend(_attributes_to_item(a) for a in response.get("Items", []))
            last = response.get("LastEvaluatedKey")
            if not last or (limit is not None and len(items) > limit):
                break
            request["ExclusiveStartKey"] = last
        if limit is None or len(items) <= limit:
            return Page(items, None)
        items = items[:limit]
        final = items[-1]
        key = {"pk": final.pk, "sk": final.sk}
        if index:
            key[pk_name] = getattr(final, pk_name)
            key[sk_name] = getattr(final, sk_name)
        return Page(items, encode_cursor(key))

    @_guarded
    def scan_partitions(self, prefix: str) -> list[str]:
        partitions: set[str] = set()
        request: dict[str, Any] = {
            "TableName": self.table,
            "ProjectionExpression": "pk",
            "FilterExpression": "begins_with(pk, :prefix)",
            "ExpressionAttributeValues": {":prefix": {"S": prefix}},
        }
        while True:
            response = self.client.scan(**request)
            partitions.update(a["pk"]["S"] for a in response.get("Items", []))
            if "LastEvaluatedKey" not in response:
                return sorted(partitions)
            request["ExclusiveStartKey"] = response["LastEvaluatedKey"]

    def scan(self, kinds: Sequence[tuple[str, str]], *, segment: int = 0, segments: int = 1) -> Iterator[Item]:
        if not kinds:
            return
        clauses, values = [], {}
        for n, (pk_prefix, sk_prefix) in enumerate(kinds):
            values[f":p{n}"] = {"S": pk_prefix}
            clause = f"begins_with(pk, :p{n})"
            if sk_prefix:
                values[f":s{n}"] = {"S": sk_prefix}
                clause += f" AND begins_with(sk, :s{n})"
            clauses.append(f"({clause})")
        request: dict[str, Any] = {
            "TableName": self.table,
            "FilterExpression": " OR ".join(clauses),
            "ExpressionAttributeValues": values,
            "ConsistentRead": True,
        }
        if segments > 1:
            request.update(Segment=segment, TotalSegments=segments)
        while True:
            response = self._scan_page(request)
            for attributes in response.get("Items", []):
                yield _attributes_to_item(attributes)
            if "LastEvaluatedKey" not in response:
                return
            request["ExclusiveStartKey"] = response["LastEvaluatedKey"]

    @_guarded
    def _scan_page(self, request: dict[str, Any]) -> dict[str, Any]:
        return dict(self.client.scan(**request))

    # -- writes ------------------------------------------------------------
    @_guarded
    def transact(self, writes: Sequence[Write]) -> None:
        if not writes:
            return
        check_transaction(writes)
        operations = [self._operation(write) for write in writes]
        try:
            # One token per transaction: a call the SDK retries after it landed is
            # answered as applied, instead of failing its own version conditions.
            self.client.transact_write_items(TransactItems=operations, ClientRequestToken=str(uuid.uuid4()))
        except self.client.exceptions.TransactionCanceledException as exc:
            raise _cancellation_error(exc) from exc
        except self.client.exceptions.TransactionConflictException as exc:
            raise ConditionFailed(str(exc)) from exc

    def _operation(self, write: Write) -> dict[str, Any]:
        if isinstance(write, Put):
            put: dict[str, Any] = {"TableName": self.table, "Item": _item_to_attributes(write.item)}
            if not write.unconditional:
                put.update(_version_condition(write.expected_version))
            return {"Put": put}
        if isinstance(write, Delete):
            delete: dict[str, Any] = {"TableName": self.table, "Key": _key(write.pk, write.sk)}
            if not write.unconditional:
                delete.update(_version_condition(write.expected_version))
            return {"Delete": delete}
        if isinstance(write, Check):
            return {
                "ConditionCheck": {
                    "TableName": self.table,
                    "Key": _key(write.pk, write.sk),
                    **_version_condition(write.expected_version),
                }
            }
        raise TypeError(f"unknown write {write!r}")  # pragma: no cover

    @_guarded
    def put_newer(self, items: Sequence[Item], replaces: Replaces) -> list[Item]:
        # BatchWriteItem takes no condition: the comparison reads first. Imports run one at a
        # time (their progress item says where), so nothing writes these items in between.
        stored = {(item.pk, item.sk): item for item in self.get_many([(item.pk, item.sk) for item in items])}
        written: list[Item] = []
        for item in items:
            current = stored.get((item.pk, item.sk))
            if current is not None and current.data == item.data:
                continue  # unchanged
            if replaces(current.data if current else None, item.data):
                written.append(replace(item, version=current.version + 1 if current else 1))
        for start in range(0, len(written), 25):
            requests = [{"PutRequest": {"Item": _item_to_attributes(item)}} for item in written[start : start + 25]]
            self._batch_write(requests)
        return written

    def _batch_write(self, requests: list[dict[str, Any]]) -> None:
        pending: dict[str, Any] = {self.table: requests}
        for attempt in range(UNPROCESSED_ROUNDS):
            response = self.client.batch_write_item(RequestItems=pending)
            pending = response.get("UnprocessedItems") or {}
            if not pending:
                return
            time.sleep(min(1.0, 0.05 * 2**attempt))  # items left unprocessed: the table is throttled
        raise StoreUnavailable("items left unprocessed by a throttled table")

    @_guarded
    def increment(self, pk: str, sk: str, amount: int = 1, *, limit: int | None = None) -> int:
        request: dict[str, Any] = {
            "TableName": self.table,
            "Key": _key(pk, COUNTER_PREFIX + sk),
            "UpdateExpression": "ADD n :amount",
            "ExpressionAttributeValues": {":amount": {"N": str(amount)}},
            "ReturnValues": "UPDATED_NEW",
        }
        if limit is not None:
            # The counter may only grow while it stays within the limit.
            request["ConditionExpression"] = "attribute_not_exists(n) OR n <= :ceiling"
            request["ExpressionAttributeValues"][":ceiling"] = {"N": str(limit - amount)}
            if amount > limit:
                raise LimitReached(f"{pk}/{sk}: {amount} > {limit}")
        try:
            response = self.client.update_item(**request)
        except self.client.exceptions.ConditionalCheckFailedException as exc:
            raise LimitReached(f"{pk}/{sk} reached {limit}") from exc
        return int(response["Attributes"]["n"]["N"])

    @_guarded
    def get_counter(self, pk: str, sk: str) -> int:
        response = self.client.get_item(TableName=self.table, Key=_key(pk, COUNTER_PREFIX + sk), ConsistentRead=True)
        return int(response["Item"]["n"]["N"]) if "Item" in response else 0
