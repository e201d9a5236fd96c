"""The creditor's space, its recovery cases: "mes dossiers", each one's timeline, its forms, its report.

The same use cases as the API's routes (``recovery.py``, ``case_report.py``):
``open_case`` as ``POST /cases`` (the form shaped into ``CaseOpeningIn`` and
validated by it), ``own_case`` (a member sees only the cases it opened, 404 for
any other), ``record_payment``, ``withdraw_case``, ``resume_case``,
``join_dispatch_proof`` (the proof stored as ``POST /documents`` stores it) and
``file_from_case`` as ``POST /cases/{id}/report``, ``accept_schedule`` and
``refuse_schedule`` as ``POST /cases/{id}/schedule/accept|refuse``, the court
step (``court_preview`` and ``prepare`` as ``GET /cases/{id}/court`` and ``POST
/cases/{id}/injunction``, the PDF as the API draws it) and the debtor's proof
(``produced_proof``, as ``GET /cases/{id}/evidence/{evidence_id}``). The routes
are the space's (``space.py``), added to its blueprint here.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from urllib.parse import quote

from flask import Response, request
from pydantic import ValidationError

from functions.core.clock import PARIS, today_in_paris
from functions.core.domain import injunction, recovery, schedules
from functions.core.domain.court_requests import CHECK_STATE_LABELS, PROCEDURE_LABELS, Procedure
from functions.core.domain.courts import court_table
from functions.core.domain.documents import DocumentKind
from functions.core.domain.members import Member
from functions.core.domain.recovery import CaseEvent, CaseStatus, EventKind, RecoveryCase, SentMessage
from functions.core.domain.reports import DISPUTE_REASON_LABELS
from functions.core.domain.scenarios import CHANNEL_LABELS, Channel
from functions.core.errors import NotFound, Problem
from functions.core.french import format_eur, parse_euros, short_date, short_datetime
from functions.core.http import resources
from functions.core.spaces import field_messages, page, see_other, signed_in_only
from functions.core.usecases.directory import members
from functions.core.usecases.recovery import (
    case_report,
    cases,
    channels,
    court,
    debtor,
    scenarios,
    schedule,
    timestamped_record,
)
from functions.core.usecases.signin import SignedIn
from functions.core.validation import field_errors
from functions.directory.injunction import court_choice, pdf_response
from functions.directory.injunction_schemas import InjunctionIn
from functions.directory.recovery import (
    case_opening_of,  # the API's own shaping of its body, shared by the form
    proof_response,
)
from functions.directory.recovery_schemas import CaseOpeningIn
from functions.directory.schemas import PaymentIn
from functions.directory.space import document_file, signed_in_member, space
from functions.directory.space_filing import FORM_NAMES, refusal, store_upload

__all__ = ["space"]

LIST_TITLE = "Mes dossiers de relance"
OPEN_TITLE = "Ouvrir un dossier de relance"
EUROS = "Montant non reconnu : écrivez-le en euros, par exemple 1 250,50."

# The opening form's fields, under the API's names (amounts typed in euros, as on the filing form).
OPENING_FIELDS = (
    "debtor.siren",
    "debtor.name",
    "debtor.email",
    "debtor.postal_address",
    "debtor.phone",
    "invoice.number",
    "invoice.issue_date",
    "invoice.due_date",
    "invoice.amount",
    "invoice.outstanding",
    "scenario_id",
    "payment_details",
    "description",
)

# The opening form's file input (the invoice: a PDF or an e-invoice), and the hidden field that keeps the id of
# the file already stored when the form comes back with errors.
INVOICE_FILE = "document.invoice"
STORED_INVOICE = "document.invoice.id"

EVENT_LABELS = {
    EventKind.OPENED: "Dossier ouvert",
    EventKind.STEP_SENT: "Envoyé",
    EventKind.PAYMENT_RECORDED: "Paiement enregistré",
    EventKind.SCENARIO_ENDED: "Scénario terminé : facture impayée au terme de la mise en demeure",
    EventKind.WITHDRAWN: "Dossier arrêté par le créancier",
    EventKind.CONTESTED: "Contestation du débiteur : relances arrêtées",
    EventKind.PAYMENT_DECLARED: "Paiement déclaré par le débiteur",
    EventKind.RESUMED: "Relances reprises",
    EventKind.DISPATCH_PROOF: "Preuve d'envoi jointe",
    EventKind.SCHEDULE_PROPOSED: "Échéancier proposé par le débiteur",
    EventKind.SCHEDULE_ACCEPTED: "Échéancier accepté : relances suspendues",
    EventKind.SCHEDULE_REFUSED: "Échéancier refusé",
    EventKind.INSTALMENT_MISSED: "Échéance manquée : relances reprises",
    EventKind.COURT_REQUEST_PREPARED: "Requête au tribunal préparée",
}
NEXT_LABELS = {
    recovery.ActionKind.SEND_STEP: "Envoi",
    recovery.ActionKind.END_SCENARIO: "Fin du délai de la mise en demeure",
    recovery.ActionKind.INSTALMENT_MISSED: "Contrôle de l'échéance",
}


@dataclass(frozen=True)
class TimelineLine:
    """One event of a case as its creditor reads it."""

    when: str
    what: str
    detail: str = ""  # the debtor's words, a recipient
    digest: str = ""  # the SHA-256 of a message sent or a proof joined
    letter: str = ""  # a letter's message id, when its PDF can be downloaded
    proof: str = ""  # the id of the debtor's proof of a declared payment, to download
    proof_name: str = ""  # its file name, as the debtor sent it


def _letter_words(message: SentMessage) -> str:
    """Who posts a letter: the creditor, or Ardoise through a provider."""
    if message.channel is not Channel.LETTER:
        return ""
    return " préparé par Ardoise, à poster par vous" if message.posting is None else " posté par Ardoise"


def _event_line(case: RecoveryCase, event: CaseEvent) -> TimelineLine:
    what = EVENT_LABELS[event.kind]
    step = case.scenario.steps[event.step] if event.step is not None else None
    detail, digest, letter = "", "", ""
    if event.kind is EventKind.OPENED:
        what = f"{what} (scénario « {case.scenario.name} »)"
    if event.kind is EventKind.STEP_SENT and step is not None and event.message is not None:
        message = event.message
        what = f"{step.name} : {CHANNEL_LABELS[message.channel]}"
        what += _letter_words(message)
        detail = f"Destinataire : {message.recipient}"
        if message.posting is not None:
            detail += f" — via {message.posting.provider}, référence {message.posting.reference}"
        digest = message.sha256
        letter = message.id if message.storage_key else ""
    elif event.kind is EventKind.DISPATCH_PROOF and step is not None:
        what = f"{what} pour « {step.name} »"
        if event.document is not None:
            detail, digest = event.document.filename, event.document.sha256
    if event.evidence is not None:
        digest = event.evidence_sha256
    if event.amount_cents is not None and event.kind in (EventKind.PAYMENT_RECORDED, EventKind.PAYMENT_DECLARED):
        what += f" : {format_eur(event.amount_cents)}"
        if event.paid_on is not None:
            what += f" payé le {short_date(event.paid_on)}"
    if event.kind is EventKind.SCHEDULE_PROPOSED and event.instalments:
        what += f" ({len(event.instalments)} échéances)"
    if event.kind is EventKind.INSTALMENT_MISSED and event.instalment is not None:
        what += f" (échéance n° {event.instalment + 1})"
    if event.reason is not None:
        detail = DISPUTE_REASON_LABELS[event.reason] + (f" — « {event.text} »" if event.text else "")
    elif event.text:
        detail = f"« {event.text} »"
    proof, proof_name = (event.evidence.id, event.evidence.filename) if event.evidence is not None else ("", "")
    return TimelineLine(short_datetime(event.at), what, detail, digest, letter, proof, proof_name)


def _next_step(case: RecoveryCase) -> tuple[str, str]:
    """The case's next step and its date, as the engine plans it ("—" when nothing more will happen)."""
    action = recovery.next_action(case)
    if action is None:
        return "—", ""
    label = NEXT_LABELS[action.kind]
    if action.step is not None:
        step = case.scenario.steps[action.step]
        label = f"{step.name} ({CHANNEL_LABELS[step.channel]})"
    return label, _day(action.at)


