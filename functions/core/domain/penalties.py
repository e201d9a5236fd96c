"""Late-payment penalties and the fixed recovery indemnity (Code de commerce L441-10, D441-5).

Penalties run from the day after the due date at the ECB refinancing rate plus
10 points (by default). The ECB rate that applies is the one in force on
1 January for the first half-year and on 1 July for the second; the table of
ECB rates is dated and configurable (``ARDOISE_ECB_RATES``), so a deployment
adds each new ECB decision without a code change.

Computation, written down so that anyone can check a notice by hand: simple
interest on the principal outstanding, exact days over 365, split at each
half-year boundary and at each payment's date; each period is rounded half up
to the cent and the total is the sum of the rounded periods. The 40 EUR
indemnity is owed per late invoice; both are shown to the debtor and never
published as owed.

A payment made on day D counts from D + 1: the day it is made is still a day
late on the balance before it (a whole payment on D stops the penalties after
D). Partial payments are imputed on the principal: each period's ``base_cents``
is what was left of the principal then. Code civil art. 1343-1 would impute a
partial payment on the interest first, leaving more principal to bear
interest: the creditor could claim more; Ardoise deliberately claims no more
than the lower figure, which the debtor cannot dispute.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation

from functions.core.money import apply_rate

FIXED_INDEMNITY_CENTS = 40_00
DEFAULT_POINTS = Decimal(10)
DAYS_IN_YEAR = 365

# ECB main refinancing operations rate: (day it took effect, percent).
# Source: ECB key interest rates; add new decisions with ARDOISE_ECB_RATES.
BUILT_IN_ECB_RATES = (
    "2016-03-16:0.00,2022-07-27:0.50,2022-09-14:1.25,2022-11-02:2.00,2022-12-21:2.50,"
    "2023-02-08:3.00,2023-03-22:3.50,2023-05-10:3.75,2023-06-21:4.00,2023-08-02:4.25,"
    "2023-09-20:4.50,2024-06-12:4.25,2024-09-18:3.65,2024-10-23:3.40,2024-12-18:3.15,"
    "2025-02-05:2.90,2025-03-12:2.65,2025-04-23:2.40,2025-06-11:2.15"
)


@dataclass(frozen=True)
class RateChange:
    """An ECB rate and the day it took effect."""

    effective: date
    percent: Decimal


@dataclass(frozen=True)
class PenaltyPeriod:
    """Penalties over one slice (within a half-year, between payments) at one rate on one balance."""

    start: date
    end: date
    days: int
    percent: Decimal
    cents: int
    base_cents: int  # the principal outstanding over the period, on which ``cents`` accrued


@dataclass(frozen=True)
class Payment:
    """A payment toward the principal: its amount, and the day it was made (it counts from the day after)."""

    paid_on: date
    cents: int


@dataclass(frozen=True)
class Penalties:
    """What the debtor owes on top of the outstanding amount, as of ``until``."""

    principal_cents: int  # the principal outstanding at ``until`` (after the payments made by then)
    until: date
    periods: tuple[PenaltyPeriod, ...]
    indemnity_cents: int = FIXED_INDEMNITY_CENTS
    points: Decimal = DEFAULT_POINTS  # added to the ECB rate: what a page or a notice says the rate is

    @property
    def interest_cents(self) -> int:
        return sum(period.cents for period in self.periods)

    @property
    def base_changed(self) -> bool:
        """Whether a payment changed the balance the penalties ran on (then a breakdown names each base)."""
        return len({period.base_cents for period in self.periods}) > 1

    @property
    def total_cents(self) -> int:
        """Interest plus the fixed indemnity (the outstanding amount itself not included)."""
        return self.interest_cents + self.indemnity_cents


def parse_rate_table(raw: str) -> tuple[RateChange, ...]:
    """Read ``YYYY-MM-DD:percent`` pairs separated by commas; empty means the built-in table."""
    text = raw.strip() or BUILT_IN_ECB_RATES
    changes = []
    for part in filter(None, (piece.strip() for piece in text.split(","))):
        day, _, percent = part.partition(":")
        try:
            changes.append(RateChange(date.fromisoformat(day.strip()), Decimal(percent.strip())))
        except (ValueError, InvalidOperation) as exc:
            raise ValueError(f"rates are written YYYY-MM-DD:percent, separated by commas (not {part!r})") from exc
    if not changes:
        raise ValueError("the rate table needs at least one rate")
    return tuple(sorted(changes, key=lambda change: change.effective))


def rate_in_force(table: Sequence[RateChange], day: date) -> Decimal:
    """Return the ECB rate in force on ``day`` (0 before the table starts)."""
    percent = Decimal(0)
    for change in table:
        if change.effective > day:
            break
        percent = change.percent
    return percent


def reference_day(day: date) -> date:
    """Return 1 January or 1 July: the day whose ECB rate applies to ``day``'s half-year."""
    return date(day.year, 1 if day.month <= 6 else 7, 1)


def _half_year_end(day: date) -> date:
    return date(day.year, 6, 30) if day.month <= 6 else date(day.year, 12, 31)


def late_payment_penalties(
    principal_cents: int,
    due_date: date,
    until: date,
    table: Sequence[RateChange],
    points: Decimal = DEFAULT_POINTS,
    *,
    payments: Sequence[Payment] = (),
) -> Penalties:
    """Return the penalties accrued from the day after ``due_date`` to ``until``.

    ``principal_cents`` is the principal owed at the due date; each of ``payments`` lowers it from the day
    after it was made (imputed on the principal, see the module's docstring). Without payments, the
    penalties on a constant balance.
    """
    # When the balance changes: the day after each payment made by ``until`` (one made by the due date
    # lowers the balance from the first day late).
    changes: dict[date, int] = {}
    for payment in payments:
        if payment.paid_on <= until:
            day = max(payment.paid_on, due_date) + timedelta(days=1)
            changes[day] = changes.get(day, 0) + payment.cents
    balance = principal_cents
    periods = []
    start = due_date + timedelta(days=1)
    while start <= until:
        balance = max(0, balance - changes.pop(start, 0))
        if balance == 0 and principal_cents > 0:
            break  # paid in full by the payments: nothing more runs
        next_change = min((day for day in changes if day > start), default=None)
        end = min(_half_year_end(start), until)
        if next_change is not None:
            end = min(end, next_change - timedelta(days=1))
        days = (end - start).days + 1
        percent = rate_in_force(table, reference_day(start)) + points
        cents = apply_rate(balance, percent / 100 * days / DAYS_IN_YEAR)
        periods.append(PenaltyPeriod(start, end, days, percent, cents, balance))
        start = end + timedelta(days=1)
    left = max(0, principal_cents - sum(payment.cents for payment in payments if payment.paid_on <= until))
    return Penalties(left, until, tuple(periods), points=points)
