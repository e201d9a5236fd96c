from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal

import pytest

from functions.core.clock import FixedClock, isoformat, parse_iso, today_in_paris
from functions.core.money import apply_rate, cents_from_euros


@pytest.mark.parametrize(
    ("euros", "cents"), [("100", 10000), ("99.995", 10000), ("0.005", 1), ("1234.56", 123456), (40, 4000)]
)
def test_euros_become_integer_cents_rounded_half_up(euros: str, cents: int) -> None:
    assert cents_from_euros(euros) == cents


def test_a_rate_applies_to_cents_and_rounds_to_the_cent() -> None:
    assert apply_rate(100_00, Decimal("0.1215")) == 12_15
    assert apply_rate(1, Decimal("0.5")) == 1


def test_a_fixed_clock_stands_still_until_advanced() -> None:
    clock = FixedClock(datetime(2026, 1, 1, tzinfo=UTC))
    assert clock() == clock()
    clock.advance(days=15)
    assert clock() == datetime(2026, 1, 16, tzinfo=UTC)


def test_a_fixed_clock_refuses_naive_times() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        FixedClock(datetime(2026, 1, 1))


def test_the_french_day_changes_at_midnight_in_paris_not_utc() -> None:
    late_evening_utc = datetime(2026, 6, 30, 22, 30, tzinfo=UTC)  # 00:30 in Paris (UTC+2)
    assert today_in_paris(late_evening_utc).isoformat() == "2026-07-01"


def test_iso_times_round_trip_in_utc() -> None:
    moment = datetime(2026, 3, 2, 10, 0, 0, tzinfo=timezone(timedelta(hours=1)))
    assert isoformat(moment) == "2026-03-02T09:00:00Z"
    assert parse_iso(isoformat(moment)) == moment
