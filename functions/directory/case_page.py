"""The debtor's page of a recovery case: the JSON view's facts as a French HTML page whose forms work without script.

Every message of a case links to ``/debtor-cases/{token}``; a browser
(``Accept: text/html``) gets this page there, a program the JSON. Its three
forms (declare a payment with its proof, propose a schedule, contest) post to
``/debtor-cases/{token}/formulaires/...`` as plain forms, and the answer is a
redirect back to the page (303) or the page again with each error beside its
field. The token in the address is the capability; as in the web spaces, each
form also carries a CSRF token (an HMAC of the token and a random value kept in
a cookie scoped to the case's address) and a one-time token that makes a
second submission (double click, reload) replay the first answer.
Only parsing lives here (euros typed by a person, the form's rows); the rules
are the use cases'.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from datetime import date
from typing import Any

from flask import Response, g, render_template, request
from pydantic import ValidationError

from functions.core import idempotency
from functions.core.clock import today_in_paris
from functions.core.domain import recovery
from functions.core.domain.reports import DISPUTE_REASON_LABELS, DisputeReason
from functions.core.domain.schedules import MAX_INSTALMENTS
from functions.core.errors import FieldError, Problem
from functions.core.french import format_eur, long_date, parse_euros, percent, short_date, short_datetime
from functions.core.headers import CSP, new_nonce, page_csp
from functions.core.http import resources, run_keyed
from functions.core.spaces import CSRF_FIELD, FORM_TOKEN_FIELD, require_csrf, submitted_form
from functions.core.tokens import sign
from functions.core.usecases.directory.replies import EVIDENCE_TYPES, accepted_kinds
from functions.core.usecases.recovery.debtor import MEDIATOR, DebtorView
from functions.core.validation import field_errors

BROWSER_COOKIE = "ardoise_dossier_csrf"
MEDIATOR_URL = "https://www.economie.gouv.fr/mediateur-des-entreprises"
# The schedule form's rows: enough for most schedules; the API takes up to MAX_INSTALMENTS.
SCHEDULE_ROWS = min(6, MAX_INSTALMENTS)
_REASONS = [
    (reason.value, label) for reason, label in DISPUTE_REASON_LABELS.items() if reason is not DisputeReason.ALREADY_PAID
]
_EVIDENCE = {
    "accept": ",".join([*EVIDENCE_TYPES, *(end for _, ends in EVIDENCE_TYPES.values() for end in ends)]),
    "kinds": accepted_kinds(),
}
DONE = {
    "paiement": "Votre déclaration de paiement est enregistrée : le créancier en est informé et les relances sont "
    "suspendues jusqu'à ce qu'il le constate.",
    "echeancier": "Votre proposition d'échéancier est envoyée au créancier : il l'accepte ou la refuse. Les relances "
    "continuent en attendant sa réponse.",
    "contestation": "Votre contestation est enregistrée : le créancier en est informé et les relances sont arrêtées.",
}


def _cookie_path(token: str) -> str:
    return f"{request.root_path}/debtor-cases/{token}"


def _browser_value() -> str:
    value = request.cookies.get(BROWSER_COOKIE, "")
    if len(value) < 32:
        value = g.get("new_browser_value") or secrets.token_urlsafe(32)
        g.new_browser_value = value
    return value


def _csrf(token: str, value: str) -> str:
    return sign(resources().settings.secret_key, f"csrf:dossier:{token}:{value}")


def check_csrf(token: str) -> None:
    """Refuse a form whose ``csrf`` field is missing or not this browser's token for this case (403)."""
    require_csrf(request.cookies.get(BROWSER_COOKIE, ""), lambda value: _csrf(token, value))


def once(token: str, run: Callable[[], Response]) -> Response:
    """Run a form's view once per one-time token: a second submission gets the first answer again."""
    check_csrf(token)
    form_token = request.form.get(FORM_TOKEN_FIELD, "").strip()
    if not form_token:
        return run()
    keyed = idempotency.keyed_form(form_token, f"dossier:{request.cookies[BROWSER_COOKIE]}", submitted_form())
    return run_keyed(keyed, run)


def documents_url(token: str) -> str:
    """Where the debtor downloads the documents the case was opened with, by its link."""
    return f"{request.root_path}/debtor-cases/{token}/documents"