def _day(moment: datetime) -> str:
    return short_date(moment.astimezone(PARIS).date())


@space.get("/dossiers")
@signed_in_only
def cases_list(who: SignedIn) -> Response:
    """The member's cases, the most recent first (``list_cases``, as ``GET /cases``)."""
    rows = []
    for case in cases.list_cases(resources(), signed_in_member(who)):
        next_label, next_on = _next_step(case)
        rows.append(
            {
                "id": case.id,
                "number": case.invoice.number,
                "debtor": case.debtor.name,
                "outstanding": format_eur(case.outstanding_cents),
                "status": recovery.STATUS_LABELS[case.status],
                "next": next_label,
                "next_on": next_on,
            }
        )
    return page("espace/dossiers.html", title=LIST_TITLE, who=who, rows=rows)


# -- opening a case ------------------------------------------------------------------------


def _opening_page(
    who: SignedIn, status: int = 200, errors: dict[str, str] | None = None, invoice_document: str = ""
) -> Response:
    member = signed_in_member(who)
    values = {name: request.form.get(name, "") for name in OPENING_FIELDS}
    values["scenario_id"] = values["scenario_id"] or "default"
    choices = [(s.id, s.name) for s in scenarios.list_scenarios(resources(), member)]
    return page(
        "espace/ouvrir_dossier.html", status, title=OPEN_TITLE, who=who, errors=errors or {}, values=values,
        scenarios=choices, invoice_document=invoice_document,
    )  # fmt: skip


