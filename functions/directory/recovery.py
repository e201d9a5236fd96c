"""HTTP routes of amicable recovery: a member's cases and scenarios (parse, call a use case, respond)."""

from __future__ import annotations

from flask import request

from functions.core.domain import recovery
from functions.core.domain.members import Member
from functions.core.domain.recovery import CaseEvent, RecoveryCase
from functions.core.domain.rules import Draft
from functions.core.domain.scenarios import PLACEHOLDERS, Scenario, Step
from functions.core.http import Api, resources
from functions.core.usecases.recovery import cases, scenarios
from functions.directory.auth import current_member
from functions.directory.recovery_schemas import (
    CaseDebtorOut,
    CaseEventOut,
    CaseInvoiceOut,
    CaseList,
    CaseOpeningIn,
    CaseOut,
    MessageOut,
    NextActionOut,
    PreviewIn,
    PreviewOut,
    PreviewStepOut,
    ScenarioIn,
    ScenarioList,
    ScenarioOut,
    StepIn,
    StepOut,
)
from functions.directory.schemas import PaymentIn

api = Api("recovery", tag="Recouvrement amiable")


# -- views ------------------------------------------------------------------------------


def _step_out(step: Step) -> StepOut:
    return StepOut(
        name=step.name,
        kind=step.kind,
        channel=step.channel,
        delay_days=step.delay_days,
        anchor=step.anchor,
        subject=step.subject,
        body=step.body,
        deadline_days=step.deadline_days,
    )


def _scenario_out(scenario: Scenario) -> ScenarioOut:
    return ScenarioOut(
        id=scenario.id,
        name=scenario.name,
        default=scenario.is_default,
        steps=[_step_out(step) for step in scenario.steps],
        created_at=scenario.created_at,
    )


def _event_out(case: RecoveryCase, event: CaseEvent) -> CaseEventOut:
    message = event.message
    return CaseEventOut(
        kind=event.kind,
        at=event.at,
        actor=event.actor,
        status=event.status,
        step=event.step,
        step_name=case.scenario.steps[event.step].name if event.step is not None else None,
        amount_cents=event.amount_cents,
        paid_on=event.paid_on,
        message=MessageOut(
            id=message.id,
            channel=message.channel,
            recipient=message.recipient,
            subject=message.subject,
            sha256=message.sha256,
            size=message.size,
        )
        if message is not None
        else None,
    )


def _next_action_out(case: RecoveryCase) -> NextActionOut | None:
    action = recovery.next_action(case)
    if action is None:
        return None
    step = case.scenario.steps[action.step] if action.step is not None else None
    return NextActionOut(
        kind=action.kind,
        at=action.at,
        step=action.step,
        step_name=step.name if step is not None else None,
        channel=step.channel if step is not None else None,
    )


def case_out(case: RecoveryCase) -> CaseOut:
    """The case as its creditor sees it: state, amounts, contact, scenario, next action and timeline."""
    return CaseOut(
        id=case.id,
        status=case.status,
        status_label=recovery.STATUS_LABELS[case.status],
        creditor_siren=case.creditor.siren,
        debtor=CaseDebtorOut(
            siren=case.debtor.siren,
            name=case.debtor.name,
            email=case.debtor.email,
            postal_address=case.debtor.postal_address,
            phone=case.debtor_phone,
        ),
        invoice=CaseInvoiceOut(
            number=case.invoice.number,
            issue_date=case.invoice.issue_date,
            due_date=case.invoice.due_date,
            amount_cents=case.invoice.amount_cents,
        ),
        outstanding_cents=case.outstanding_cents,
        description=case.description,
        scenario=_scenario_out(case.scenario),
        opened_at=case.opened_at,
        next_action=_next_action_out(case),
        timeline=[_event_out(case, event) for event in case.events],
    )


def _steps(body: list[StepIn]) -> tuple[Step, ...]:
    return tuple(
        Step(
            name=step.name,
            kind=step.kind,
            channel=step.channel,
            delay_days=step.delay_days,
            anchor=step.anchor,
            subject=step.subject,
            body=step.body,
            deadline_days=step.deadline_days,
        )
        for step in body
    )


# -- cases ------------------------------------------------------------------------------


def opening_draft(member: Member, body: CaseOpeningIn) -> Draft:
    """The invoice input of a case as the filing's rules read it."""
    debtor, invoice = body.debtor, body.invoice
    return Draft(
        member_siren=member.siren,
        claimed_creditor_siren=body.creditor_siren,
        debtor_siren=debtor.siren,
        debtor_email=debtor.email or "",
        debtor_postal_address=debtor.postal_address,
        issue_date=invoice.issue_date,
        due_date=invoice.due_date,
        amount_cents=invoice.amount_cents,
        outstanding_cents=invoice.outstanding_cents,
        # What a filing proves (reminders, the notice) is what the case will do.
        reminder_dates=(),
        notice_date=None,
        notice_channel=None,
    )


def _opening(body: CaseOpeningIn, member: Member) -> cases.CaseOpening:
    return cases.CaseOpening(
        opening_draft(member, body),
        debtor_name=body.debtor.name,
        invoice_number=body.invoice.number,
        debtor_phone=body.debtor.phone or "",
        description=body.description,
        scenario_id=body.scenario_id,
    )


