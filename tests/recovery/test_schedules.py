"""Payment schedules on hand-built timelines (fixed clock): a proposal, an acceptance that pauses, a missed
instalment that resumes the scenario, and payment in full that ends the case."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from functions.core.clock import PARIS
from functions.core.domain import recovery
from functions.core.domain.recovery import ActionKind, CaseStatus, EventKind, RecoveryCase
from functions.core.domain.schedules import GRACE_DAYS, Instalment, schedule_problems
from functions.core.errors import Conflict, RuleNotMet
from tests.recovery.factories import make_case

DEBTOR, CREDITOR = "debtor:552100554", "member:mbr_test"


def paris(day: date, hour: int = 9) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=PARIS)


NOW = paris(date(2026, 3, 2), 10)
TWO = (Instalment(date(2026, 3, 15), 1_200_00), Instalment(date(2026, 4, 15), 1_200_00))


def proposed(case: RecoveryCase | None = None) -> RecoveryCase:
    return recovery.schedule_proposed(
        case or make_case(), instalments=TWO, text="Deux virements.", now=NOW, actor=DEBTOR
    )


def accepted() -> RecoveryCase:
    return recovery.schedule_accepted(proposed(), NOW, CREDITOR)


def test_a_proposal_is_on_the_timeline_and_the_scenario_keeps_running() -> None:
    case = proposed()
    assert case.status is CaseStatus.RUNNING
    assert case.events[-1].kind is EventKind.SCHEDULE_PROPOSED and case.events[-1].instalments == TWO
    assert recovery.proposed_schedule(case) == TWO
    action = recovery.next_action(case)
    assert action is not None and action.kind is ActionKind.SEND_STEP


def test_a_second_proposal_waits_for_the_answer_to_the_first() -> None:
    with pytest.raises(Conflict):
        proposed(proposed())


def test_an_accepted_schedule_pauses_the_scenario_until_its_first_instalment_is_missed() -> None:
    case = accepted()
    assert case.status is CaseStatus.SCHEDULED
    action = recovery.next_action(case)
    assert action is not None and action.kind is ActionKind.INSTALMENT_MISSED and action.instalment == 0
    # 15 March, then the grace: missed on the morning after its last day.
    assert action.at == paris(date(2026, 3, 15 + GRACE_DAYS + 1))
    assert case.next_action_at == action.at
    assert recovery.due_action(case, paris(date(2026, 3, 4))) is None  # no reminder while scheduled


def test_a_missed_instalment_resumes_the_scenario() -> None:
    case = accepted()
    missed_at = paris(date(2026, 3, 21))
    resumed = recovery.instalment_missed(case, missed_at, "system:tick")
    assert resumed.status is CaseStatus.RUNNING
    assert (resumed.events[-1].kind, resumed.events[-1].instalment) == (EventKind.INSTALMENT_MISSED, 0)
    action = recovery.due_action(resumed, missed_at)
    assert action is not None and action.kind is ActionKind.SEND_STEP and action.step == 0


def test_an_instalment_paid_moves_the_next_check_to_the_following_one() -> None:
    case = recovery.payment_recorded(
        accepted(), amount_cents=1_200_00, paid_on=date(2026, 3, 2), now=NOW, actor=CREDITOR
    )
    assert case.status is CaseStatus.SCHEDULED
    action = recovery.next_action(case)
    assert action is not None and action.instalment == 1
    assert action.at == paris(date(2026, 4, 15 + GRACE_DAYS + 1))
    with pytest.raises(Conflict):
        recovery.instalment_missed(case, paris(date(2026, 3, 21)), "system:tick")


def test_payment_in_full_ends_the_case() -> None:
    case = recovery.payment_recorded(
        accepted(), amount_cents=2_400_00, paid_on=date(2026, 3, 2), now=NOW, actor=CREDITOR
    )
    assert case.status is CaseStatus.PAID and recovery.next_action(case) is None


def test_a_refused_schedule_changes_nothing_of_the_scenario() -> None:
    case = recovery.schedule_refused(proposed(), NOW, CREDITOR)
    assert case.status is CaseStatus.RUNNING and recovery.proposed_schedule(case) is None
    with pytest.raises(Conflict):
        recovery.schedule_accepted(case, NOW, CREDITOR)


def test_a_schedule_must_total_what_is_owed_on_increasing_days_from_today() -> None:
    wrong = [Instalment(date(2026, 3, 1), 100_00), Instalment(date(2026, 3, 1), 0)]
    codes = {p.code for p in schedule_problems(wrong, 2_400_00, date(2026, 3, 2))}
    assert codes == {
        "echeance_passee",
        "echeances_non_croissantes",
        "montant_echeance_nul",
        "total_different_du_reste_du",
    }
    with pytest.raises(RuleNotMet):
        recovery.schedule_proposed(make_case(), instalments=wrong, text="", now=NOW, actor=DEBTOR)