def case_page(
    view: DebtorView,
    token: str,
    *,
    status: int = 200,
    errors: dict[str, str] | None = None,
    values: dict[str, str] | None = None,
    form: str = "",
    problem: str = "",
) -> Response:
    """Render the page (again, after a refused form: ``form`` names it, ``errors`` by field, ``values`` typed)."""
    case, penalties = view.case, view.penalties
    nonce = new_nonce()
    proposed = recovery.proposed_schedule(case)
    accepted = recovery.accepted_schedule(case)
    html = render_template(
        "dossier.html",
        case=case,
        view=view,
        nonce=nonce,
        status=recovery.STATUS_LABELS[case.status],
        csrf=_csrf(token, _browser_value()),
        form_token=lambda: "form_" + secrets.token_urlsafe(24),
        action=f"{request.root_path}/debtor-cases/{token}/formulaires",
        errors=errors or {},
        values=values or {},
        form=form,
        problem=problem,
        done=DONE.get(request.args.get("fait", "")) if request.method == "GET" else "",
        reasons=_REASONS,
        evidence=_EVIDENCE,
        mediator=MEDIATOR,
        mediator_url=MEDIATOR_URL,
        rows=range(SCHEDULE_ROWS),
        documents_url=documents_url(token),
        schedule=[(long_date(i.due_on), format_eur(i.amount_cents)) for i in (proposed or accepted or ())],
        schedule_status="proposé, en attente de la réponse du créancier" if proposed else "accepté" if accepted else "",
        messages=[
            (short_datetime(event.at), case.scenario.steps[event.step].name)
            for event in case.sent_steps()
            if event.step is not None
        ],
        dates={
            "issue": long_date(case.invoice.issue_date),
            "due": long_date(case.invoice.due_date),
            "today": today_in_paris(resources().clock()).isoformat(),
        },
        amounts={
            "amount": format_eur(case.invoice.amount_cents),
            "outstanding": format_eur(case.outstanding_cents),
            "penalties": format_eur(penalties.interest_cents),
            "indemnity": format_eur(penalties.indemnity_cents),
        },
        # A payment changed the balance the penalties ran on: each period names its own.
        penalty_periods=[
            f"du {short_date(p.start)} au {short_date(p.end)} : {p.days} jours à {percent(p.percent)} l'an "
            f"sur {format_eur(p.base_cents)}, soit {format_eur(p.cents)}"
            for p in penalties.periods
        ]
        if penalties.base_changed
        else [],
    )
    # No script; the forms post to this API only. The edge adds no-store, no referrer, nosniff, no framing.
    response = Response(html, status=status, mimetype="text/html", headers={CSP: page_csp(nonce, form_action="'self'")})
    new_value = g.get("new_browser_value")
    if new_value:
        response.set_cookie(
            BROWSER_COOKIE,
            new_value,
            httponly=True,
            secure=resources().settings.is_production,
            samesite="Lax",
            path=_cookie_path(token),
        )
    return response


def refused_page(view: DebtorView, token: str, form: str, problem: Problem) -> Response:
    """The page again after a use case refused a form: its errors beside their fields, its detail on top."""
    errors: dict[str, str] = {}
    for error in problem.errors:
        errors.setdefault(error.field, error.message)
    values = {name: value for name, value in request.form.items() if name not in {CSRF_FIELD, FORM_TOKEN_FIELD}}
    return case_page(
        view, token, status=problem.status, errors=errors, values=values, form=form, problem=problem.detail
    )


def typed_cents(name: str, errors: dict[str, str]) -> int | None:
    """An amount typed in euros in field ``name`` as cents (None, with its error, when it is not one)."""
    typed = request.form.get(name, "").strip()
    if not typed:
        errors[name] = "Indiquez le montant en euros."
        return None
    cents = parse_euros(typed)
    if cents is None:
        errors[name] = "Montant non reconnu : écrivez-le en euros, par exemple 1 250,50."
    return cents


def typed_date(name: str, errors: dict[str, str]) -> date | None:
    typed = request.form.get(name, "").strip()
    try:
        return date.fromisoformat(typed)
    except ValueError:
        errors[name] = "Indiquez une date (jj/mm/aaaa)." if typed else "Indiquez la date."
        return None


def model_errors(error: ValidationError, errors: dict[str, str], prefix: str = "") -> None:
    """Add a model's refusals (the API's own model of the form) to ``errors``, in French, by field."""
    for found in field_errors(error, prefix):
        errors.setdefault(found.field, found.message)


def schedule_rows(errors: dict[str, str]) -> list[dict[str, Any]]:
    """The schedule form's filled rows as the API's instalments (empty rows skipped)."""
    rows: list[dict[str, Any]] = []
    for row in range(SCHEDULE_ROWS):
        day_field, amount_field = f"instalments.{row}.due_on", f"instalments.{row}.amount_cents"
        if not request.form.get(day_field, "").strip() and not request.form.get(amount_field, "").strip():
            continue
        # Errors name the row as typed; the API's own rules name the instalments in order, filled rows only.
        rows.append(
            {"due_on": typed_date(day_field, errors), "amount_cents": typed_cents(amount_field, errors), "row": row}
        )
    if not rows:
        errors["instalments"] = "Indiquez au moins une échéance : sa date et son montant."
    return rows


def renamed(errors: list[FieldError], rows: list[dict[str, Any]]) -> list[FieldError]:
    """The use case's errors on ``instalments.N`` named after the form's row N came from."""
    result = []
    for error in errors:
        parts = error.field.split(".")
        if len(parts) == 3 and parts[0] == "instalments" and parts[1].isdigit() and int(parts[1]) < len(rows):
            parts[1] = str(rows[int(parts[1])]["row"])
        result.append(FieldError(".".join(parts), error.code, error.message))
    return result
