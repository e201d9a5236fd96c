"""A member's recovery figures, computed from its cases alone: what was recovered, how fast, after which step.

- **Recovered**: the payments the creditor recorded on a case (a payment the
  debtor only declared counts once the creditor records it).
- **Days to payment**: for a case paid in full, from the case's opening, and
  from the invoice's due date, to the day of the payment that completed it.
- **After which step**: each recorded payment is put to the last step Ardoise
  had sent before it was recorded — none yet (paid on the case's opening
  alone), a reminder, the formal notice — or to the scenario's end when the
  notice's deadline had already passed. The share of each is its part of all
  that was recovered.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from functions.core.clock import today_in_paris
from functions.core.domain.recovery import CaseStatus, EventKind, RecoveryCase

BEFORE_ANY_STEP = "Avant toute relance (à l'ouverture du dossier)"
AFTER_THE_NOTICE_DEADLINE = "Après le terme de la mise en demeure"
# The position given to payments recorded after the scenario ended, to sort them last.
ENDED = 1_000


@dataclass(frozen=True)
class CaseFigures:
    """One case's figures."""

    case_id: str
    invoice_number: str
    debtor_name: str
    status: CaseStatus
    claimed_cents: int  # what was owed when the case opened
    recovered_cents: int
    # Paid in full: days from the opening and from the due date to the completing payment's day (else None).
    days_from_opening: int | None
    days_past_due: int | None
    paid_after: str | None  # the step the completing payment followed


@dataclass(frozen=True)
class StepShare:
    """What was recovered after one step of the scenarios (or before any, or after the notice's deadline)."""

    position: int  # -1 before any step, the step's index, or ENDED
    label: str
    recovered_cents: int
    payments: int
    share: Decimal  # of all that was recovered, in percent, one decimal


@dataclass(frozen=True)
class RecoveryFigures:
    """A member's figures over all its cases."""

    cases: tuple[CaseFigures, ...]
    claimed_cents: int
    recovered_cents: int
    paid_in_full: int
    by_step: tuple[StepShare, ...]

    @property
    def recovered_share(self) -> Decimal:
        return _percent(self.recovered_cents, self.claimed_cents)

    @property
    def average_days_to_payment(self) -> Decimal | None:
        """The mean days from a case's opening to its full payment, one decimal (None: none paid in full)."""
        days = [c.days_from_opening for c in self.cases if c.days_from_opening is not None]
        if not days:
            return None
        return (Decimal(sum(days)) / len(days)).quantize(Decimal("0.1"), ROUND_HALF_UP)


def _percent(part: int, whole: int) -> Decimal:
    if whole <= 0:
        return Decimal("0.0")
    return (Decimal(part) * 100 / whole).quantize(Decimal("0.1"), ROUND_HALF_UP)


def _payments(case: RecoveryCase) -> list[tuple[int, str, int]]:
    """Each recorded payment: (the position of the step it followed, that step's label, its amount)."""
    position, label = -1, BEFORE_ANY_STEP
    found = []
    for event in case.events:
        if event.kind is EventKind.STEP_SENT and event.step is not None:
            step = case.scenario.steps[event.step]
            position, label = event.step, f"Après l'étape {event.step + 1} : {step.name}"
        elif event.kind is EventKind.SCENARIO_ENDED:
            position, label = ENDED, AFTER_THE_NOTICE_DEADLINE
        elif event.kind is EventKind.PAYMENT_RECORDED and event.amount_cents:
            found.append((position, label, event.amount_cents))
    return found


def case_figures(case: RecoveryCase) -> CaseFigures:
    payments = _payments(case)
    recovered = sum(amount for _, _, amount in payments)
    completing = next(
        (e for e in reversed(case.events) if e.kind is EventKind.PAYMENT_RECORDED and e.status is CaseStatus.PAID),
        None,
    )
    paid_on = completing.paid_on if completing is not None else None
    return CaseFigures(
        case_id=case.id,
        invoice_number=case.invoice.number,
        debtor_name=case.debtor.name,
        status=case.status,
        claimed_cents=case.outstanding_cents + recovered,
        recovered_cents=recovered,
        days_from_opening=max(0, (paid_on - today_in_paris(case.opened_at)).days) if paid_on is not None else None,
        days_past_due=(paid_on - case.invoice.due_date).days if paid_on is not None else None,
        paid_after=payments[-1][1] if paid_on is not None and payments else None,
    )


def recovery_figures(cases: Sequence[RecoveryCase]) -> RecoveryFigures:
    """The member's figures from its cases (any order)."""
    per_case = tuple(case_figures(case) for case in cases)
    buckets: dict[tuple[int, str], list[int]] = {}
    for case in cases:
        for position, label, amount in _payments(case):
            buckets.setdefault((position, label), []).append(amount)
    recovered = sum(c.recovered_cents for c in per_case)
    shares = tuple(
        StepShare(position, label, sum(amounts), len(amounts), _percent(sum(amounts), recovered))
        for (position, label), amounts in sorted(buckets.items())
    )
    return RecoveryFigures(
        cases=per_case,
        claimed_cents=sum(c.claimed_cents for c in per_case),
        recovered_cents=recovered,
        paid_in_full=sum(1 for c in per_case if c.status is CaseStatus.PAID),
        by_step=shares,
    )