def _opening_body(form: dict[str, str]) -> tuple[dict[str, Any], dict[str, str]]:
    """``POST /cases``'s body from the form; an amount not in euros is an error beside its field.

    An invoice's field left blank is left out, as the API allows: the e-invoice joined gives it, or the use
    case answers that it is missing. The rest owed is always typed.
    """
    errors: dict[str, str] = {}
    invoice: dict[str, Any] = {
        key: form[f"invoice.{key}"] for key in ("number", "issue_date", "due_date") if form[f"invoice.{key}"]
    }
    for name, key in (("invoice.amount", "amount_cents"), ("invoice.outstanding", "outstanding_cents")):
        if not form[name] and key == "amount_cents":
            continue
        cents = parse_euros(form[name]) if form[name] else None
        if cents is None:
            errors[name] = EUROS if form[name] else "Indiquez ce montant en euros."
        else:
            invoice[key] = cents
    debtor = {key: form[f"debtor.{key}"] for key in ("siren", "name", "postal_address")}
    for key in ("email", "phone"):
        if form[f"debtor.{key}"]:
            debtor[key] = form[f"debtor.{key}"]
    body = {
        "debtor": debtor,
        "invoice": invoice,
        "scenario_id": form["scenario_id"] or "default",
        "payment_details": form["payment_details"],
        "description": form["description"],
    }
    return body, errors


def _form_names(errors: dict[str, str]) -> dict[str, str]:
    """The API's field names as the form's (``invoice.amount_cents`` is typed in euros as ``invoice.amount``;
    the one document the form joins, ``documents.0``, is its invoice's file input)."""
    named: dict[str, str] = {}
    for name, message in errors.items():
        field = INVOICE_FILE if name == "documents" or name.startswith("documents.") else FORM_NAMES.get(name, name)
        named.setdefault(field, message)
    return named


@space.get("/dossiers/nouveau")
@signed_in_only
def case_opening_form(who: SignedIn) -> Response:
    return _opening_page(who)


@space.post("/dossiers/nouveau")
@signed_in_only
def case_opening(who: SignedIn) -> Response:
    """Open the case as ``POST /cases`` does: the same model, the same use case, each problem beside its field."""
    member = members.require_approved(signed_in_member(who))
    raw, errors = _opening_body({name: request.form.get(name, "").strip() for name in OPENING_FIELDS})
    body = None
    try:
        body = CaseOpeningIn.model_validate(raw)
    except ValidationError as exc:
        # An amount typed wrongly keeps its own message, not the model's "missing" for its cents.
        errors = {**errors, **field_messages(field_errors(exc))}
    stored = request.form.get(STORED_INVOICE, "").strip()
    if errors or body is None:
        return _opening_page(who, 400, _form_names(errors), stored)
    upload = request.files.get(INVOICE_FILE)
    if upload is not None and upload.filename:
        # Stored as the filing form stores its documents (``POST /documents``), then cited by the opening.
        try:
            stored = store_upload(member, DocumentKind.INVOICE, upload)[0].id
        except Problem as problem:
            return _opening_page(who, problem.status, {INVOICE_FILE: refusal(problem)})
    if stored:
        body = body.model_copy(update={"documents": [stored]})
    try:
        case = cases.open_case(resources(), member, case_opening_of(body))
    except Problem as problem:
        if not problem.errors:
            raise
        # A file already stored is cited again by its id when the form comes back corrected, not sent twice;
        # a refused one is not (the creditor joins another).
        named = _form_names(field_messages(problem.errors))
        return _opening_page(who, problem.status, named, "" if INVOICE_FILE in named else stored)
    return see_other(f"/dossiers/{case.id}?enregistre=ouverture")


