"""The scenario engine on hand-built timelines: each step at its date, and nothing once the case stops."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime

import pytest

from functions.core.clock import PARIS
from functions.core.domain import recovery
from functions.core.domain.penalties import parse_rate_table
from functions.core.domain.recovery import ActionKind, CaseStatus, RecoveryCase, SentMessage
from functions.core.domain.scenarios import DEFAULT_SCENARIO, Anchor, Channel, Scenario, Step, StepKind
from functions.core.errors import Conflict, RuleNotMet
from tests.recovery.factories import make_case


def paris(day: date, hour: int = 9) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=PARIS)


def message(step: int) -> SentMessage:
    return SentMessage(f"msg_{step}", Channel.EMAIL, "comptabilite@sge.fr", "Relance", "0" * 64, 100)


def sent(case: RecoveryCase, at: datetime) -> RecoveryCase:
    """The case once the tick sent its next step at ``at``."""
    action = recovery.due_action(case, at)
    assert action is not None and action.kind is ActionKind.SEND_STEP
    assert action.step is not None
    return recovery.step_sent(case, action.step, message(action.step), at, "system:tick")


def test_the_default_scenario_plans_each_step_at_its_date_and_ends_after_the_notice_deadline() -> None:
    case = make_case()  # due on 1 March 2026
    planned = []
    for _ in DEFAULT_SCENARIO.steps:
        action = recovery.next_action(case)
        assert action is not None
        planned.append((action.kind, action.step, action.at))
        case = sent(case, action.at)
    end = recovery.next_action(case)
    assert planned == [
        (ActionKind.SEND_STEP, 0, paris(date(2026, 3, 4))),  # 3 days after the due date
        (ActionKind.SEND_STEP, 1, paris(date(2026, 3, 11))),  # 7 days after the courteous reminder
        (ActionKind.SEND_STEP, 2, paris(date(2026, 3, 18))),  # 7 days after the firm one
    ]
    assert end is not None and end.kind is ActionKind.END_SCENARIO
    assert end.at == paris(date(2026, 3, 27))  # the notice's 8 days ran out on 26 March
    assert case.next_action_at == end.at


def test_nothing_is_due_before_its_moment() -> None:
    case = make_case()
    assert recovery.due_action(case, paris(date(2026, 3, 4), 8)) is None
    assert recovery.due_action(case, paris(date(2026, 3, 4), 9)) is not None


def test_a_step_counted_from_the_previous_one_counts_from_when_it_was_really_sent() -> None:
    late_tick = paris(date(2026, 3, 6), 14)  # the tick was down two days
    case = sent(make_case(), late_tick)
    action = recovery.next_action(case)
    assert action is not None and action.at == paris(date(2026, 3, 13))


def test_two_steps_due_at_once_go_on_different_days() -> None:
    both_from_due_date = Scenario(
        "scn_x",
        "Deux relances",
        (
            Step("Une", StepKind.REMINDER, Channel.EMAIL, 2, Anchor.DUE_DATE, "s", "corps du texte"),
            Step("Deux", StepKind.REMINDER, Channel.EMAIL, 3, Anchor.DUE_DATE, "s", "corps du texte"),
            Step("MED", StepKind.FORMAL_NOTICE, Channel.EMAIL, 4, Anchor.DUE_DATE, "s", "corps du texte", 8),
        ),
        owner="mbr_test",
    )
    # Opened three weeks after the due date: every step is overdue.
    case = make_case(scenario=both_from_due_date, opened_at=datetime(2026, 3, 22, 9, tzinfo=UTC))
    case = sent(case, datetime(2026, 3, 22, 9, tzinfo=UTC))
    action = recovery.next_action(case)
    assert action is not None and action.step == 1 and action.at == paris(date(2026, 3, 23))


def test_a_full_payment_stops_the_scenario() -> None:
    case = sent(make_case(), paris(date(2026, 3, 4)))
    paid = recovery.payment_recorded(
        case, amount_cents=case.outstanding_cents, paid_on=date(2026, 3, 5), now=paris(date(2026, 3, 6)), actor="m"
    )
    assert paid.status is CaseStatus.PAID and paid.outstanding_cents == 0
    assert recovery.next_action(paid) is None and paid.next_action_at is None
    assert [e.kind.value for e in paid.events] == ["opened", "step_sent", "payment_recorded"]


def test_a_partial_payment_lowers_what_the_next_steps_claim_and_keeps_them_going() -> None:
    case = recovery.payment_recorded(
        make_case(), amount_cents=400_00, paid_on=date(2026, 3, 2), now=paris(date(2026, 3, 2)), actor="m"
    )
    assert case.status is CaseStatus.RUNNING and case.outstanding_cents == 2_000_00
    assert recovery.next_action(case) is not None


@pytest.mark.parametrize(
    ("amount", "paid_on", "code"),
    [
        (0, date(2026, 3, 2), "paiement_nul"),
        (2_400_01, date(2026, 3, 2), "paiement_superieur_au_reste_du"),
        (100_00, date(2026, 3, 3), "date_de_paiement_invalide"),
        (100_00, date(2026, 1, 29), "date_de_paiement_invalide"),
    ],
)
def test_a_payment_that_does_not_fit_is_refused(amount: int, paid_on: date, code: str) -> None:
    with pytest.raises(RuleNotMet) as refused:
        recovery.payment_recorded(
            make_case(), amount_cents=amount, paid_on=paid_on, now=paris(date(2026, 3, 2)), actor="m"
        )
    assert [e.code for e in refused.value.errors] == [code]


def test_a_withdrawn_case_plans_nothing_and_refuses_a_step() -> None:
    case = recovery.withdrawn(make_case(), paris(date(2026, 3, 3)), "m")
    assert case.status is CaseStatus.WITHDRAWN and recovery.next_action(case) is None
    with pytest.raises(Conflict):
        recovery.step_sent(case, 0, message(0), paris(date(2026, 3, 4)), "system:tick")


def test_a_step_is_sent_once() -> None:
    case = sent(make_case(), paris(date(2026, 3, 4)))
    with pytest.raises(Conflict):
        recovery.step_sent(case, 0, message(0), paris(date(2026, 3, 4)), "system:tick")


def test_the_scenario_ends_unpaid_only_after_its_notice() -> None:
    case = make_case()
    with pytest.raises(Conflict):
        recovery.scenario_ended(case, paris(date(2026, 3, 30)), "system:tick")
    for _ in DEFAULT_SCENARIO.steps:
        next_at = recovery.next_action(case)
        assert next_at is not None
        case = sent(case, next_at.at)
    ended = recovery.scenario_ended(case, paris(date(2026, 3, 27)), "system:tick")
    assert ended.status is CaseStatus.UNPAID and ended.next_action_at is None
    # Still owed: the creditor may record a late payment.
    paid = recovery.payment_recorded(
        ended, amount_cents=ended.outstanding_cents, paid_on=date(2026, 3, 28), now=paris(date(2026, 3, 28)), actor="m"
    )
    assert paid.status is CaseStatus.PAID


def test_the_notice_states_principal_penalties_to_date_indemnity_and_a_deadline() -> None:
    case = replace(make_case(), outstanding_cents=2_000_00)
    notice = DEFAULT_SCENARIO.steps[-1]
    rendered = recovery.render_step(case, notice, date(2026, 3, 18), parse_rate_table(""))
    # 2,000 EUR at 12.15 % (ECB 2.15 % on 1 January 2026 + 10 points) for 17 days: 11.32 EUR.
    assert rendered.penalties.interest_cents == 11_32
    assert rendered.deadline == date(2026, 3, 26)
    body = rendered.body.replace("\u202f", " ").replace("\u00a0", " ")  # French number and currency spaces
    assert "article 1344 du Code civil" in body
    for text in ("Principal restant dû : 2 000,00 €", "à ce jour (12,15 % l'an", ": 11,32 €", ": 40,00 €"):
        assert text in body
    assert "Total : 2 051,32 €" in body and "au plus tard le 26/03/2026" in body
