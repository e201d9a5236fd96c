"""The moderators' space, ``/moderation/``: the three queues with their counts and ages, and each decision.

The same use cases as the API's moderator routes: ``list_pending`` and
``decide_member`` (``GET /members/pending``, ``POST /members/{id}/approval``),
``review_queue`` and ``review_report`` (``GET /reviews``, ``POST
/reports/{id}/review``), ``moderation_queue`` and ``decide`` (``GET /moderation``,
``POST /reports/{id}/moderation``). Sign-in and CSRF: ``core/spaces.py``.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any, TypeVar

from flask import Response, request
from pydantic import BaseModel, ValidationError

from functions.core.domain.documents import KIND_LABELS
from functions.core.domain.einvoice import Agreement
from functions.core.domain.lifecycle import STATUS_LABELS
from functions.core.domain.moderators import Moderator
from functions.core.domain.reports import Report, ReportStatus, ReviewDecision
from functions.core.domain.rules import FLAG_MESSAGES
from functions.core.domain.sessions import PrincipalKind
from functions.core.errors import NotFound, Problem, ValidationFailed
from functions.core.french import format_eur, long_date, short_datetime
from functions.core.http import resources
from functions.core.spaces import Space, add_sign_in, field_messages, page, see_other, signed_in_only, space_blueprint
from functions.core.usecases.directory import members, moderation, review
from functions.core.usecases.identity import registry_view
from functions.core.usecases.signin import SignedIn
from functions.core.validation import validation_failed
from functions.directory.schemas import MemberDecisionIn, ModerationIn, ReviewIn
from functions.directory.space import document_response

SPACE = Space(PrincipalKind.MODERATOR, "Espace de modération")
space = space_blueprint(SPACE, __name__)
QUEUE_LIMIT = 50


def age(since: datetime, now: datetime) -> str:
    """How long something has waited, as a moderator reads it: ``3 h``, ``2 j``."""
    waited = max(now - since, timedelta(0))
    if waited < timedelta(hours=1):
        return f"{int(waited.total_seconds() // 60)} min"
    if waited < timedelta(days=2):
        return f"{int(waited.total_seconds() // 3600)} h"
    return f"{waited.days} j"


def _moderator(who: SignedIn) -> Moderator:
    moderator = resources().store.moderators.get_moderator(who.principal.id)
    assert moderator is not None  # the session was read with it
    return moderator


def _home(who: SignedIn) -> Response:
    res = resources()
    now = res.clock()
    pending = members.list_pending(res)
    to_review, _ = review.review_queue(res, limit=QUEUE_LIMIT)
    disputed, _ = moderation.moderation_queue(res, limit=QUEUE_LIMIT)
    queues = [
        {
            "title": "Membres à valider",
            "rows": [
                {"url": f"/membres/{m.id}", "what": f"{m.company_name} (SIREN {m.siren})",
                 "age": age(m.verified_at or m.created_at, now)}
                for m in pending
            ],
        },
        {
            "title": "Signalements à vérifier",
            "rows": [
                {"url": f"/verifications/{i.report.id}", "what": _report_line(i.report),
                 "age": age(i.waiting_since, now)}
                for i in to_review
            ],
        },
        {
            "title": "Contestations à trancher",
            "rows": [
                {"url": f"/contestations/{r.id}", "what": _report_line(r),
                 "age": age(r.dispute.opened_at if r.dispute else r.created_at, now)}
                for r in disputed
            ],
        },
    ]  # fmt: skip
    return page("moderation/accueil.html", title="Files d'attente", who=who, queues=queues)


def _report_line(report: Report) -> str:
    return f"{report.invoice.number} — {report.creditor.name} contre {report.debtor.name}"


add_sign_in(space, SPACE, _home, "spaces/connexion.html")


M = TypeVar("M", bound=BaseModel)


def _decision(model: type[M], note: str = "note") -> M:
    """The decision form read by the API's own model (its ``note`` field named ``note`` here); 400 beside its fields."""
    values = {"decision": request.form.get("decision", ""), note: request.form.get("note", "").strip()}
    try:
        return model.model_validate(values)
    except ValidationError as exc:
        raise validation_failed(exc) from exc


def _decided(problem: Problem, render: Any) -> Response:
    """A decision refused by its use case, shown beside its field (the note a refusal needs)."""
    if not problem.errors:
        raise problem
    return render(problem.status, field_messages(problem.errors))  # type: ignore[no-any-return]  # a page


# -- members ------------------------------------------------------------------------


