"""Demo recovery cases for the directory's creditor: one at each state, through the use cases at their dates.

The demo member (``var/demo-member-token``) opens cases on other demo
companies' unpaid invoices, at past dates (a fixed clock per step, as in
``directory_demo.py``): one still running, one paid in full, one withdrawn,
and creates a scenario of its own (an SMS, then a formal notice by e-mail).
"""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from typing import Any

from functions.core.clock import today_in_paris
from functions.core.domain.companies import Company
from functions.core.domain.members import Member
from functions.core.domain.rules import Draft
from functions.core.domain.scenarios import DEFAULT_SCENARIO, Anchor, Channel, Step, StepKind
from functions.core.resources import Resources
from functions.core.usecases.recovery import cases, scenarios
from functions.local.directory_demo import CREDITOR, resources_at


def _opening(
    res: Resources, member: Member, debtor: Company, *, number: str, cents: int, due_days_ago: int
) -> cases.CaseOpening:
    due = today_in_paris(res.clock()) - timedelta(days=due_days_ago)
    slug = debtor.name.split()[0].lower()
    draft = Draft(
        member_siren=member.siren,
        claimed_creditor_siren=None,
        debtor_siren=debtor.siren,
        debtor_email=f"compta@{slug}-{debtor.siren[:3]}.example",
        debtor_postal_address=f"{debtor.address}, {debtor.postal_code} {debtor.city}",
        issue_date=due - timedelta(days=30),
        due_date=due,
        amount_cents=cents,
        outstanding_cents=cents,
        reminder_dates=(),
        notice_date=None,
        notice_channel=None,
    )
    return cases.CaseOpening(draft, debtor.name, number, debtor_phone="+33612345678", description="Démo.")


def seed_cases(res: Resources, companies: list[Company]) -> dict[str, Any]:
    """Open the demo cases and move each one to its state; return their ids."""
    member = res.store.members.list_members(CREDITOR[0])[0]
    debtors = companies[20:26]
    now = res.clock()
    own = scenarios.create_scenario(
        resources_at(res, now - timedelta(days=30)),
        member,
        name="SMS puis mise en demeure par e-mail",
        steps=(
            Step(
                "SMS de rappel",
                StepKind.REMINDER,
                Channel.SMS,
                2,
                Anchor.DUE_DATE,
                "Facture {facture}",
                "{creancier} : la facture {facture} ({reste_du}) est échue depuis le {echeance}. Merci de la régler.",
            ),
            Step(
                "Mise en demeure",
                StepKind.FORMAL_NOTICE,
                Channel.EMAIL,
                10,
                Anchor.PREVIOUS_STEP,
                DEFAULT_SCENARIO.steps[-1].subject,
                DEFAULT_SCENARIO.steps[-1].body,
                deadline_days=10,
            ),
        ),
    )
    opened_at = resources_at(res, now - timedelta(days=20))
    paid = cases.open_case(
        opened_at,
        member,
        _opening(opened_at, member, debtors[0], number="FA-2026-0071", cents=1_480_00, due_days_ago=4),
    )
    paid_at = resources_at(res, now - timedelta(days=5))
    cases.record_payment(paid_at, member, paid.id, amount_cents=1_480_00, paid_on=today_in_paris(paid_at.clock()))
    stopped_at = resources_at(res, now - timedelta(days=10))
    stopped = cases.open_case(
        stopped_at,
        member,
        _opening(stopped_at, member, debtors[1], number="FA-2026-0078", cents=860_00, due_days_ago=2),
    )
    cases.withdraw_case(resources_at(res, now - timedelta(days=8)), member, stopped.id)
    running = cases.open_case(
        res, member, _opening(res, member, debtors[2], number="FA-2026-0090", cents=3_240_00, due_days_ago=2)
    )
    sms_opening = replace(
        _opening(res, member, debtors[3], number="FA-2026-0093", cents=640_00, due_days_ago=1), scenario_id=own.id
    )
    by_sms = cases.open_case(res, member, sms_opening)
    return {
        "member_scenario": own.id,
        "running": running.id,
        "running_with_member_scenario": by_sms.id,
        "paid": paid.id,
        "withdrawn": stopped.id,
    }
