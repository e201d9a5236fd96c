"""HTTP routes of amicable recovery: a member's cases and scenarios, the debtor's private page of a case."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict
from typing import Any
from urllib.parse import quote

from flask import Response, request
from pydantic import ValidationError

from functions.core.domain import recovery
from functions.core.domain.evidence import ACCEPTED_TYPES, Evidence
from functions.core.domain.members import Member
from functions.core.domain.recovery import CaseEvent, RecoveryCase
from functions.core.domain.scenarios import PLACEHOLDERS, Scenario, Step
from functions.core.domain.schedules import Instalment
from functions.core.einvoices import einvoice_to_data
from functions.core.errors import FieldError, Problem, RuleNotMet, UnsupportedMediaType
from functions.core.http import FORM_TYPES, OCTETS, PROBLEM_MIMETYPE, Api, binary_body, resources
from functions.core.usecases.directory.filing import TypedInvoice
from functions.core.usecases.recovery import cases, debtor, scenarios, schedule
from functions.directory import case_page
from functions.directory.auth import current_member
from functions.directory.injunction_schemas import interest_periods_out
from functions.directory.recovery_schemas import (
    CaseDebtorOut,
    CaseEventOut,
    CaseInvoiceOut,
    CaseList,
    CaseOpeningIn,
    CaseOut,
    DebtorActionName,
    DebtorCaseOut,
    DebtorContestIn,
    DebtorPaymentIn,
    DebtorScheduleIn,
    DebtorStepOut,
    DispatchProofIn,
    InstalmentOut,
    MessageOut,
    NextActionOut,
    PostingOut,
    PreviewIn,
    PreviewOut,
    PreviewStepOut,
    ProofOut,
    ScenarioIn,
    ScenarioList,
    ScenarioOut,
    ScheduleOut,
    StepIn,
    StepOut,
)
from functions.directory.routes import document_download
from functions.directory.schemas import DebtorDocumentOut, EInvoiceOut, EvidenceRequest, PaymentIn, UploadOut
from functions.directory.views import document_out

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
        reason=event.reason,
        text=event.text,
        document=ProofOut(
            id=event.document.id,
            filename=event.document.filename,
            content_type=event.document.content_type,
            size=event.document.size,
            sha256=event.document.sha256,
        )
        if event.document is not None
        else None,
        evidence=ProofOut(
            id=event.evidence.id,
            filename=event.evidence.filename,
            content_type=event.evidence.content_type,
            size=event.evidence.declared_bytes,
            sha256=event.evidence_sha256,
        )
        if event.evidence is not None
        else None,
        instalments=_instalments_out(event.instalments) if event.instalments else None,
        instalment=event.instalment,
        message=MessageOut(
            id=message.id,
            channel=message.channel,
            recipient=message.recipient,
            subject=message.subject,
            sha256=message.sha256,
            size=message.size,
            posting=PostingOut(**asdict(message.posting)) if message.posting is not None else None,
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


def _instalments_out(instalments: tuple[Instalment, ...]) -> list[InstalmentOut]:
    return [InstalmentOut(due_on=i.due_on, amount_cents=i.amount_cents) for i in instalments]


def _schedule_out(case: RecoveryCase) -> ScheduleOut | None:
    """The schedule waiting for the creditor's answer, or the one the case follows."""
    proposed = recovery.proposed_schedule(case)
    if proposed is not None:
        return ScheduleOut(status="proposed", instalments=_instalments_out(proposed))
    accepted = recovery.accepted_schedule(case)
    if accepted is not None:
        return ScheduleOut(status="accepted", instalments=_instalments_out(accepted))
    return None


def _invoice_out(case: RecoveryCase) -> CaseInvoiceOut:
    invoice = case.invoice
    return CaseInvoiceOut(
        number=invoice.number,
        issue_date=invoice.issue_date,
        due_date=invoice.due_date,
        amount_cents=invoice.amount_cents,
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
        invoice=_invoice_out(case),
        outstanding_cents=case.outstanding_cents,
        description=case.description,
        payment_details=case.payment_details,
        documents=[document_out(d) for d in case.documents],
        einvoice=EInvoiceOut.model_validate(einvoice_to_data(case.einvoice)) if case.einvoice else None,
        einvoice_terms_taken=list(case.einvoice_terms_taken),
        scenario=_scenario_out(case.scenario),
        opened_at=case.opened_at,
        next_action=_next_action_out(case),
        schedule=_schedule_out(case),
        timeline=[_event_out(case, event) for event in case.events],
    )


