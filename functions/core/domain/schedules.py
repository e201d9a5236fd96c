"""Payment schedules a debtor proposes on a recovery case: instalments, their rules, and when one is missed.

A schedule is a list of instalments (a day and an amount in cents) whose sum
is exactly what is owed when it is proposed. Its rules (:func:`schedule_problems`):
one to :data:`MAX_INSTALMENTS` instalments, each of a positive amount, on days
strictly increasing from today to :data:`MAX_SCHEDULE_DAYS` days ahead.

Once the creditor accepts it, the case's scenario pauses. An instalment counts
as paid when the payments the creditor recorded since the schedule's total
was owed (``total - outstanding``) cover it and every instalment before it.
The first instalment not covered by the end of its day plus
:data:`GRACE_DAYS` (the time a bank transfer takes and the creditor needs to
record it) is missed: the engine resumes the scenario the next morning.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from itertools import accumulate

from functions.core.errors import FieldError

MAX_INSTALMENTS = 12
MAX_SCHEDULE_DAYS = 365
# Days after an instalment's date during which it may still be recorded as paid before the scenario resumes.
GRACE_DAYS = 5


@dataclass(frozen=True)
class Instalment:
    """One instalment of a schedule: the day it is due and its amount."""

    due_on: date
    amount_cents: int


def schedule_problems(instalments: Sequence[Instalment], owed_cents: int, today: date) -> list[FieldError]:
    """What is wrong with a proposed schedule, in French (empty: it may be proposed)."""
    problems: list[FieldError] = []
    if not instalments:
        return [FieldError("instalments", "echeancier_vide", "Indiquez au moins une échéance.")]
    if len(instalments) > MAX_INSTALMENTS:
        problems.append(
            FieldError(
                "instalments", "echeancier_trop_long", f"Un échéancier compte au plus {MAX_INSTALMENTS} échéances."
            )
        )
    last_day = today + timedelta(days=MAX_SCHEDULE_DAYS)
    previous: date | None = None
    for number, instalment in enumerate(instalments):
        where = f"instalments.{number}"
        if instalment.amount_cents <= 0:
            problems.append(
                FieldError(f"{where}.amount_cents", "montant_echeance_nul", "Chaque échéance a un montant positif.")
            )
        if instalment.due_on < today:
            problems.append(
                FieldError(f"{where}.due_on", "echeance_passee", "Une échéance ne peut pas tomber avant aujourd'hui.")
            )
        elif instalment.due_on > last_day:
            problems.append(
                FieldError(
                    f"{where}.due_on",
                    "echeance_trop_lointaine",
                    f"La dernière échéance tombe au plus tard {MAX_SCHEDULE_DAYS} jours après aujourd'hui.",
                )
            )
        if previous is not None and instalment.due_on <= previous:
            problems.append(
                FieldError(
                    f"{where}.due_on",
                    "echeances_non_croissantes",
                    "Chaque échéance tombe après la précédente.",
                )
            )
        previous = instalment.due_on
    total = sum(instalment.amount_cents for instalment in instalments)
    if total != owed_cents:
        problems.append(
            FieldError(
                "instalments",
                "total_different_du_reste_du",
                "Les échéances doivent totaliser exactement le reste dû.",
            )
        )
    return problems


def total(instalments: Sequence[Instalment]) -> int:
    return sum(instalment.amount_cents for instalment in instalments)


def covered(instalments: Sequence[Instalment], paid_cents: int) -> list[bool]:
    """Whether each instalment is paid, the payments ``paid_cents`` applied to them in order."""
    return [paid_cents >= upto for upto in accumulate(instalment.amount_cents for instalment in instalments)]


def first_unpaid(instalments: Sequence[Instalment], paid_cents: int) -> int | None:
    """The index of the first instalment not yet covered by ``paid_cents`` (None: all paid)."""
    return next((index for index, paid in enumerate(covered(instalments, paid_cents)) if not paid), None)


def missed_on(instalment: Instalment) -> date:
    """The day an unpaid instalment counts as missed: the day after its grace."""
    return instalment.due_on + timedelta(days=GRACE_DAYS + 1)
