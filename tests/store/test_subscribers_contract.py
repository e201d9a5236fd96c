"""Subscribers, usage counters and watchlists on both stores."""

import contextlib
import threading

import pytest

from functions.core.domain.subscribers import subscriber_id_of
from functions.core.store import LimitReached, Store
from functions.core.store.subscribers import SubscriberNotFound


def test_a_new_subscriber_key_is_shown_once_and_stored_hashed(store: Store) -> None:
    subscriber, key = store.subscribers.create_subscriber(
        name="Cabinet Leroy", email="credit@leroy.fr", plan="pro", actor="operator"
    )
    assert key.startswith(f"ard_sub_{subscriber.id}_")
    stored = store.backend.get(f"SUBSCRIBER#{subscriber.id}", "PROFILE")
    assert stored is not None and key not in str(stored.data)
    assert store.subscribers.authenticate(key) == subscriber


@pytest.mark.parametrize(
    "mangle",
    [lambda k: k[:-1] + ("A" if k[-1] != "A" else "B"), lambda k: "", lambda k: "ard_sub_zzz", lambda k: k + "x"],
)
def test_a_wrong_key_authenticates_nobody(store: Store, mangle) -> None:  # type: ignore[no-untyped-def]
    _, key = store.subscribers.create_subscriber(
        name="Cabinet Leroy", email="credit@leroy.fr", plan="pro", actor="operator"
    )
    assert store.subscribers.authenticate(mangle(key)) is None


def test_a_revoked_key_authenticates_nobody_and_the_change_is_audited(store: Store) -> None:
    subscriber, key = store.subscribers.create_subscriber(
        name="Cabinet Leroy", email="credit@leroy.fr", plan="pro", actor="operator"
    )
    store.subscribers.update_subscriber(subscriber.id, "subscriber.revoked", "operator", status="revoked")
    assert store.subscribers.authenticate(key) is None
    events = store.audit.list_events(f"subscriber:{subscriber.id}")
    assert [e.action for e in events] == ["subscriber.created", "subscriber.revoked"]
    assert "credit@leroy.fr" not in str([e.after for e in events])


def test_changing_an_unknown_subscriber_fails(store: Store) -> None:
    with pytest.raises(SubscriberNotFound):
        store.subscribers.update_subscriber("0123456789ab", "subscriber.plan_changed", "operator", plan="pro")


def test_subscribers_are_listed_oldest_first_page_by_page(store: Store, clock) -> None:  # type: ignore[no-untyped-def]
    for n in range(3):
        store.subscribers.create_subscriber(name=f"Client {n}", email=f"c{n}@exemple.fr", plan="pro", actor="op")
        clock.advance(seconds=1)
    first, cursor = store.subscribers.list_subscribers(limit=2)
    rest, end = store.subscribers.list_subscribers(limit=2, cursor=cursor)
    assert [s.name for s in first + rest] == ["Client 0", "Client 1", "Client 2"]
    assert end is None


def test_the_monthly_quota_is_never_exceeded_even_by_concurrent_calls(store: Store) -> None:
    granted: list[int] = []

    def call() -> None:
        for _ in range(5):
            with contextlib.suppress(LimitReached):
                granted.append(store.subscribers.count_summaries("0123456789ab", "2026-03", 1, quota=12))

    threads = [threading.Thread(target=call) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(granted) == list(range(1, 13))
    assert store.subscribers.get_usage("0123456789ab", "2026-03") == {"summaries": 12, "calls": 0}


def test_a_batch_that_does_not_fit_the_quota_counts_nothing(store: Store) -> None:
    store.subscribers.count_summaries("0123456789ab", "2026-03", 8, quota=10)
    with pytest.raises(LimitReached):
        store.subscribers.count_summaries("0123456789ab", "2026-03", 3, quota=10)
    assert store.subscribers.get_usage("0123456789ab", "2026-03")["summaries"] == 8


def test_only_well_shaped_keys_name_a_subscriber() -> None:
    assert subscriber_id_of("ard_sub_0123456789ab_secret") == "0123456789ab"
    assert subscriber_id_of("ard_mbr_0123456789ab_secret") is None
    assert subscriber_id_of("ard_sub_0123456789ab_") is None


def test_watching_is_idempotent_and_seen_from_both_sides(store: Store) -> None:
    assert store.watchlist.watch("0123456789ab", "552100554", "subscriber:0123456789ab")
    assert not store.watchlist.watch("0123456789ab", "552100554", "subscriber:0123456789ab")
    store.watchlist.watch("ba9876543210", "552100554", "subscriber:ba9876543210")
    assert sorted(store.watchlist.iter_watchers("552100554")) == ["0123456789ab", "ba9876543210"]
    watched, _ = store.watchlist.list_watched("0123456789ab")
    assert [w["siren"] for w in watched] == ["552100554"]
    assert store.watchlist.unwatch("0123456789ab", "552100554", "subscriber:0123456789ab")
    assert not store.watchlist.unwatch("0123456789ab", "552100554", "subscriber:0123456789ab")
    assert list(store.watchlist.iter_watchers("552100554")) == ["ba9876543210"]