def steps_of(body: list[StepIn]) -> tuple[Step, ...]:
    """The domain's steps from the API's body (the space's scenario form shares it)."""
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


def case_opening_of(body: CaseOpeningIn) -> cases.CaseOpening:
    """The opening as the use case takes it; an invoice term left out is read from the cited e-invoice."""
    debtor, invoice = body.debtor, body.invoice
    return cases.CaseOpening(
        claimed_creditor_siren=body.creditor_siren,
        debtor_siren=debtor.siren,
        debtor_name=debtor.name,
        debtor_email=debtor.email or "",
        debtor_postal_address=debtor.postal_address,
        invoice=TypedInvoice(
            invoice.number, invoice.issue_date, invoice.due_date, invoice.amount_cents, invoice.outstanding_cents
        ),
        debtor_phone=debtor.phone or "",
        description=body.description,
        scenario_id=body.scenario_id,
        payment_details=body.payment_details,
        documents=tuple(body.documents),
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
    case = cases.open_case(resources(), principal, case_opening_of(body))
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


@api.route(
    "/cases/<case_id>/dispatch-proofs",
    "POST",
    summary="Joindre la preuve qu'un courrier du scénario a été posté (accusé de réception, preuve de dépôt), "
    "envoyée avant par POST /documents (kind notice_proof).",
    body=DispatchProofIn,
    responses={200: CaseOut},
    security="memberToken",
    problems=(403, 404, 409, 422),
    auth=current_member,
)
def join_dispatch_proof(case_id: str, principal: Member, body: DispatchProofIn) -> CaseOut:
    case = cases.join_dispatch_proof(resources(), principal, case_id, step=body.step, document_id=body.document_id)
    return case_out(case)


@api.route(
    "/cases/<case_id>/resume",
    "POST",
    summary="Reprendre les relances après un paiement déclaré par le débiteur mais jamais reçu.",
    responses={200: CaseOut},
    security="memberToken",
    problems=(403, 404, 409),
    auth=current_member,
)
def resume_case(case_id: str, principal: Member) -> CaseOut:
    return case_out(cases.resume_case(resources(), principal, case_id))


def proof_response(evidence: Evidence, content: bytes, digest: str) -> Response:
    """The debtor's proof as a download: named by its id (the debtor's own name encoded beside it), with the
    digest the timeline pins, kept by no shared cache (a bank's receipt names accounts)."""
    disposition = f"attachment; filename=\"{evidence.id}\"; filename*=UTF-8''{quote(evidence.filename, safe='')}"
    headers = {"Content-Disposition": disposition, "X-Content-SHA256": digest, "Cache-Control": "private, no-store"}
    return Response(content, mimetype=evidence.content_type, headers=headers)


@api.route(
    "/cases/<case_id>/evidence/<evidence_id>",
    "GET",
    summary="Télécharger le justificatif qu'un débiteur a joint à sa déclaration de paiement (son identifiant "
    "dans la chronologie du dossier) ; 409 si son contenu ne correspond plus à l'empreinte relevée.",
    responses={200: OCTETS},
    headers={200: {"X-Content-SHA256": "L'empreinte SHA-256 relevée quand la déclaration l'a cité."}},
    security="memberToken",
    problems=(403, 404, 409),
    auth=current_member,
)
def download_case_evidence(case_id: str, evidence_id: str, principal: Member) -> Response:
    return proof_response(*debtor.produced_proof(resources(), principal, case_id, evidence_id))


@api.route(
    "/cases/<case_id>/documents/<document_id>",
    "GET",
    summary="Télécharger un document que le dossier cite (la facture jointe à l'ouverture, une preuve d'envoi) ; "
    "409 si son contenu ne correspond plus à l'empreinte fixée quand le dossier l'a cité.",
    responses={200: OCTETS},
    headers={200: {"X-Content-SHA256": "L'empreinte SHA-256 fixée quand le dossier a cité le document."}},
    security="memberToken",
    problems=(403, 404, 409),
    auth=current_member,
)
def download_own_case_document(case_id: str, document_id: str, principal: Member) -> Response:
    return document_download(*cases.own_document(resources(), principal, case_id, document_id))


# -- the debtor's private page ------------------------------------------------------------


def _debtor_actions(view: debtor.DebtorView) -> list[DebtorActionName]:
    actions: list[DebtorActionName] = ["contest", "declare_payment"] if view.may_act else []
    if view.may_propose_schedule:
        actions.append("propose_schedule")
    return actions


def _debtor_case_out(view: debtor.DebtorView, token: str) -> DebtorCaseOut:
    case = view.case
    return DebtorCaseOut(
        creditor_name=case.creditor.name,
        creditor_siren=case.creditor.siren,
        debtor_name=case.debtor.name,
        invoice=_invoice_out(case),
        outstanding_cents=case.outstanding_cents,
        interest_cents=view.penalties.interest_cents,
        interest_periods=interest_periods_out(view.penalties),
        indemnity_cents=view.penalties.indemnity_cents,
        status=case.status,
        status_label=recovery.STATUS_LABELS[case.status],
        payment_details=case.payment_details,
        documents=[
            DebtorDocumentOut(**document_out(d).model_dump(), url=f"{case_page.documents_url(token)}/{d.id}")
            for d in case.documents
        ],
        actions=_debtor_actions(view),
        schedule=_schedule_out(case),
        mediator=debtor.MEDIATOR,
        messages=[
            DebtorStepOut(at=event.at, step_name=case.scenario.steps[event.step].name, channel=event.message.channel)
            for event in case.sent_steps()
            if event.step is not None and event.message is not None
        ],
    )


@api.route(
    "/debtor-cases/<token>",
    "GET",
    summary="Voir un dossier de recouvrement par le lien personnel du débiteur : la facture, ce qui est dû, "
    "comment payer, et ce qu'il peut faire (JSON, ou page HTML avec ses formulaires pour un navigateur).",
    responses={200: (DebtorCaseOut, "text/html")},
    problems=(404,),
)
def get_debtor_case(token: str) -> DebtorCaseOut | Response:
    view = debtor.debtor_view(resources(), token)
    if request.accept_mimetypes.best_match(["application/json", "text/html"]) == "text/html":
        return case_page.case_page(view, token)
    return _debtor_case_out(view, token)


@api.route(
    "/debtor-cases/<token>/documents/<document_id>",
    "GET",
    summary="Télécharger une pièce jointe par le créancier à l'ouverture du dossier (la facture), par le lien "
    "personnel du débiteur ; 409 si elle a changé depuis.",
    responses={200: OCTETS},
    headers={200: {"X-Content-SHA256": "L'empreinte SHA-256 fixée à l'ouverture du dossier."}},
    problems=(404, 409),
)
def download_case_document(token: str, document_id: str) -> Response:
    return document_download(*debtor.case_document(resources(), token, document_id))


@api.route(
    "/debtor-cases/<token>/contest",
    "POST",
    summary="Contester la facture (lien personnel du débiteur) : les relances s'arrêtent, le créancier est prévenu.",
    body=DebtorContestIn,
    responses={200: DebtorCaseOut},
    problems=(404, 409),
)
def contest_case(token: str, body: DebtorContestIn) -> DebtorCaseOut:
    return _debtor_case_out(debtor.contest(resources(), token, reason=body.reason, text=body.text), token)


@api.route(
    "/debtor-cases/<token>/payment",
    "POST",
    summary="Déclarer un paiement (lien personnel du débiteur) : les relances sont suspendues jusqu'à ce que le "
    "créancier le constate.",
    body=DebtorPaymentIn,
    responses={200: DebtorCaseOut},
    problems=(404, 409, 422),
)
def declare_case_payment(token: str, body: DebtorPaymentIn) -> DebtorCaseOut:
    view = debtor.declare_payment(
        resources(),
        token,
        amount_cents=body.amount_cents,
        paid_on=body.paid_on,
        text=body.text,
        evidence_id=body.evidence_id,
    )
    return _debtor_case_out(view, token)


@api.route(
    "/debtor-cases/<token>/evidence",
    "POST",
    summary="Préparer l'envoi d'un justificatif de paiement (lien personnel du débiteur ; 5 Mo au plus), à citer "
    "ensuite dans la déclaration de paiement.",
    body=EvidenceRequest,
    responses={201: UploadOut},
    problems=(404, 409, 413, 422),
)
def start_case_upload(token: str, body: EvidenceRequest) -> tuple[UploadOut, int]:
    evidence, upload = debtor.start_upload(
        resources(), token, filename=body.filename, content_type=body.content_type, size=body.size
    )
    return UploadOut(evidence_id=evidence.id, **asdict(upload)), 201


@api.route(
    "/debtor-cases/<token>/evidence/<evidence_id>",
    "PUT",
    summary="Envoyer le contenu d'un justificatif (stockage local) : la taille et le type annoncés.",
    responses={204: None},
    problems=(404, 409, 413, 422),
    # The Content-Type announced when the upload was prepared; the bytes must have its size and look like it.
    raw_body=binary_body(ACCEPTED_TYPES),
)
def upload_case_evidence(token: str, evidence_id: str) -> tuple[str, int]:
    debtor.receive_upload(resources(), token, evidence_id, request.get_data(cache=False))
    return "", 204


@api.route(
    "/debtor-cases/<token>/schedule",
    "POST",
    summary="Proposer un échéancier (lien personnel du débiteur) : le créancier l'accepte (les relances sont "
    "suspendues tant que les échéances sont payées) ou le refuse (elles continuent).",
    body=DebtorScheduleIn,
    responses={200: DebtorCaseOut},
    problems=(404, 409, 422),
)
def propose_case_schedule(token: str, body: DebtorScheduleIn) -> DebtorCaseOut:
    instalments = [Instalment(i.due_on, i.amount_cents) for i in body.instalments]
    view = schedule.propose_schedule(resources(), token, instalments=instalments, text=body.text)
    return _debtor_case_out(view, token)


@api.route(
    "/cases/<case_id>/schedule/accept",
    "POST",
    summary="Accepter l'échéancier proposé par le débiteur : les relances sont suspendues ; une échéance "
    "manquée les fait reprendre.",
    responses={200: CaseOut},
    security="memberToken",
    problems=(403, 404, 409),
    auth=current_member,
)
def accept_case_schedule(case_id: str, principal: Member) -> CaseOut:
    return case_out(schedule.accept_schedule(resources(), principal, case_id))


@api.route(
    "/cases/<case_id>/schedule/refuse",
    "POST",
    summary="Refuser l'échéancier proposé par le débiteur : les relances continuent.",
    responses={200: CaseOut},
    security="memberToken",
    problems=(403, 404, 409),
    auth=current_member,
)
def refuse_case_schedule(case_id: str, principal: Member) -> CaseOut:
    return case_out(schedule.refuse_schedule(resources(), principal, case_id))


# -- the debtor's page's forms (no script: plain forms, answered by a redirect or the page again) ----------


def _page_form(name: str, summary: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Route one of the page's forms, posted to ``/debtor-cases/<token>/formulaires/{name}``."""
    return api.route(
        f"/debtor-cases/<token>/formulaires/{name}",
        "POST",
        summary=summary,
        raw_body={media: {"type": "object"} for media in FORM_TYPES},
        responses={303: None, 200: "text/html"},
        headers={
            303: {
                "Location": "La page du dossier, avec le message de ce qui a été enregistré.",
                "Idempotent-Replayed": "« true » : le même formulaire déjà envoyé, sa première réponse à nouveau.",
            }
        },
        problems=(400, 403, 404, 409, 413, 415, 422),
    )


def _form_route(token: str, form: str, act: Callable[[debtor.DebtorView], None]) -> Response:
    """Run one of the page's forms: the token's case, a form body, CSRF and one-time token checked, then ``act``;
    a refusal is the page again for a person (a program gets the problem), success a redirect to the page."""
    res = resources()
    view = debtor.debtor_view(res, token)
    if request.mimetype not in FORM_TYPES:
        raise UnsupportedMediaType("Envoyez ce formulaire depuis la page du dossier.")

    def run() -> Response:
        try:
            act(view)
        except Problem as problem:
            if request.accept_mimetypes.best_match([PROBLEM_MIMETYPE, "text/html"]) != "text/html":
                raise
            return case_page.refused_page(debtor.debtor_view(res, token), token, form, problem)
        return Response(
            status=303, headers={"Location": f"{request.root_path}/debtor-cases/{token}?fait={form}#{form}"}
        )

    return case_page.once(token, run)


def _refused(errors: dict[str, str]) -> RuleNotMet:
    return RuleNotMet(
        "Certains champs sont à corriger.",
        [FieldError(field, "champ_invalide", text) for field, text in errors.items()],
    )


@_page_form("paiement", "Déclarer un paiement depuis la page du dossier (formulaire, justificatif facultatif).")
def declare_payment_form(token: str) -> Response:
    def act(view: debtor.DebtorView) -> None:
        errors: dict[str, str] = {}
        cents = case_page.typed_cents("amount_cents", errors)
        values = {"amount_cents": cents if cents is not None else 0, "paid_on": request.form.get("paid_on", "")}
        try:
            body = DebtorPaymentIn.model_validate({**values, "text": request.form.get("text", "")})
        except ValidationError as exc:
            case_page.model_errors(exc, errors)
            raise _refused(errors) from None
        if errors:
            raise _refused(errors)
        upload = request.files.get("evidence")
        proof = None
        if upload is not None and upload.filename:
            proof = debtor.SentFile(upload.filename, upload.mimetype or OCTETS, upload.read())
        try:
            debtor.declare_payment_with_proof(
                resources(), token, amount_cents=body.amount_cents, paid_on=body.paid_on, text=body.text, proof=proof
            )
        except Problem as problem:
            # The file's own errors (its type, its bytes, its citation) stand beside the file picker.
            problem.errors = [
                FieldError("evidence", e.code, e.message)
                if e.field.startswith("evidence_id") or e.field in {"content_type", "size"}
                else e
                for e in problem.errors
            ]
            raise

    return _form_route(token, "paiement", act)


@_page_form("echeancier", "Proposer un échéancier depuis la page du dossier (formulaire).")
def propose_schedule_form(token: str) -> Response:
    def act(view: debtor.DebtorView) -> None:
        errors: dict[str, str] = {}
        rows = case_page.schedule_rows(errors)
        if errors:
            raise _refused(errors)
        instalments = [Instalment(row["due_on"], row["amount_cents"]) for row in rows]
        text = request.form.get("text", "").strip()
        if len(text) > 2000:
            raise _refused({"text": "2 000 caractères au plus."})
        try:
            schedule.propose_schedule(resources(), token, instalments=instalments, text=text)
        except Problem as problem:
            problem.errors = case_page.renamed(problem.errors, rows)
            raise

    return _form_route(token, "echeancier", act)


@_page_form("contestation", "Contester la facture depuis la page du dossier (formulaire).")
def contest_form(token: str) -> Response:
    def act(view: debtor.DebtorView) -> None:
        errors: dict[str, str] = {}
        try:
            body = DebtorContestIn.model_validate(
                {"reason": request.form.get("reason", ""), "text": request.form.get("text", "")}
            )
        except ValidationError as exc:
            case_page.model_errors(exc, errors)
            raise _refused(errors) from None
        debtor.contest(resources(), token, reason=body.reason, text=body.text)

    return _form_route(token, "contestation", act)


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
    scenario = scenarios.create_scenario(resources(), principal, name=body.name, steps=steps_of(body.steps))
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
    previews = scenarios.preview(res, principal, steps=steps_of(body.steps), case=case)
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