def _member_page(who: SignedIn, member_id: str, status: int = 200, errors: dict[str, str] | None = None) -> Response:
    member = resources().store.members.get_member(member_id)
    if member is None:
        raise NotFound(f"Aucun membre {member_id}.")
    view = registry_view(resources(), member.siren)
    return page(
        "moderation/membre.html", status, title=member.company_name, who=who, member=member, identity=view.identity,
        proceeding=view.proceeding.label if view.proceeding else "", errors=errors or {},
        values={"note": request.form.get("note", ""), "decision": request.form.get("decision", "")},
    )  # fmt: skip


@space.get("/membres/<member_id>")
@signed_in_only
def show_member(who: SignedIn, member_id: str) -> Response:
    """A member to approve: what it typed beside the registry's identity of its company."""
    return _member_page(who, member_id)


@space.post("/membres/<member_id>")
@signed_in_only
def decide_member(who: SignedIn, member_id: str) -> Response:
    """Approve or refuse the member (``decide_member``, as ``POST /members/{id}/approval``)."""
    try:
        body = _decision(MemberDecisionIn)
        members.decide_member(
            resources(),
            member_id,
            approved=body.decision == "approved",
            note=body.note,
            actor=f"moderator:{who.principal.id}",
        )
    except Problem as problem:
        return _decided(problem, lambda status, errors: _member_page(who, member_id, status, errors))
    return see_other("/?decide=membre")


# -- reports to review ----------------------------------------------------------------


def _report_context(report: Report) -> dict[str, Any]:
    view = registry_view(resources(), report.debtor.siren)
    return {
        "report": report,
        "status_label": STATUS_LABELS[report.status],
        "amounts": {
            "amount": format_eur(report.invoice.amount_cents),
            "outstanding": format_eur(report.outstanding_cents),
        },
        "dates": {
            "issue": long_date(report.invoice.issue_date),
            "due": long_date(report.invoice.due_date),
            "reminders": ", ".join(long_date(d) for d in report.steps.reminder_dates),
            "notice": long_date(report.steps.notice_date),
            "filed": short_datetime(report.created_at),
        },
        "documents": [(d, KIND_LABELS[d.kind]) for d in report.documents],
        "ardoise_proofs": [(proof, short_datetime(proof.at)) for proof in report.ardoise_proofs],
        "flags": [FLAG_MESSAGES.get(flag, flag) for flag in report.flags],
        "terms": [
            (row.term, row.label, _term_value(row.filed), _term_value(row.carried), TERM_AGREEMENTS[row.agreement])
            for row in report.einvoice_check()
        ],
        "identity": view.identity,
        "proceeding": view.proceeding.label if view.proceeding else "",
        "values": {"note": request.form.get("note", ""), "decision": request.form.get("decision", "")},
    }


def _file_page(
    template: str, who: SignedIn, report_id: str, status: int = 200, errors: dict[str, str] | None = None
) -> Response:
    """A report's file with its decision form (``moderation/verification.html`` or ``contestation.html``)."""
    report = moderation.get_for_moderation(resources(), report_id)
    title = f"Facture {report.invoice.number}"
    return page(template, status, title=title, who=who, errors=errors or {}, **_report_context(report))


def _review_page(who: SignedIn, report_id: str, status: int = 200, errors: dict[str, str] | None = None) -> Response:
    return _file_page("moderation/verification.html", who, report_id, status, errors)


@space.get("/verifications/<report_id>")
@signed_in_only
def show_review(who: SignedIn, report_id: str) -> Response:
    """A report's file to check before the debtor is told: its documents and digests, flags, the registry."""
    return _review_page(who, report_id)


@space.post("/verifications/<report_id>")
@signed_in_only
def decide_review(who: SignedIn, report_id: str) -> Response:
    """Approve (the notice goes out) or refuse (the creditor is told why): ``review_report``."""
    try:
        checked = _decision(ReviewIn, note="reason")
        review.review_report(
            resources(),
            report_id,
            approved=checked.decision is ReviewDecision.APPROVED,
            reason=checked.reason,
            actor=f"moderator:{who.principal.id}",
        )
    except Problem as problem:
        return _decided(problem, lambda status, errors: _review_page(who, report_id, status, _as_note(errors)))
    return see_other("/?decide=verification")


def _as_note(errors: dict[str, str]) -> dict[str, str]:
    """The use case's ``reason`` is the form's ``note``."""
    return {("note" if name == "reason" else name): message for name, message in errors.items()}


# -- disputes -------------------------------------------------------------------------


def _dispute_page(who: SignedIn, report_id: str, status: int = 200, errors: dict[str, str] | None = None) -> Response:
    return _file_page("moderation/contestation.html", who, report_id, status, errors)


@space.get("/contestations/<report_id>")
@signed_in_only
def show_dispute(who: SignedIn, report_id: str) -> Response:
    """A disputed report: both sides' texts, the creditor's documents, the debtor's evidence ids."""
    return _dispute_page(who, report_id)


