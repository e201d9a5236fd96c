"""French formats: every surface writes dates, moments, numbers and amounts through ``functions.core.french``."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

import pytest

from functions.core.french import (
    decimal,
    format_eur,
    long_date,
    month_label,
    number,
    parse_euros,
    percent,
    round_eur,
    short_date,
    short_datetime,
)

FUNCTIONS = Path(__file__).resolve().parents[2] / "functions"
FORMATTER = FUNCTIONS / "core" / "french.py"


@pytest.mark.parametrize(
    ("day", "written"),
    [(date(2026, 3, 1), "1er mars 2026"), (date(2026, 2, 11), "11 février 2026"), (date(2026, 8, 23), "23 août 2026")],
)
def test_a_date_in_running_text_spells_its_month_and_the_first_is_1er(day: date, written: str) -> None:
    assert long_date(day) == written


def test_a_short_date_pads_day_and_month() -> None:
    assert short_date(date(2026, 2, 1)) == "01/02/2026"


def test_a_moment_is_written_in_paris_time_whatever_its_zone() -> None:
    assert short_datetime(datetime(2026, 3, 4, 9, 0, tzinfo=UTC)) == "04/03/2026 à 10h00"
    # 22:30 UTC in summer is already the next day in Paris.
    assert short_datetime(datetime(2026, 6, 30, 22, 30, tzinfo=UTC)) == "01/07/2026 à 00h30"


def test_a_chart_month_is_abbreviated() -> None:
    assert month_label(date(2026, 9, 1)) == "sept. 26"
    assert month_label(date(2027, 5, 31)) == "mai 27"


def test_amounts_group_thousands_with_a_narrow_no_break_space_and_end_in_euros() -> None:
    assert format_eur(123456) == "1\u202f234,56\u00a0€"
    assert format_eur(123456789) == "1\u202f234\u202f567,89\u00a0€"
    assert format_eur(5) == "0,05\u00a0€"
    assert format_eur(-4000) == "-40,00\u00a0€"


def test_a_round_amount_in_prose_drops_its_cents_only_when_it_has_none() -> None:
    assert round_eur(150000) == "1\u202f500\u00a0€"
    assert round_eur(4000) == "40\u00a0€"
    assert round_eur(9950) == "99,50\u00a0€"


def test_numbers_rates_and_decimals_use_the_french_separators() -> None:
    assert number(109500) == "109\u202f500"
    assert number(12) == "12"
    assert percent(Decimal("12.15")) == "12,15\u00a0%"
    assert percent(Decimal("3")) == "3,00\u00a0%"
    assert decimal(Decimal("7.50")) == "7,5"
    assert decimal(Decimal("10")) == "10"


# What a second formatter would write: a strftime day pattern, or a list of month names.
COPIES = re.compile(r"%d/%m|%d %B|\"(?:janvier|février|janv\.|févr\.)\"")


def test_no_module_but_french_formats_dates_itself() -> None:
    copies = [
        f"{path.relative_to(FUNCTIONS.parent)}:{number}: {line.strip()}"
        for path in sorted(FUNCTIONS.rglob("*.py"))
        if path != FORMATTER
        for number, line in enumerate(path.read_text().splitlines(), 1)
        if COPIES.search(line)
    ]
    assert copies == []


def test_the_guard_against_copies_recognises_one() -> None:
    assert COPIES.search('return day.strftime("%d/%m/%Y")')
    assert COPIES.search('MONTHS = ("janvier", "février", ...)')
    assert COPIES.search(FORMATTER.read_text())


@pytest.mark.parametrize(
    ("typed", "cents"),
    [("1 250,50", 125050), ("1.250,5 €", 125050), ("1250", 125000), ("1\u202f250,00\u00a0€", 125000), ("0,07", 7)],
)
def test_an_amount_typed_in_euros_reads_as_cents(typed: str, cents: int) -> None:
    assert parse_euros(typed) == cents


@pytest.mark.parametrize("typed", ["", "mille", "12,345", "1,2,3", "-5", "1.25"])
def test_what_is_not_an_amount_in_euros_reads_as_none(typed: str) -> None:
    assert parse_euros(typed) is None
