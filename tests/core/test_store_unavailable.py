"""A throttled or unavailable store answers 503 with Retry-After, never 500; the tick survives it.

The backends map their engines' errors (DynamoDB throttling and service errors,
SQLite locked past its timeout) to ``StoreUnavailable``; the edge turns it into
``service-indisponible``.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError, ReadTimeoutError
from flask import Flask
from flask.testing import FlaskClient
from moto import mock_aws

from functions.charter.app import create_app as create_charter
from functions.core.clock import FixedClock
from functions.core.config import Settings
from functions.core.mailer import OutboxMailer
from functions.core.resources import Resources
from functions.core.store import Store
from functions.core.store.dynamodb import DynamoDbBackend
from functions.core.store.items import Item, ItemBackend, Put, StoreUnavailable
from functions.core.store.sqlite import SqliteBackend
from functions.core.usecases.tick import TickFailed
from functions.directory.app import create_app as create_directory
from functions.local.tick import run_local_tick
from tests.charter.factories import SIREN, signature_form
from tests.faults import FaultyBackend

PROBLEM = "https://ardoise.fr/problemes/service-indisponible"


class ThrottlingClient:
    """A DynamoDB client whose chosen operations fail as a throttled table answers."""

    def __init__(self, client: Any) -> None:
        self._client = client
        self.failing: dict[str, BaseException] = {}

    def __getattr__(self, name: str) -> Any:
        attribute = getattr(self._client, name)
        if not callable(attribute):
            return attribute

        def call(*args: Any, **kwargs: Any) -> Any:
            if name in self.failing:
                raise self.failing[name]
            return attribute(*args, **kwargs)

        return call


def client_error(code: str, operation: str) -> ClientError:
    message = "Rate of requests exceeds the allowed throughput."
    return ClientError({"Error": {"Code": code, "Message": message}}, operation)


@pytest.fixture
def throttled() -> Iterator[tuple[DynamoDbBackend, ThrottlingClient]]:
    with mock_aws():
        client = ThrottlingClient(boto3.client("dynamodb", region_name="eu-west-3"))
        backend = DynamoDbBackend("ardoise-test", client)
        backend.create_schema()
        yield backend, client


def assert_503(response: Any) -> None:
    assert response.status_code == 503, response.json
    assert response.mimetype == "application/problem+json"
    assert response.json["type"] == PROBLEM
    assert int(response.headers["Retry-After"]) > 0


def charter_over(backend: ItemBackend, settings: Settings, mailer: OutboxMailer, clock: FixedClock) -> FlaskClient:
    app: Flask = create_charter(settings=settings, store=Store(backend, clock), mailer=mailer, clock=clock)
    return app.test_client()


# -- the backends map their engines' errors ----------------------------------------


@pytest.mark.parametrize(
    "code",
    ["ThrottlingException", "ProvisionedThroughputExceededException", "RequestLimitExceeded", "InternalServerError"],
)
def test_dynamodb_throttling_and_service_errors_are_store_unavailable(
    throttled: tuple[DynamoDbBackend, ThrottlingClient], code: str
) -> None:
    backend, client = throttled
    client.failing["get_item"] = client_error(code, "GetItem")
    client.failing["query"] = client_error(code, "Query")
    with pytest.raises(StoreUnavailable):
        backend.get("A", "1")
    with pytest.raises(StoreUnavailable):
        backend.query("A")


def test_a_dynamodb_transaction_cancelled_by_throttling_is_store_unavailable(
    throttled: tuple[DynamoDbBackend, ThrottlingClient],
) -> None:
    backend, client = throttled
    response = {
        "Error": {"Code": "TransactionCanceledException", "Message": "Transaction cancelled"},
        "CancellationReasons": [{"Code": "None"}, {"Code": "ThrottlingError"}],
    }
    client.failing["transact_write_items"] = client.exceptions.TransactionCanceledException(
        response, "TransactWriteItems"
    )
    with pytest.raises(StoreUnavailable):
        backend.transact([Put(Item("A", "1", {})), Put(Item("A", "2", {}))])


def test_a_dynamodb_read_timeout_after_the_sdk_retries_is_store_unavailable(
    throttled: tuple[DynamoDbBackend, ThrottlingClient],
) -> None:
    backend, client = throttled
    client.failing["get_item"] = ReadTimeoutError(endpoint_url="https://dynamodb.eu-west-3.amazonaws.com")
    with pytest.raises(StoreUnavailable):
        backend.get("A", "1")


def test_a_dynamodb_error_that_is_a_bug_stays_one(throttled: tuple[DynamoDbBackend, ThrottlingClient]) -> None:
    backend, client = throttled
    client.failing["get_item"] = client_error("ValidationException", "GetItem")
    with pytest.raises(ClientError) as raised:
        backend.get("A", "1")
    assert not isinstance(raised.value, StoreUnavailable)


def test_a_sqlite_database_locked_past_its_timeout_is_store_unavailable(tmp_path: Path) -> None:
    backend = SqliteBackend(tmp_path / "ardoise.db", busy_timeout=0.05)
    backend.create_schema()
    other = sqlite3.connect(tmp_path / "ardoise.db", isolation_level=None)
    other.execute("BEGIN IMMEDIATE")  # another process holds the write lock
    try:
        with pytest.raises(StoreUnavailable):
            backend.transact([Put(Item("A", "1", {}))])
    finally:
        other.execute("ROLLBACK")
        other.close()
    backend.transact([Put(Item("A", "1", {}))])
    assert backend.get("A", "1") is not None


# -- the edge answers 503 ---------------------------------------------------------------


def test_a_throttled_table_answers_503_through_the_api(
    throttled: tuple[DynamoDbBackend, ThrottlingClient], settings: Settings, mailer: OutboxMailer, clock: FixedClock
) -> None:
    backend, client = throttled
    api = charter_over(backend, settings, mailer, clock)
    client.failing["get_item"] = client_error("ProvisionedThroughputExceededException", "GetItem")
    assert_503(api.get(f"/signatures/{SIREN}"))
    assert_503(api.post("/signatures", json=signature_form()))
    del client.failing["get_item"]
    assert api.post("/signatures", json=signature_form()).status_code == 202


def test_a_locked_sqlite_database_answers_503_through_the_api(
    tmp_path: Path, settings: Settings, mailer: OutboxMailer, clock: FixedClock
) -> None:
    backend = SqliteBackend(tmp_path / "locked.db", busy_timeout=0.05)
    backend.create_schema()
    api = charter_over(backend, settings, mailer, clock)
    other = sqlite3.connect(tmp_path / "locked.db", isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    try:
        assert_503(api.post("/signatures", json=signature_form()))
    finally:
        other.execute("ROLLBACK")
        other.close()
    assert mailer.messages() == []
    assert api.post("/signatures", json=signature_form()).status_code == 202


def test_an_unavailable_store_answers_503_on_every_app_and_changes_nothing(
    backend: ItemBackend, settings: Settings, mailer: OutboxMailer, clock: FixedClock
) -> None:
    faulty = FaultyBackend(backend)
    store = Store(faulty, clock)
    resources = Resources(settings, store=store, mailer=mailer, clock=clock)
    directory = create_directory(settings=settings, store=store, mailer=mailer, clock=clock).test_client()
    charter = charter_over(faulty, settings, mailer, clock)
    faulty.fail("transact", error=lambda: StoreUnavailable("throttled"), calls=None)
    faulty.fail("get", error=lambda: StoreUnavailable("throttled"), calls=None)

    assert_503(charter.post("/signatures", json=signature_form()))
    assert_503(directory.get(f"/companies/{SIREN}"))
    registration = {
        "siren": "732829320",
        "company_name": "Menuiserie Durand SARL",
        "contact_name": "Claire Durand",
        "email": "compta@menuiserie-durand.fr",
    }
    assert_503(directory.post("/members", json=registration))

    faulty.clear()
    assert resources.store.members.list_members() == []
    assert mailer.messages() == []


# -- jobs ---------------------------------------------------------------------------------


def test_the_tick_survives_an_unavailable_store_and_the_next_tick_does_the_work(
    backend: ItemBackend, settings: Settings, mailer: OutboxMailer, clock: FixedClock
) -> None:
    faulty = FaultyBackend(backend)
    resources = Resources(settings, store=Store(faulty, clock), mailer=mailer, clock=clock)
    resources.store.outbox  # noqa: B018 - the repository exists before the fault
    faulty.transact([resources.store.outbox.mark(SIREN)])
    faulty.fail("query", error=lambda: StoreUnavailable("throttled"), matches=lambda pk, **kw: pk == "OUTBOX")

    with pytest.raises(TickFailed) as failed:
        run_local_tick(resources)

    results = failed.value.results
    assert "StoreUnavailable" in results["refresh_marked"]["error"]
    assert all("error" not in str(result) for name, result in results.items() if name != "refresh_marked")
    assert [mark.data["siren"] for mark in resources.store.outbox.list_marked()] == [SIREN]
    faulty.clear()
    run_local_tick(resources)
    assert resources.store.outbox.list_marked() == []
