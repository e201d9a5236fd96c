"""The payment index: days beyond terms mapped to the 1-100 scale credit managers know.

The scale is the one of D&B's PAYDEX: 100 pays a month early, 80 pays on the
due date, 50 pays 30 days late, 20 pays 120 days late, 1 pays a year late or
never. Each invoice (a report or a shared payment experience) gets a score by
linear interpolation between the anchor points below; the index is the mean of
the scores weighted by the invoices' amounts, rounded half up. The arithmetic is
exact (fractions), so that the same data always gives the same index.
"""

from __future__ import annotations

from calendar import monthrange
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from fractions import Fraction
from itertools import pairwise

# (days beyond terms, score): the published scale. Earlier than the first point
# scores 100, later than the last scores 1.
SCORE_POINTS: tuple[tuple[int, int], ...] = (
    (-30, 100),
    (-20, 90),
    (0, 80),
    (15, 70),
    (22, 60),
    (30, 50),
    (60, 40),
    (90, 30),
    (120, 20),
    (365, 1),
)

# Fewer experiences and reports than this over the window: no index, "insufficient data".
MIN_LINES = 3
# Shared experiences feed the index only once this many different creditors contributed.
MIN_CREDITORS = 3
# The index looks back this many months.
WINDOW_MONTHS = 24


@dataclass(frozen=True)
class Grade:
    """A letter for a range of the index, with the French words a subscriber reads."""

    letter: str
    floor: int
    label: str


# Highest first; a grade applies from its floor up to the next grade's floor minus one.
GRADES: tuple[Grade, ...] = (
    Grade("A", 80, "Paie à l'échéance ou en avance"),
    Grade("B", 70, "Retards courts : jusqu'à une quinzaine de jours"),
    Grade("C", 50, "Retards modérés : de 15 à 30 jours"),
    Grade("D", 30, "Retards importants : de 30 à 90 jours"),
    Grade("E", 1, "Retards graves : au-delà de 90 jours"),
)


@dataclass(frozen=True)
class Experience:
    """An invoice a member shares about a debtor: due date, payment date, amount.

    Experiences are never shown one by one: they only feed the index, and only
    once enough different creditors contributed (:data:`MIN_CREDITORS`).
    """

    creditor_siren: str
    debtor_siren: str
    amount_cents: int
    due_date: date
    paid_on: date
    reference: str = ""

    @property
    def days_beyond_terms(self) -> int:
        return (self.paid_on - self.due_date).days

    @property
    def kept_until(self) -> date:
        """Return the last day the experience is kept: the window's length after it was paid or due, the later.

        The index stops counting it once it was paid more than the window ago,
        so nothing is lost when it is deleted the next day.
        """
        return months_before(max(self.paid_on, self.due_date), -WINDOW_MONTHS)


@dataclass(frozen=True)
class Line:
    """One invoice as the index sees it: its days beyond terms and its amount."""

    days_beyond_terms: int
    amount_cents: int


def score(days_beyond_terms: int) -> Fraction:
    """Return the exact score of an invoice paid ``days_beyond_terms`` after its due date."""
    first_day, first_score = SCORE_POINTS[0]
    if days_beyond_terms <= first_day:
        return Fraction(first_score)
    for (day_a, score_a), (day_b, score_b) in pairwise(SCORE_POINTS):
        if days_beyond_terms <= day_b:
            return score_a + Fraction(score_b - score_a, day_b - day_a) * (days_beyond_terms - day_a)
    return Fraction(SCORE_POINTS[-1][1])


def round_half_up(value: Fraction) -> int:
    """Round to the nearest integer, halves upwards (the index is never negative)."""
    return int((value + Fraction(1, 2)) // 1)


def payment_index(lines: Iterable[Line]) -> int | None:
    """Return the amount-weighted index of ``lines``, or None when there are too few."""
    lines = list(lines)
    total = sum(line.amount_cents for line in lines)
    if len(lines) < MIN_LINES or total <= 0:
        return None
    weighted = sum((score(line.days_beyond_terms) * line.amount_cents for line in lines), Fraction(0))
    return round_half_up(weighted / total)


def grade(index: int | None) -> Grade | None:
    """Return the grade of an index (None when there is no index)."""
    if index is None:
        return None
    return next(g for g in GRADES if index >= g.floor)


def months_before(day: date, months: int) -> date:
    """Return the same day ``months`` calendar months earlier (clamped to the month's end); later when negative."""
    year, month = divmod(day.year * 12 + day.month - 1 - months, 12)
    month += 1
    return date(year, month, min(day.day, monthrange(year, month)[1]))


def eligible_experiences(experiences: Iterable[Experience], as_of: date) -> list[Experience]:
    """Return the experiences that may feed the index on ``as_of``.

    Only experiences paid within the window and known on that day count, and
    only when at least :data:`MIN_CREDITORS` different creditors shared them, so
    that no single creditor's invoices can be read back from the index.
    """
    start = months_before(as_of, WINDOW_MONTHS)
    in_window = [e for e in experiences if start <= e.paid_on <= as_of]
    creditors = {e.creditor_siren for e in in_window}
    return in_window if len(creditors) >= MIN_CREDITORS else []