# -- one case --------------------------------------------------------------------------------

# The court form's fields, under the API's names (``InjunctionIn``): its problems land beside them.
COURT_FIELDS = ("procedure", "court.code", "court.name", "court.appeal_court", "signed_document", "commissaire")
# A use case's problem fields as the court form's (the registry's gates stand by the procedure's choice).
COURT_NAMES = {
    "court.code": "court.code",
    "court.name": "court.name",
    "court.appeal_court": "court.appeal_court",
    "court.address": "court.name",
    "court": "court.code",
    "signed_document": "signed_document",
    "commissaire": "commissaire",
    "procedure": "procedure",
    "debtor": "procedure",
}
PDF_DISPOSITION = "attachment"  # the space downloads what the API shows inline


@dataclass(frozen=True)
class InstalmentLine:
    """One instalment of a schedule as the creditor reads it."""

    number: int
    due: str
    amount: str
    state: str = ""  # an accepted schedule's: paid, to come, due and not recorded


def _schedule(case: RecoveryCase, today: date) -> dict[str, Any] | None:
    """The schedule waiting for the creditor's answer (with the debtor's words), or the one the case follows."""
    proposed = recovery.proposed_schedule(case)
    if proposed is not None:
        asked = next(e for e in reversed(case.events) if e.kind is EventKind.SCHEDULE_PROPOSED)
        lines = [InstalmentLine(n, short_date(i.due_on), format_eur(i.amount_cents)) for n, i in enumerate(proposed, 1)]
        return {"proposed": True, "lines": lines, "total": format_eur(schedules.total(proposed)), "text": asked.text}
    accepted = recovery.accepted_schedule(case)
    if accepted is None:
        return None
    paid = schedules.covered(accepted, recovery.schedule_paid_cents(case, accepted))
    lines = [
        InstalmentLine(
            number,
            short_date(instalment.due_on),
            format_eur(instalment.amount_cents),
            "payée" if covered else ("échue, paiement non enregistré" if instalment.due_on < today else "à venir"),
        )
        for number, (instalment, covered) in enumerate(zip(accepted, paid, strict=True), 1)
    ]
    return {"proposed": False, "lines": lines, "total": format_eur(schedules.total(accepted)), "text": ""}


def _court_step(member: Member, case: RecoveryCase) -> dict[str, Any] | None:
    """The court step of an unpaid case as ``court_preview`` composes it now; a gate's refusal in its words."""
    if case.status is not CaseStatus.UNPAID:
        return None
    try:
        preview = court.court_preview(resources(), member, case.id)
    except Problem as problem:
        refusal = problem.detail or problem.title
        reasons = list(dict.fromkeys(e.message for e in problem.errors if e.message != refusal))
        return {"refusal": refusal, "reasons": reasons}
    proposal = preview.proposal
    return {
        "refusal": "",
        "basis": proposal.basis,
        "departement": proposal.departement,
        "candidates": proposal.candidates,
        "default": proposal.default.code if proposal.default else "",
        "source": court_table().source,
        "procedures": [
            {
                "value": draft.procedure.value,
                "label": PROCEDURE_LABELS[draft.procedure],
                "principal": format_eur(draft.principal_cents),
                "interest": format_eur(draft.interest_cents),
                "indemnity": format_eur(draft.indemnity_cents),
                "total": format_eur(draft.total_cents),
                "until": short_date(draft.prepared_on),
                "checklist": [(CHECK_STATE_LABELS[i.state], i.label, i.detail) for i in draft.checklist],
            }
            for draft in preview.requests
        ],
    }


def _prepared_requests(case: RecoveryCase) -> list[dict[str, str]]:
    """The last request prepared of each procedure, to download (whatever the case's state since)."""
    prepared = []
    for procedure in Procedure:
        found = injunction.latest_request(case, procedure)
        if found is not None:
            prepared.append(
                {
                    "procedure": procedure.value,
                    "label": PROCEDURE_LABELS[procedure],
                    "when": short_datetime(found.prepared_at),
                    "court": found.court.name if found.court else "",
                    "digest": found.pdf_sha256,
                }
            )
    return prepared


