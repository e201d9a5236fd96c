"""A commit recognises its own transaction when the call failed after applying it, on both stores."""

from __future__ import annotations

from typing import Any

import boto3
import pytest
from moto import mock_aws

from functions.core.clock import FixedClock
from functions.core.store import Store, retry_on_conflict
from functions.core.store.dynamodb import DynamoDbBackend
from functions.core.store.items import ConditionFailed, Item, ItemBackend, Put
from tests.faults import FaultyBackend, InjectedFault


def a_change(store: Store, key: str = "1") -> None:
    event = store.event("company:552100554", f"thing:{key}", "thing.created", "test")
    store.commit([Put(Item("THING", key, {"n": 1}))], [event])


def test_a_transaction_applied_then_failed_commits(backend: ItemBackend, clock: FixedClock) -> None:
    faulty = FaultyBackend(backend)
    faulty.fail("transact", when="after")
    a_change(Store(faulty, clock))
    assert backend.get("THING", "1") is not None


def test_a_transaction_refused_still_raises(backend: ItemBackend, clock: FixedClock) -> None:
    faulty = FaultyBackend(backend)
    faulty.fail("transact", when="before")
    with pytest.raises(InjectedFault):
        a_change(Store(faulty, clock))
    assert backend.get("THING", "1") is None


def test_a_lost_race_reported_after_the_transaction_landed_is_not_retried(
    backend: ItemBackend, clock: FixedClock
) -> None:
    faulty = FaultyBackend(backend)
    faulty.fail("transact", when="after", error=lambda: ConditionFailed("version"))
    store = Store(faulty, clock)
    runs = []

    def operation() -> None:
        runs.append(1)
        a_change(store, str(len(runs)))

    retry_on_conflict(operation)
    assert runs == [1]
    assert [item.sk for item in backend.query("THING").items] == ["1"]


def test_an_attempt_that_committed_before_losing_a_race_is_not_run_again(
    backend: ItemBackend, clock: FixedClock
) -> None:
    store = Store(backend, clock)
    runs = []

    def operation() -> None:
        runs.append(1)
        a_change(store, str(len(runs)))
        raise ConditionFailed("a second write lost its race")

    with pytest.raises(ConditionFailed):
        retry_on_conflict(operation)
    assert runs == [1]


def test_a_genuine_lost_race_is_retried(backend: ItemBackend, clock: FixedClock) -> None:
    faulty = FaultyBackend(backend)
    faulty.fail("transact", when="before", error=lambda: ConditionFailed("version"))
    store = Store(faulty, clock)
    retry_on_conflict(lambda: a_change(store))
    assert backend.get("THING", "1") is not None


class RecordingClient:
    """A DynamoDB client that remembers the parameters of each call."""

    def __init__(self, client: Any) -> None:
        self._client = client
        self.calls: list[tuple[str, dict[str, Any]]] = []

    def __getattr__(self, name: str) -> Any:
        attribute = getattr(self._client, name)
        if not callable(attribute):
            return attribute

        def call(*args: Any, **kwargs: Any) -> Any:
            self.calls.append((name, kwargs))
            return attribute(*args, **kwargs)

        return call


def test_each_dynamodb_transaction_carries_its_own_client_request_token(clock: FixedClock) -> None:
    with mock_aws():
        client = RecordingClient(boto3.client("dynamodb", region_name="eu-west-3"))
        backend = DynamoDbBackend("ardoise-test", client)
        backend.create_schema()
        store = Store(backend, clock)
        a_change(store, "1")
        a_change(store, "2")
    tokens = [kwargs.get("ClientRequestToken") for name, kwargs in client.calls if name == "transact_write_items"]
    assert len(tokens) == 2 and all(tokens) and tokens[0] != tokens[1]
