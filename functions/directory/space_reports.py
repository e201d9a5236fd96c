"""The creditor's space, its reports: "mes signalements", each one's timeline and documents, payments, withdrawal.

The same use cases as the API's routes: ``own_report`` (a member sees only the
reports it filed itself, 404 for any other), ``record_payment`` as ``POST
/reports/{id}/payments``, ``withdraw_report`` as ``POST /reports/{id}/withdraw``.
The routes are the space's (``space.py``), added to its blueprint here.
"""

from __future__ import annotations

from typing import Any

from flask import Response, request
from pydantic import ValidationError

from functions.core.domain.documents import KIND_LABELS
from functions.core.domain.lifecycle import STATUS_LABELS
from functions.core.domain.reports import OPEN_STATUSES, Report
from functions.core.errors import PayloadTooLarge, Problem
from functions.core.french import format_eur, parse_euros, short_date, short_datetime
from functions.core.http import resources
from functions.core.spaces import field_messages, page, see_other, signed_in_only
from functions.core.usecases.directory import experiences, members, progress
from functions.core.usecases.signin import SignedIn
from functions.core.validation import field_errors
from functions.directory.experiences import MAX_BODY_BYTES as MAX_CSV_BYTES
from functions.directory.schemas import PaymentIn
from functions.directory.space import document_response, signed_in_member, space

__all__ = ["space"]


def timeline(report: Report) -> list[tuple[str, str]]:
    """A report's life as its creditor follows it: (when, what), in order."""
    events: list[tuple[Any, str]] = [(report.created_at, "Signalement déposé, en attente de vérification")]
    if report.review is not None:
        outcome = (
            "vérifié par la modération" if report.review.decision.value == "approved" else "refusé par la modération"
        )
        events.append(
            (
                report.review.decided_at,
                f"Dossier {outcome}" + (f" : {report.review.reason}" if report.review.reason else ""),
            )
        )
    if report.notified_at is not None:
        events.append((report.notified_at, "Débiteur prévenu"))
    if report.publish_after is not None and report.published_at is None and report.status in OPEN_STATUSES:
        events.append((report.publish_after, "Fin du délai de réponse du débiteur (publication prévue)"))
    for decided in report.earlier_disputes:
        events.append((decided.dispute.opened_at, "Contestation du débiteur"))
        events.append((decided.moderation.decided_at, f"Décision de la modération : {decided.moderation.note}"))
    if report.dispute is not None:
        events.append((report.dispute.opened_at, "Contestation du débiteur"))
    if report.moderation is not None:
        events.append((report.moderation.decided_at, f"Décision de la modération : {report.moderation.note}"))
    if report.published_at is not None:
        events.append((report.published_at, "Publié dans l'annuaire"))
    for payment in report.payments:
        events.append(
            (
                payment.recorded_at,
                f"Paiement de {format_eur(payment.amount_cents)} reçu le {short_date(payment.paid_on)}",
            )
        )
    if report.closed_at is not None:
        events.append((report.closed_at, f"Clos ({STATUS_LABELS[report.status]})"))
    return [(short_datetime(when), what) for when, what in sorted(events, key=lambda event: event[0])]


@space.get("/signalements")
@signed_in_only
def list_reports(who: SignedIn) -> Response:
    """The reports the member filed itself, the newest first."""
    member = signed_in_member(who)
    mine = [r for r in resources().store.reports.list_for_creditor(member.siren) if r.filed_by == member.id]
    rows = [
        {
            "id": r.id,
            "number": r.invoice.number,
            "debtor": r.debtor.name,
            "outstanding": format_eur(r.outstanding_cents),
            "status": STATUS_LABELS[r.status],
            "filed": short_date(r.created_at.date()),
        }
        for r in sorted(mine, key=lambda r: r.created_at, reverse=True)
    ]
    return page("espace/signalements.html", title="Mes signalements", who=who, rows=rows)