def _case_page(who: SignedIn, case: RecoveryCase, status: int = 200, errors: dict[str, str] | None = None) -> Response:
    member = signed_in_member(who)
    next_label, next_on = _next_step(case)
    proved = {event.step for event in case.events if event.kind is EventKind.DISPATCH_PROOF}
    letters = [
        (event.step, case.scenario.steps[event.step].name)
        for event in case.sent_steps()
        if event.step is not None
        and event.message is not None
        and event.message.channel is Channel.LETTER
        and event.step not in proved
    ]
    report = next((r for r in resources().store.reports.list_for_creditor(member.siren) if r.case_id == case.id), None)
    return page(
        "espace/dossier.html",
        status,
        title=f"Dossier de la facture {case.invoice.number}",
        who=who,
        case=case,
        status_label=recovery.STATUS_LABELS[case.status],
        amounts={
            "amount": format_eur(case.invoice.amount_cents),
            "outstanding": format_eur(case.outstanding_cents),
            "due": short_date(case.invoice.due_date),
        },
        next_label=next_label,
        next_on=next_on,
        lines=[_event_line(case, event) for event in case.events],
        owed=case.status in recovery.OWED,
        resumable=case.status is CaseStatus.PAYMENT_DECLARED,
        letters=letters,
        fileable=case.status is CaseStatus.UNPAID and report is None,
        report=report,
        schedule=_schedule(case, today_in_paris(resources().clock())),
        court_step=_court_step(member, case),
        prepared=_prepared_requests(case),
        errors=errors or {},
        values={name: request.form.get(name, "") for name in ("paid_on", "amount", "description", *COURT_FIELDS)},
        done=request.args.get("enregistre", ""),
    )


@space.get("/dossiers/<case_id>")
@signed_in_only
def case_page(who: SignedIn, case_id: str) -> Response:
    """One of the member's cases: state, amounts, next step, every event, and what it may still do."""
    return _case_page(who, cases.own_case(resources(), signed_in_member(who), case_id))


def _problems_page(who: SignedIn, case_id: str, problem: Problem, names: dict[str, str], whole: str = "") -> Response:
    """A use case's problems beside the form's fields (``names``: the API's names as the form's); a problem
    without fields (the case's state refuses the step) beside ``whole``, when given, else as its own page."""
    if not problem.errors and not (whole and problem.status in (409, 422)):
        raise problem  # not found, unavailable: the problem's own page (its headers: Retry-After)
    errors: dict[str, str] = {whole: problem.detail or problem.title} if not problem.errors else {}
    for name, message in field_messages(problem.errors).items():
        field = next((form for api, form in names.items() if name == api or name.startswith(api + ".")), name)
        errors.setdefault(field, message)
    case = cases.own_case(resources(), signed_in_member(who), case_id)
    return _case_page(who, case, problem.status, errors)


@space.post("/dossiers/<case_id>/paiement")
@signed_in_only
def case_payment(who: SignedIn, case_id: str) -> Response:
    """Record a payment received (``record_payment``, as ``POST /cases/{id}/payments``)."""
    member = signed_in_member(who)
    case = cases.own_case(resources(), member, case_id)
    cents = parse_euros(request.form.get("amount", ""))
    if cents is None:
        return _case_page(who, case, 400, {"amount": EUROS})
    try:
        payment = PaymentIn.model_validate({"amount_cents": cents, "paid_on": request.form.get("paid_on", "")})
    except ValidationError as exc:
        errors = field_messages(field_errors(exc))
        return _case_page(who, case, 400, {{"amount_cents": "amount"}.get(k, k): v for k, v in errors.items()})
    try:
        cases.record_payment(resources(), member, case_id, amount_cents=payment.amount_cents, paid_on=payment.paid_on)
    except Problem as problem:
        return _problems_page(who, case_id, problem, {"amount_cents": "amount", "paid_on": "paid_on"})
    return see_other(f"/dossiers/{case_id}?enregistre=paiement")


@space.post("/dossiers/<case_id>/retrait")
@signed_in_only
def case_withdrawal(who: SignedIn, case_id: str) -> Response:
    """Stop the case (``withdraw_case``, as ``POST /cases/{id}/withdraw``)."""
    cases.withdraw_case(resources(), signed_in_member(who), case_id)
    return see_other(f"/dossiers/{case_id}?enregistre=retrait")


