"""Late-payment penalties, checked against amounts computed by hand."""

from datetime import date
from decimal import Decimal

import pytest

from functions.core.domain.penalties import (
    late_payment_penalties,
    parse_rate_table,
    rate_in_force,
    reference_day,
)

# The ECB cut its rate on 17 December 2025 in this table: H2 2025 keeps the 1 July rate.
TABLE = parse_rate_table("2025-06-11:2.15,2025-12-17:2.00")


def test_the_rate_of_a_half_year_is_the_one_in_force_on_its_first_day() -> None:
    assert reference_day(date(2025, 12, 20)) == date(2025, 7, 1)
    assert reference_day(date(2026, 3, 2)) == date(2026, 1, 1)
    assert rate_in_force(TABLE, date(2025, 7, 1)) == Decimal("2.15")
    assert rate_in_force(TABLE, date(2026, 1, 1)) == Decimal("2.00")
    assert rate_in_force(TABLE, date(2020, 1, 1)) == Decimal(0)


def test_penalties_across_a_half_year_match_a_hand_computation() -> None:
    # 1 250,00 EUR due 15 Nov 2025, as of 2 Mar 2026:
    #   16 Nov - 31 Dec 2025: 46 days at 2.15 + 10 = 12.15 %: 125000 x 0.1215 x 46 / 365 = 1914.04 -> 1914
    #   1 Jan - 2 Mar 2026:   61 days at 2.00 + 10 = 12.00 %: 125000 x 0.12 x 61 / 365 = 2506.85 -> 2507
    penalties = late_payment_penalties(1_250_00, date(2025, 11, 15), date(2026, 3, 2), TABLE)
    assert [(p.start, p.end, p.days, p.percent, p.cents) for p in penalties.periods] == [
        (date(2025, 11, 16), date(2025, 12, 31), 46, Decimal("12.15"), 1914),
        (date(2026, 1, 1), date(2026, 3, 2), 61, Decimal("12.00"), 2507),
    ]
    assert penalties.interest_cents == 4421
    assert penalties.indemnity_cents == 4000
    assert penalties.total_cents == 8421


def test_the_margin_over_the_ecb_rate_is_configurable() -> None:
    # 1 000,00 EUR, 30 days in H1 2026 at 2.00 + 7.5 = 9.5 %: 100000 x 0.095 x 30 / 365 = 780.82 -> 781
    penalties = late_payment_penalties(1_000_00, date(2026, 1, 31), date(2026, 3, 2), TABLE, Decimal("7.5"))
    assert penalties.interest_cents == 781


def test_nothing_accrues_on_or_before_the_due_date() -> None:
    assert late_payment_penalties(1_000_00, date(2026, 3, 2), date(2026, 3, 2), TABLE).periods == ()


def test_an_empty_setting_means_the_built_in_ecb_table() -> None:
    table = parse_rate_table("")
    assert rate_in_force(table, date(2025, 1, 1)) == Decimal("3.15")
    assert rate_in_force(table, date(2025, 7, 1)) == Decimal("2.15")


@pytest.mark.parametrize("raw", ["2025-13-01:2", "2025-01-01", "hier:2.5", ","])
def test_a_malformed_rate_table_is_refused(raw: str) -> None:
    with pytest.raises(ValueError, match="rate"):
        parse_rate_table(raw)
