"""Scenarios: the default one, the member's own, and a preview of their texts before use."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, replace
from datetime import date, timedelta

from functions.core.clock import today_in_paris
from functions.core.domain import recovery
from functions.core.domain.members import Member
from functions.core.domain.recovery import CaseEvent, CaseStatus, EventKind, RecoveryCase, Rendered
from functions.core.domain.reports import Invoice, Party
from functions.core.domain.scenarios import (
    DEFAULT_SCENARIO,
    DEFAULT_SCENARIO_ID,
    Scenario,
    Step,
    scenario_problems,
)
from functions.core.errors import NotFound, RuleNotMet
from functions.core.resources import Resources
from functions.core.usecases.directory.members import require_approved


def find_scenario(res: Resources, member: Member, scenario_id: str) -> Scenario | None:
    """The scenario an id names for a member: the default one (empty id or ``default``), or one of its own."""
    if scenario_id in ("", DEFAULT_SCENARIO_ID):
        return DEFAULT_SCENARIO
    return res.store.cases.get_scenario(member.id, scenario_id)


def get_scenario(res: Resources, member: Member, scenario_id: str) -> Scenario:
    """The default scenario or one of the member's; 404 otherwise."""
    scenario = find_scenario(res, member, scenario_id)
    if scenario is None:
        raise NotFound("Aucun de vos scénarios sous cet identifiant.")
    return scenario


def list_scenarios(res: Resources, member: Member) -> list[Scenario]:
    """The default scenario first, then the member's own, the oldest first."""
    return [DEFAULT_SCENARIO, *res.store.cases.list_scenarios(member.id)]


def _checked(steps: tuple[Step, ...]) -> None:
    problems = scenario_problems(steps)
    if problems:
        raise RuleNotMet("Ce scénario ne peut pas être utilisé.", problems)


def create_scenario(res: Resources, member: Member, *, name: str, steps: tuple[Step, ...]) -> Scenario:
    """Save a member's scenario once its steps pass every rule (422 otherwise)."""
    require_approved(member)
    _checked(steps)
    scenario = Scenario(f"scn_{uuid.uuid4().hex[:16]}", name, steps, owner=member.id, created_at=res.clock())
    return res.store.cases.create_scenario(scenario, actor=f"member:{member.id}")


@dataclass(frozen=True)
class PreviewStep:
    """A step as it would go for a case (or a sample one): its date and its texts."""

    step: Step
    on: date
    rendered: Rendered


# The invoice a preview shows when no case is named: due 30 days before today.
SAMPLE_DEBTOR = Party(siren="552100554", name="Société Exemple SAS", email="compta@exemple.fr")


def sample_invoice(today: date) -> Invoice:
    """The invoice a preview fills the texts with when no case is named (the space's pages describe it)."""
    due = today - timedelta(days=30)
    return Invoice("F-2026-042", due - timedelta(days=30), due, 1_250_00)


def _sample_case(member: Member, scenario: Scenario, today: date) -> RecoveryCase:
    invoice = sample_invoice(today)
    return RecoveryCase(
        id="case_preview",
        member_id=member.id,
        creditor=Party(siren=member.siren, name=member.company_name, email=member.email),
        debtor=SAMPLE_DEBTOR,
        invoice=invoice,
        outstanding_cents=invoice.amount_cents,
        scenario=scenario,
        status=CaseStatus.RUNNING,
        opened_at=recovery.sending_moment(invoice.due_date),
    )


def preview(res: Resources, member: Member, *, steps: tuple[Step, ...], case: RecoveryCase | None) -> list[PreviewStep]:
    """Each step's date and texts for ``case`` (or a sample invoice due 30 days ago), as the engine would plan them.

    The steps are planned from the invoice's due date as if none had been sent
    yet, each one sent on its planned day; a day already past reads as today.
    """
    _checked(steps)
    scenario = Scenario("preview", "Aperçu", steps, owner=member.id)
    today = today_in_paris(res.clock())
    sample = _sample_case(member, scenario, today) if case is None else case
    planned = replace(sample, scenario=scenario, status=CaseStatus.RUNNING, events=())
    previews = []
    for position, step in enumerate(steps):
        action = recovery.next_action(planned)
        assert action is not None and action.step == position  # a running case with steps left plans its next one
        on = today_in_paris(action.at)
        rendered = recovery.render_step(
            planned, step, max(on, today), res.settings.ecb_rates, res.settings.penalty_points
        )
        previews.append(PreviewStep(step, on, rendered))
        sent = CaseEvent(EventKind.STEP_SENT, action.at, "preview", step=position)
        planned = replace(planned, events=(*planned.events, sent))
    return previews