@space.post("/dossiers/<case_id>/reprise")
@signed_in_only
def case_resumption(who: SignedIn, case_id: str) -> Response:
    """Resume after a declared payment never received (``resume_case``, as ``POST /cases/{id}/resume``)."""
    cases.resume_case(resources(), signed_in_member(who), case_id)
    return see_other(f"/dossiers/{case_id}?enregistre=reprise")


@space.get("/dossiers/<case_id>/courriers/<message_id>")
@signed_in_only
def case_letter(who: SignedIn, case_id: str, message_id: str) -> Response:
    """A letter Ardoise prepared for the case, to print and post, its bytes checked against the timeline's digest."""
    case = cases.own_case(resources(), signed_in_member(who), case_id)
    filename, content = channels.kept_letter(resources(), case, message_id)
    disposition = f"attachment; filename=\"{filename}\"; filename*=UTF-8''{quote(filename, safe='')}"
    return Response(content, mimetype=channels.PDF, headers={"Content-Disposition": disposition})


@space.get("/dossiers/<case_id>/justificatifs/<evidence_id>")
@signed_in_only
def case_evidence(who: SignedIn, case_id: str, evidence_id: str) -> Response:
    """The proof the debtor joined to a declared payment (``produced_proof``, as ``GET
    /cases/{id}/evidence/{evidence_id}``): its bytes checked against the timeline's digest; 404 to another member."""
    return proof_response(*debtor.produced_proof(resources(), signed_in_member(who), case_id, evidence_id))


# -- the debtor's schedule -------------------------------------------------------------------


@space.post("/dossiers/<case_id>/echeancier/acceptation")
@signed_in_only
def case_schedule_acceptance(who: SignedIn, case_id: str) -> Response:
    """« Accepter l'échéancier » (``accept_schedule``, as ``POST /cases/{id}/schedule/accept``): the reminders
    pause, the debtor is e-mailed; no proposal waiting, or the case closed, is said on the page."""
    member = signed_in_member(who)
    cases.own_case(resources(), member, case_id)
    try:
        schedule.accept_schedule(resources(), member, case_id)
    except Problem as problem:
        return _problems_page(who, case_id, problem, {}, whole="echeancier")
    return see_other(f"/dossiers/{case_id}?enregistre=echeancier-accepte")


@space.post("/dossiers/<case_id>/echeancier/refus")
@signed_in_only
def case_schedule_refusal(who: SignedIn, case_id: str) -> Response:
    """« Refuser l'échéancier » (``refuse_schedule``, as ``POST /cases/{id}/schedule/refuse``): the scenario goes
    on, the debtor is e-mailed."""
    member = signed_in_member(who)
    cases.own_case(resources(), member, case_id)
    try:
        schedule.refuse_schedule(resources(), member, case_id)
    except Problem as problem:
        return _problems_page(who, case_id, problem, {}, whole="echeancier")
    return see_other(f"/dossiers/{case_id}?enregistre=echeancier-refuse")


# -- the court step ----------------------------------------------------------------------------


def _court_body(form: dict[str, str]) -> dict[str, Any]:
    """``POST /cases/{id}/injunction``'s body from the form: a court of the table chosen, or one typed."""
    chosen = {"code": form["court.code"]} if form["court.code"] else {}
    typed = {key: form[f"court.{key}"] for key in ("name", "appeal_court") if form[f"court.{key}"]}
    return {
        "procedure": form["procedure"],
        "court": (chosen if chosen else typed) or None,
        "signed_document": form["signed_document"] or None,
        "commissaire": form["commissaire"] or None,
    }


@space.post("/dossiers/<case_id>/requete")
@signed_in_only
def case_court_request(who: SignedIn, case_id: str) -> Response:
    """Prepare the injonction de payer or the petites créances request (``prepare``, as ``POST
    /cases/{id}/injunction``) for the court the creditor confirmed; its PDF is then linked from the page."""
    member = signed_in_member(who)
    case = cases.own_case(resources(), member, case_id)
    raw = _court_body({name: request.form.get(name, "").strip() for name in COURT_FIELDS})
    try:
        body = InjunctionIn.model_validate(raw)
    except ValidationError as exc:
        errors = field_messages(field_errors(exc))
        return _case_page(who, case, 400, {COURT_NAMES.get(k, k): v for k, v in errors.items()})
    try:
        court.prepare(
            resources(),
            member,
            case_id,
            body.procedure,
            choice=court_choice(body),
            signed_document=body.signed_document or "",
            commissaire=body.commissaire or "",
        )
    except Problem as problem:
        return _problems_page(who, case_id, problem, COURT_NAMES, whole="procedure")
    return see_other(f"/dossiers/{case_id}?enregistre=requete#requetes")