@api.route(
    "/cases",
    "POST",
    summary="Ouvrir un dossier de recouvrement amiable pour une facture impayée : Ardoise envoie les relances "
    "puis la mise en demeure du scénario choisi.",
    body=CaseOpeningIn,
    responses={201: CaseOut},
    headers={201: {"Location": "Adresse du dossier créé (GET)."}},
    security="memberToken",
    problems=(403, 409, 422),
    auth=current_member,
)
def open_case(principal: Member, body: CaseOpeningIn) -> tuple[CaseOut, int, dict[str, str]]:
    case = cases.open_case(resources(), principal, _opening(body, principal))
    return case_out(case), 201, {"Location": f"{request.root_path}/cases/{case.id}"}


@api.route(
    "/cases",
    "GET",
    summary="Lister vos dossiers de recouvrement amiable, le plus récent d'abord.",
    responses={200: CaseList},
    security="memberToken",
    problems=(403,),
    auth=current_member,
)
def list_cases(principal: Member) -> CaseList:
    return CaseList(items=[case_out(case) for case in cases.list_cases(resources(), principal)])


@api.route(
    "/cases/<case_id>",
    "GET",
    summary="Lire un de vos dossiers : état, montants, prochaine étape et chronologie.",
    responses={200: CaseOut},
    security="memberToken",
    problems=(403, 404),
    auth=current_member,
)
def get_case(case_id: str, principal: Member) -> CaseOut:
    return case_out(cases.own_case(resources(), principal, case_id))


@api.route(
    "/cases/<case_id>/payments",
    "POST",
    summary="Enregistrer un paiement reçu : payé en entier, le scénario s'arrête.",
    body=PaymentIn,
    responses={200: CaseOut},
    security="memberToken",
    problems=(403, 404, 409, 422),
    auth=current_member,
)
def record_case_payment(case_id: str, principal: Member, body: PaymentIn) -> CaseOut:
    case = cases.record_payment(resources(), principal, case_id, amount_cents=body.amount_cents, paid_on=body.paid_on)
    return case_out(case)


@api.route(
    "/cases/<case_id>/withdraw",
    "POST",
    summary="Arrêter un dossier : plus rien n'est envoyé au débiteur.",
    responses={200: CaseOut},
    security="memberToken",
    problems=(403, 404, 409),
    auth=current_member,
)
def withdraw_case(case_id: str, principal: Member) -> CaseOut:
    return case_out(cases.withdraw_case(resources(), principal, case_id))


# -- scenarios --------------------------------------------------------------------------


@api.route(
    "/scenarios",
    "GET",
    summary="Lister les scénarios possibles : celui d'Ardoise, puis les vôtres, et les variables des textes.",
    responses={200: ScenarioList},
    security="memberToken",
    problems=(403,),
    auth=current_member,
)
def list_scenarios(principal: Member) -> ScenarioList:
    found = scenarios.list_scenarios(resources(), principal)
    return ScenarioList(items=[_scenario_out(s) for s in found], placeholders=dict(PLACEHOLDERS))


@api.route(
    "/scenarios",
    "POST",
    summary="Créer un scénario : des relances puis une mise en demeure, leurs délais, canaux et textes.",
    body=ScenarioIn,
    responses={201: ScenarioOut},
    headers={201: {"Location": "Adresse du scénario créé (GET)."}},
    security="memberToken",
    problems=(403, 422),
    auth=current_member,
)
def create_scenario(principal: Member, body: ScenarioIn) -> tuple[ScenarioOut, int, dict[str, str]]:
    scenario = scenarios.create_scenario(resources(), principal, name=body.name, steps=_steps(body.steps))
    return _scenario_out(scenario), 201, {"Location": f"{request.root_path}/scenarios/{scenario.id}"}


@api.route(
    "/scenarios/<scenario_id>",
    "GET",
    summary="Lire un scénario (« default » : celui d'Ardoise).",
    responses={200: ScenarioOut},
    security="memberToken",
    problems=(403, 404),
    auth=current_member,
)
def get_scenario(scenario_id: str, principal: Member) -> ScenarioOut:
    return _scenario_out(scenarios.get_scenario(resources(), principal, scenario_id))


@api.route(
    "/scenarios/preview",
    "POST",
    summary="Prévisualiser des étapes avant usage : dates prévues et textes remplis, pour un de vos dossiers ou "
    "une facture d'exemple (rien n'est enregistré ni envoyé).",
    body=PreviewIn,
    responses={200: PreviewOut},
    security="memberToken",
    problems=(403, 404, 422),
    auth=current_member,
)
def preview_scenario(principal: Member, body: PreviewIn) -> PreviewOut:
    res = resources()
    case = cases.own_case(res, principal, body.case_id) if body.case_id is not None else None
    previews = scenarios.preview(res, principal, steps=_steps(body.steps), case=case)
    return PreviewOut(
        items=[
            PreviewStepOut(
                position=position,
                name=p.step.name,
                channel=p.step.channel,
                planned_on=p.on,
                subject=p.rendered.subject,
                body=p.rendered.body,
                interest_cents=p.rendered.penalties.interest_cents,
                indemnity_cents=p.rendered.penalties.indemnity_cents,
                deadline=p.rendered.deadline,
            )
            for position, p in enumerate(previews)
        ]
    )
