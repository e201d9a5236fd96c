"""Sign-in links and sessions on both stores: digests only, single use, counted requests, expiry."""

from datetime import timedelta

import pytest

from functions.core.clock import FixedClock
from functions.core.domain import sessions
from functions.core.domain.sessions import PrincipalKind
from functions.core.store import ConditionFailed, Store

LINK, SESSION, OTHER = "ard_lien_" + "a" * 43, "ard_ses_" + "b" * 43, "ard_ses_" + "c" * 43


def _link(store: Store, clock: FixedClock) -> sessions.SignInLink:
    store.sessions.issue_link(sessions.link_issued(PrincipalKind.MEMBER, "mbr_1", clock()), LINK)
    found = store.sessions.find_link(LINK)
    assert found is not None
    return found


def test_a_link_is_stored_under_its_digest_and_reads_back(store: Store, clock: FixedClock) -> None:
    link = _link(store, clock)
    assert link.kind is PrincipalKind.MEMBER and link.principal_id == "mbr_1" and link.version == 1
    assert link.expires_at == clock() + timedelta(minutes=15)
    assert LINK not in str(store.backend.scan_partitions("SIGNIN#"))


def test_a_link_opens_one_session_and_the_second_use_loses(store: Store, clock: FixedClock) -> None:
    link = _link(store, clock)
    session = store.sessions.open_with_link(link, LINK, SESSION, clock())
    assert store.sessions.find_session(SESSION) == session
    spent = store.sessions.find_link(LINK)
    assert spent is not None and spent.state(clock()) is sessions.LinkState.USED
    with pytest.raises(ConditionFailed):
        store.sessions.open_with_link(link, LINK, OTHER, clock())  # a concurrent use read it unused too
    with pytest.raises(ValueError, match="used"):
        store.sessions.open_with_link(spent, LINK, OTHER, clock())
    assert store.sessions.find_session(OTHER) is None


def test_starting_a_session_is_audited(store: Store, clock: FixedClock) -> None:
    store.sessions.open_with_link(_link(store, clock), LINK, SESSION, clock())
    events = store.audit.list_events("member:mbr_1")
    assert [e.action for e in events] == ["session.started"]


def test_a_session_is_touched_at_most_once_a_minute_and_closed(store: Store, clock: FixedClock) -> None:
    session = store.sessions.open_with_link(_link(store, clock), LINK, SESSION, clock())
    clock.advance(seconds=30)
    assert store.sessions.touch(session, SESSION, clock()) == session
    clock.advance(minutes=1)
    touched = store.sessions.touch(session, SESSION, clock())
    assert touched.last_seen_at == clock() and store.sessions.find_session(SESSION) == touched
    assert store.sessions.touch(session, SESSION, clock() + timedelta(minutes=5)) == session  # stale: kept
    store.sessions.close(touched, SESSION)
    assert store.sessions.find_session(SESSION) is None


def test_requests_are_counted_per_key_up_to_the_limit(store: Store, clock: FixedClock) -> None:
    window, ends = sessions.rate_window(clock()), sessions.window_end(clock())
    for _ in range(5):
        assert store.sessions.count_request(["mailbox#x", "siren#552100554"], window, 5, ends)
    assert not store.sessions.count_request(["mailbox#y", "siren#552100554"], window, 5, ends)
    assert store.sessions.count_request(["mailbox#y"], window, 5, ends)  # nothing was counted when refused
    assert store.sessions.count_request(["mailbox#x"], sessions.rate_window(ends), 5, ends + timedelta(hours=1))


def test_expired_links_sessions_and_counts_are_purged(store: Store, clock: FixedClock) -> None:
    store.sessions.open_with_link(_link(store, clock), LINK, SESSION, clock())
    store.sessions.count_request(["mailbox#x"], sessions.rate_window(clock()), 5, sessions.window_end(clock()))
    assert store.expiring.purge_expired(clock() + timedelta(days=2)) == 3
    assert store.sessions.find_link(LINK) is None and store.sessions.find_session(SESSION) is None
