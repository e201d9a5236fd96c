"""An injectable clock: every rule that depends on time takes ``now``."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

Clock = Callable[[], datetime]

PARIS = ZoneInfo("Europe/Paris")


def system_clock() -> datetime:
    """Return the current time, timezone-aware, in UTC."""
    return datetime.now(UTC)


class FixedClock:
    """A clock for tests and benchmarks: stands still until told to move."""

    def __init__(self, start: datetime) -> None:
        if start.tzinfo is None:
            raise ValueError("FixedClock needs a timezone-aware datetime")
        self.now = start

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> datetime:
        """Move the clock forward by a ``timedelta(**delta)``."""
        self.now += timedelta(**delta)
        return self.now


def clock_from(start: datetime) -> Clock:
    """Return a clock that reads ``start`` now and then runs at real speed (rehearsing a later moment)."""
    if start.tzinfo is None:
        raise ValueError("clock_from needs a timezone-aware datetime")
    offset = start - system_clock()
    return lambda: system_clock() + offset


def today_in_paris(now: datetime) -> date:
    """Return the calendar date in France: due dates and grace periods are French days."""
    return now.astimezone(PARIS).date()


def isoformat(moment: datetime) -> str:
    """Format a moment as ISO 8601 in UTC with a ``Z`` suffix, to the second."""
    return moment.astimezone(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def parse_iso(text: str) -> datetime:
    """Parse an ISO 8601 moment written by :func:`isoformat`."""
    return datetime.fromisoformat(text.replace("Z", "+00:00"))