@space.get("/dossiers/<case_id>/documents/<document_id>")
@signed_in_only
def case_document(who: SignedIn, case_id: str, document_id: str) -> Response:
    """A document the case holds (its invoice, a dispatch proof), as ``GET /cases/{id}/documents/{document_id}``."""
    return document_file(*cases.own_document(resources(), signed_in_member(who), case_id, document_id))


@space.get("/dossiers/<case_id>/releve")
@signed_in_only
def case_record_pdf(who: SignedIn, case_id: str) -> Response:
    """The case's timestamped record as a PDF (``record_pdf``, as ``GET /cases/{id}/record``): the piece to join."""
    filename, pdf = timestamped_record.record_pdf(resources(), signed_in_member(who), case_id)
    headers = {"Content-Disposition": f'attachment; filename="{filename}"', "Cache-Control": "private, no-store"}
    return Response(pdf, mimetype="application/pdf", headers=headers)


@space.get("/dossiers/<case_id>/requetes/<procedure>")
@signed_in_only
def case_court_request_pdf(who: SignedIn, case_id: str, procedure: str) -> Response:
    """The last prepared request of ``procedure`` as a PDF to download, the API's own to the byte (404 before)."""
    if procedure not in {p.value for p in Procedure}:
        raise NotFound("Aucune procédure sous ce nom.")
    prepared, pdf = court.prepared_pdf(resources(), signed_in_member(who), case_id, Procedure(procedure))
    return pdf_response(prepared, pdf, PDF_DISPOSITION)


@space.post("/dossiers/<case_id>/preuve-envoi")
@signed_in_only
def case_dispatch_proof(who: SignedIn, case_id: str) -> Response:
    """Join a letter's proof of dispatch (``join_dispatch_proof``, as ``POST /cases/{id}/dispatch-proofs``)."""
    member = signed_in_member(who)
    case = cases.own_case(resources(), member, case_id)
    upload = request.files.get("preuve")
    step = request.form.get("step", "").strip()
    if upload is None or not upload.filename:
        return _case_page(who, case, 400, {"preuve": "Joignez l'accusé de réception ou la preuve de dépôt."})
    if not step.isdigit():
        return _case_page(who, case, 400, {"preuve": "Choisissez le courrier dont vous joignez la preuve."})
    names = {"document_id": "preuve", "step": "preuve", "documents": "preuve"}
    try:
        document_id = store_upload(member, DocumentKind.NOTICE_PROOF, upload)[0].id
        cases.join_dispatch_proof(resources(), member, case_id, step=int(step), document_id=document_id)
    except Problem as problem:
        return _problems_page(who, case_id, problem, names)
    return see_other(f"/dossiers/{case_id}?enregistre=preuve")


@space.post("/dossiers/<case_id>/signalement")
@signed_in_only
def case_report_filing(who: SignedIn, case_id: str) -> Response:
    """« Déposer le signalement »: the report filed from the case (``file_from_case``, as ``POST
    /cases/{id}/report``), the invoice uploaded with it unless the case holds it from its opening; its problems
    shown in French beside the form."""
    member = members.require_approved(signed_in_member(who))
    case = cases.own_case(resources(), member, case_id)
    description = request.form.get("description", "").strip()
    if len(description) > 4000:
        return _case_page(who, case, 400, {"description": "Au plus 4 000 caractères."})
    upload = request.files.get("facture")
    names = {"documents": "facture", "invoice": "facture", "description": "description"}
    try:
        cited = (
            [store_upload(member, DocumentKind.INVOICE, upload)[0].id] if upload is not None and upload.filename else []
        )
        report = case_report.file_from_case(
            resources(), member, case_id, documents=cited, description=description or None
        )
    except Problem as problem:
        if problem.status == 409 and not problem.errors:
            return _case_page(who, case, 409, {"facture": problem.detail or problem.title})
        return _problems_page(who, case_id, problem, names)
    return see_other(f"/signalements/{report.id}?enregistre=depot")
