"""The payment index on hand-computed cases: each anchor, between anchors, amounts, too little data."""

from datetime import date
from fractions import Fraction

import pytest

from functions.core.domain.solvency import (
    SCORE_POINTS,
    Line,
    eligible_experiences,
    grade,
    months_before,
    payment_index,
    score,
)
from tests.reports.factories import make_experience, three_creditors

TODAY = date(2027, 6, 1)


@pytest.mark.parametrize(("days", "expected"), SCORE_POINTS)
def test_three_experiences_at_an_anchor_point_give_that_anchors_score(days: int, expected: int) -> None:
    experiences = eligible_experiences(three_creditors(days, days, days), TODAY)
    assert len(experiences) == 3
    assert payment_index(Line(e.days_beyond_terms, e.amount_cents) for e in experiences) == expected


@pytest.mark.parametrize(
    ("days", "exact", "rounded"),
    [
        (-45, Fraction(100), 100),  # earlier than a month ahead is capped at 100
        (-25, Fraction(95), 95),  # halfway between -30 (100) and -20 (90)
        (-10, Fraction(85), 85),  # halfway between -20 (90) and 0 (80)
        (7, Fraction(226, 3), 75),  # 80 - 10 * 7/15 = 75.33
        (18, Fraction(460, 7), 66),  # 70 - 10 * 3/7 = 65.71
        (26, Fraction(55), 55),  # halfway between 22 (60) and 30 (50)
        (45, Fraction(45), 45),  # halfway between 30 (50) and 60 (40)
        (100, Fraction(80, 3), 27),  # 30 - 10 * 10/30 = 26.67
        (200, Fraction(3380, 245), 14),  # 20 - 19 * 80/245 = 13.80
        (365, Fraction(1), 1),
        (1000, Fraction(1), 1),  # a year late or more: the floor
    ],
)
def test_scores_between_anchors_are_linear_interpolations(days: int, exact: Fraction, rounded: int) -> None:
    assert score(days) == exact
    assert payment_index([Line(days, 500_00)] * 3) == rounded


def test_the_index_weighs_each_invoice_by_its_amount() -> None:
    # (80 * 1,000 + 50 * 3,000 + 30 * 1,000) / 5,000 = 52
    lines = [Line(0, 1_000_00), Line(30, 3_000_00), Line(90, 1_000_00)]
    assert payment_index(lines) == 52


def test_a_large_late_invoice_outweighs_small_punctual_ones() -> None:
    # (80 * 100 + 80 * 100 + 20 * 9,800) / 10,000 = 21.2
    assert payment_index([Line(0, 100_00), Line(0, 100_00), Line(120, 9_800_00)]) == 21


def test_an_index_exactly_halfway_is_rounded_up() -> None:
    # (80 * 1 + 70 * 1 + 70 * 2) / 4 = 72.5
    assert payment_index([Line(0, 1_00), Line(15, 1_00), Line(15, 2_00)]) == 73


def test_fewer_than_three_invoices_give_no_index() -> None:
    assert payment_index([]) is None
    assert payment_index([Line(0, 1_000_00), Line(10, 1_000_00)]) is None


def test_experiences_from_only_two_creditors_do_not_count() -> None:
    experiences = [
        make_experience(creditor_siren="732829320", reference="A"),
        make_experience(creditor_siren="732829320", reference="B"),
        make_experience(creditor_siren="542051180", reference="C"),
    ]
    assert eligible_experiences(experiences, TODAY) == []


def test_experiences_older_than_24_months_leave_the_window() -> None:
    old = three_creditors(0, 0, 0)
    assert eligible_experiences(old, date(2028, 1, 30)) == old
    assert eligible_experiences(old, date(2028, 2, 1)) == []


def test_experiences_paid_after_the_day_considered_do_not_count_yet() -> None:
    experiences = three_creditors(0, 0, 10)
    assert len(eligible_experiences(experiences, date(2026, 2, 5))) == 0
    assert len(eligible_experiences(experiences, date(2026, 2, 10))) == 3


@pytest.mark.parametrize(
    ("index", "letter"),
    [(100, "A"), (80, "A"), (79, "B"), (70, "B"), (69, "C"), (50, "C"), (49, "D"), (30, "D"), (29, "E"), (1, "E")],
)
def test_grades_follow_their_documented_thresholds(index: int, letter: str) -> None:
    found = grade(index)
    assert found is not None and found.letter == letter


def test_no_index_means_no_grade() -> None:
    assert grade(None) is None


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (date(2026, 11, 23), 3, date(2026, 8, 23)),
        (date(2026, 3, 31), 1, date(2026, 2, 28)),
        (date(2026, 1, 15), 24, date(2024, 1, 15)),
        (date(2024, 2, 29), 12, date(2023, 2, 28)),
    ],
)
def test_months_before_clamps_to_the_end_of_shorter_months(day: date, months: int, expected: date) -> None:
    assert months_before(day, months) == expected