@space.post("/contestations/<report_id>")
@signed_in_only
def decide_dispute(who: SignedIn, report_id: str) -> Response:
    """Uphold or reject the dispute, a note to both sides (``decide``, as ``POST /reports/{id}/moderation``)."""
    try:
        decided = _decision(ModerationIn)
        moderation.decide(resources(), _moderator(who), report_id, decided.decision, decided.note)
    except Problem as problem:
        return _decided(problem, lambda status, errors: _dispute_page(who, report_id, status, errors))
    return see_other("/?decide=contestation")


@space.get("/signalements/<report_id>/documents/<document_id>")
@signed_in_only
def download_document(who: SignedIn, report_id: str, document_id: str) -> Response:
    """A document a report was filed with, as the moderators' API route gives it."""
    return document_response(moderation.get_for_moderation(resources(), report_id), document_id)


# -- a report's full file, the search ------------------------------------------------

ACTIONS = {
    "report.filed": "Déposé",
    "report.approved": "Dossier approuvé : avis au débiteur",
    "report.refused": "Dossier refusé",
    "report.notice_claimed": "Avis au débiteur en cours d'envoi",
    "report.notified": "Débiteur avisé",
    "report.published": "Publié",
    "report.disputed": "Contesté par le débiteur",
    "report.replied": "Réponse du débiteur",
    "report.upheld": "Contestation accueillie",
    "report.rejected": "Contestation rejetée",
    "report.payment_declared": "Paiement déclaré par le débiteur",
    "report.payment_recorded": "Paiement enregistré",
    "report.settled": "Soldé",
    "report.withdrawn": "Retiré par le créancier",
    "report.frozen": "Gelé",
    "report.released": "Dégelé",
    "report.deleted": "Effacé",
}
TERM_AGREEMENTS = {
    Agreement.AGREED: "concordant",
    Agreement.MISMATCH: "discordant",
    Agreement.TAKEN: "repris de la facture électronique",
    Agreement.NOT_CARRIED: "absent de la facture électronique",
}


def _actor(actor: str, names: dict[str, str]) -> str:
    """Who did it, in words: a moderator by name, the creditor, the debtor, the platform."""
    kind, _, ident = actor.partition(":")
    if kind == "moderator":
        if ident not in names:
            found = resources().store.moderators.get_moderator(ident)
            names[ident] = f"Modérateur {found.name}" if found is not None else f"Modérateur {ident}"
        return names[ident]
    return {"member": "Le créancier", "debtor": "Le débiteur", "system": "Ardoise (automatique)"}.get(
        kind, f"Opérateur ({ident or kind})"
    )


def _status_after(after: Any) -> str:
    """The report's state after the event, in words (empty when the event left no report: an erasure)."""
    status = (after or {}).get("status")
    return STATUS_LABELS.get(ReportStatus(status), "") if status in set(ReportStatus) else ""


def _term_value(value: Any) -> str:
    if value is None:
        return "—"
    if isinstance(value, int):
        return format_eur(value)
    return long_date(value) if isinstance(value, date) else str(value)


@space.get("/signalements/<report_id>")
@signed_in_only
def show_file(who: SignedIn, report_id: str) -> Response:
    """A report's full file: documents and digests, e-invoice cross-check, rules, registry, audit trail."""
    found = moderation.report_file(resources(), report_id)
    names: dict[str, str] = {}
    trail = [
        (
            short_datetime(datetime.fromisoformat(event.at)),
            _actor(event.actor, names),
            ACTIONS.get(event.action, event.action),
            _status_after(event.after),
        )
        for event in found.trail
    ]
    return page(
        "moderation/signalement.html",
        title=f"Dossier de la facture {found.report.invoice.number}",
        who=who,
        errors={},
        trail=trail,
        rules=found.rules_checked,
        **_report_context(found.report),
    )


@space.get("/recherche")
@signed_in_only
def search(who: SignedIn) -> Response:
    """Reports by SIREN (debtor or creditor) or by reference; a wrong entry said beside the box, in French."""
    query = request.args.get("q", "")
    if not query.strip():
        return page("moderation/recherche.html", title="Rechercher un signalement", who=who, q="", errors={})
    try:
        reports = moderation.search_reports(resources(), query)
    except ValidationFailed as problem:
        return page(
            "moderation/recherche.html",
            400,
            title="Rechercher un signalement",
            who=who,
            q=query,
            errors=field_messages(problem.errors),
        )
    rows = [
        (r, STATUS_LABELS[r.status], format_eur(r.outstanding_cents), short_datetime(r.created_at)) for r in reports
    ]
    return page("moderation/recherche.html", title="Rechercher un signalement", who=who, q=query, errors={}, rows=rows)
