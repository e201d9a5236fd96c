"""The rules of sign-in links and sessions (domain/sessions.py), with the clock passed in."""

from datetime import UTC, datetime, timedelta

import pytest

from functions.core.domain import sessions
from functions.core.domain.sessions import LinkState, PrincipalKind

NOW = datetime(2026, 3, 2, 9, 59, 30, tzinfo=UTC)


def test_a_link_is_usable_for_15_minutes_then_expired() -> None:
    link = sessions.link_issued(PrincipalKind.MODERATOR, "mod_1", NOW)
    assert link.state(NOW + timedelta(minutes=14, seconds=59)) is LinkState.USABLE
    assert link.state(NOW + timedelta(minutes=15)) is LinkState.EXPIRED


def test_a_link_serves_once() -> None:
    spent = sessions.link_used(sessions.link_issued(PrincipalKind.MEMBER, "mbr_1", NOW), NOW)
    assert spent.state(NOW) is LinkState.USED
    with pytest.raises(ValueError, match="used"):
        sessions.link_used(spent, NOW)


def test_an_expired_link_cannot_be_used() -> None:
    with pytest.raises(ValueError, match="expired"):
        sessions.link_used(sessions.link_issued(PrincipalKind.MEMBER, "mbr_1", NOW), NOW + timedelta(hours=1))


def test_a_session_closes_after_30_idle_minutes_and_after_12_hours_whatever_its_use() -> None:
    session = sessions.session_started(PrincipalKind.SUBSCRIBER, "abc", NOW)
    assert session.is_open(NOW + timedelta(minutes=29)) and not session.is_open(NOW + timedelta(minutes=30))
    used = session
    for minutes in range(20, 12 * 60, 20):
        used = sessions.session_touched(used, NOW + timedelta(minutes=minutes))
    assert used.last_seen_at == NOW + timedelta(minutes=11 * 60 + 40)
    assert not used.is_open(NOW + timedelta(hours=12))


def test_touching_a_session_writes_at_most_once_a_minute() -> None:
    session = sessions.session_started(PrincipalKind.MEMBER, "mbr_1", NOW)
    assert sessions.session_touched(session, NOW + timedelta(seconds=59)) is session
    assert sessions.session_touched(session, NOW + timedelta(seconds=60)).last_seen_at == NOW + timedelta(seconds=60)


def test_requests_count_in_the_hour_they_fall_in() -> None:
    assert sessions.rate_window(NOW) == "2026-03-02T09"
    assert sessions.window_end(NOW) == datetime(2026, 3, 2, 10, 0, tzinfo=UTC)