def _report_page(who: SignedIn, report: Report, status: int = 200, errors: dict[str, str] | None = None) -> Response:
    return page(
        "espace/signalement.html",
        status,
        title=f"Facture {report.invoice.number}",
        who=who,
        report=report,
        status_label=STATUS_LABELS[report.status],
        steps=timeline(report),
        amounts={
            "amount": format_eur(report.invoice.amount_cents),
            "outstanding": format_eur(report.outstanding_cents),
        },
        documents=[(d, KIND_LABELS[d.kind]) for d in report.documents],
        open=report.status in OPEN_STATUSES,
        errors=errors or {},
        values={name: request.form.get(name, "") for name in ("paid_on", "amount")},
        done=request.args.get("enregistre", ""),
    )


@space.get("/signalements/<report_id>")
@signed_in_only
def show_report(who: SignedIn, report_id: str) -> Response:
    """One of the member's reports: state, timeline, documents, and what it may still do."""
    return _report_page(who, progress.own_report(resources(), signed_in_member(who), report_id))


@space.get("/signalements/<report_id>/documents/<document_id>")
@signed_in_only
def download_document(who: SignedIn, report_id: str, document_id: str) -> Response:
    """A document the report was filed with, as the API's route gives it to its creditor."""
    return document_response(progress.own_report(resources(), signed_in_member(who), report_id), document_id)


@space.post("/signalements/<report_id>/paiement")
@signed_in_only
def record_payment(who: SignedIn, report_id: str) -> Response:
    """Record a payment received (``record_payment``, as ``POST /reports/{id}/payments``)."""
    member = signed_in_member(who)
    report = progress.own_report(resources(), member, report_id)
    cents = parse_euros(request.form.get("amount", ""))
    if cents is None:
        return _report_page(
            who, report, 400, {"amount": "Montant non reconnu : écrivez-le en euros, par exemple 1 250,50."}
        )
    try:
        payment = PaymentIn.model_validate({"amount_cents": cents, "paid_on": request.form.get("paid_on", "")})
    except ValidationError as exc:
        return _report_page(who, report, 400, _payment_fields(field_messages(field_errors(exc))))
    try:
        progress.record_payment(
            resources(), member, report_id, amount_cents=payment.amount_cents, paid_on=payment.paid_on
        )
    except Problem as problem:
        if not problem.errors:
            raise
        return _report_page(who, report, problem.status, _payment_fields(field_messages(problem.errors)))
    return see_other(f"/signalements/{report_id}?enregistre=paiement")


def _payment_fields(errors: dict[str, str]) -> dict[str, str]:
    """The API's field names as the form's (``amount_cents`` is typed in euros as ``amount``)."""
    return {{"amount_cents": "amount"}.get(name, name): message for name, message in errors.items()}


@space.post("/signalements/<report_id>/retrait")
@signed_in_only
def withdraw_report(who: SignedIn, report_id: str) -> Response:
    """Withdraw the report (``withdraw_report``, as ``POST /reports/{id}/withdraw``)."""
    progress.withdraw_report(resources(), signed_in_member(who), report_id)
    return see_other(f"/signalements/{report_id}?enregistre=retrait")


_SHARING = "Partager des expériences de paiement"


@space.get("/experiences")
@signed_in_only
def experiences_form(who: SignedIn) -> Response:
    return page("espace/experiences.html", title=_SHARING, who=who, result=None, errors={})


@space.post("/experiences")
@signed_in_only
def share_experiences(who: SignedIn) -> Response:
    """Share the invoices of a CSV file (``share_experiences``, as ``POST /experiences``); show each line refused."""
    member = members.require_approved(signed_in_member(who))
    upload = request.files.get("fichier")
    raw = upload.read(MAX_CSV_BYTES + 1) if upload is not None else b""
    try:
        if len(raw) > MAX_CSV_BYTES:
            raise PayloadTooLarge(f"Le fichier dépasse {MAX_CSV_BYTES // (1024 * 1024)} Mo.")
        lines = experiences.parse_lines("text/csv", raw)
    except Problem as problem:
        errors = {"fichier": problem.detail or problem.title}
        return page("espace/experiences.html", problem.status, title=_SHARING, who=who, result=None, errors=errors)
    result = experiences.share_experiences(resources(), creditor_siren=member.siren, member_id=member.id, lines=lines)
    return page("espace/experiences.html", title=_SHARING, who=who, result=result, errors={})
