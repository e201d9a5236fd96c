"""Idempotency records: claimed with a change, completed with its response, alive 24 hours, on both stores."""

from __future__ import annotations

import pytest

from functions.core.clock import FixedClock
from functions.core.store import ConditionFailed, Store
from functions.core.store.base import KeyClaimed, RequestWrites, request_writes
from functions.core.store.items import Item, Put

PK = "IDEMPOTENCY#0123"


def a_change(store: Store, key: str) -> None:
    store.commit([Put(Item("THING", key, {}))], [store.event("company:552100554", f"thing:{key}", "made", "test")])


def test_a_claim_commits_with_the_change_and_lives_24_hours(store: Store, clock: FixedClock) -> None:
    store.commit([Put(Item("THING", "1", {})), store.replays.claim(PK, "fingerprint", None)], [])
    replay, _ = store.replays.find(PK)
    assert replay is not None and replay.fingerprint == "fingerprint" and replay.status is None
    store.replays.complete(PK, {"status": 201, "headers": {}, "body": "sealed"})
    replay, _ = store.replays.find(PK)
    assert replay is not None and (replay.status, replay.body) == (201, "sealed")
    clock.advance(hours=24)
    replay, stale = store.replays.find(PK)
    assert replay is None and stale is not None
    # Past its expiry, a new request may claim the key again.
    store.commit([store.replays.claim(PK, "another", stale)], [])
    assert store.replays.find(PK)[0] is not None


def test_a_live_claim_cannot_be_claimed_again(store: Store) -> None:
    store.commit([store.replays.claim(PK, "fingerprint", None)], [])
    with pytest.raises(ConditionFailed):
        store.commit([store.replays.claim(PK, "fingerprint", None)], [])


def test_the_first_commit_of_a_keyed_request_carries_its_claim_and_the_next_ones_do_not(store: Store) -> None:
    token = request_writes.set(RequestWrites(claim=store.replays.claim(PK, "fingerprint", None)))
    try:
        a_change(store, "1")
        a_change(store, "2")
    finally:
        request_writes.reset(token)
    assert store.replays.find(PK)[0] is not None
    assert store.backend.get("THING", "2") is not None


def test_a_change_whose_key_another_request_claimed_first_is_not_applied(store: Store) -> None:
    store.commit([store.replays.claim(PK, "fingerprint", None)], [])
    token = request_writes.set(RequestWrites(claim=store.replays.claim(PK, "fingerprint", None)))
    try:
        with pytest.raises(KeyClaimed):
            a_change(store, "1")
    finally:
        request_writes.reset(token)
    assert store.backend.get("THING", "1") is None


def test_a_response_is_recorded_at_once_for_a_request_that_committed_nothing(store: Store) -> None:
    assert store.replays.record(PK, "fingerprint", {"status": 200, "headers": {}, "body": "x"}, None)
    assert not store.replays.record(PK, "fingerprint", {"status": 200, "headers": {}, "body": "y"}, None)
    replay, _ = store.replays.find(PK)
    assert replay is not None and replay.body == "x"
