"""The subscriber's space, ``/abonne/``: usage against the quota, the watchlist, a company's summary.

A portfolio import (``/abonne/surveillance/import``) is ``import_watchlist``, as
``POST /watchlist``. The webhook settings (``/abonne/webhook``) are ``set_webhook``
(``PUT /webhook``: setting the address again rotates the secret), ``clear_webhook``
(``DELETE /webhook``), ``send_test_event`` and ``list_deliveries`` (``GET /deliveries``).

The same use cases as the API's routes: ``usage`` (``GET /usage``), ``list_watched``,
``watch`` and ``unwatch`` (``GET``, ``PUT`` and ``DELETE /watchlist[/{siren}]``),
``serve_summary`` (``GET /solvency/{siren}``, its HTML and PDF), the SIREN read by the
API's own type. Only opening a summary counts against the quota, as on the API; the
search box first says so on a confirmation page. Sign-in and CSRF: ``core/spaces.py``.
"""

from __future__ import annotations

import csv
import io
from typing import Any

from flask import Response, request
from pydantic import ValidationError

from functions.core.clock import parse_iso
from functions.core.domain.sessions import PrincipalKind
from functions.core.domain.subscribers import Subscriber
from functions.core.errors import NotFound, PayloadTooLarge, Problem, QuotaExceeded
from functions.core.french import number, short_datetime
from functions.core.http import resources
from functions.core.spaces import Space, add_sign_in, field_messages, page, see_other, signed_in_only, space_blueprint
from functions.core.usecases.reports import portfolio, solvency, subscribers, watchlist
from functions.core.usecases.signin import SignedIn
from functions.core.validation import SirenPath, field_errors
from functions.reports import render
from functions.reports.schemas import WebhookRequest

SPACE = Space(PrincipalKind.SUBSCRIBER, "Espace abonné")
space = space_blueprint(SPACE, __name__)
WATCHLIST_PAGE = 200


def _subscriber(who: SignedIn) -> Subscriber:
    subscriber = resources().store.subscribers.get_subscriber(who.principal.id)
    assert subscriber is not None  # the session was read with it
    return subscriber


def _figures(used: dict[str, Any]) -> dict[str, str]:
    return {"quota": number(used["quota"]), "summaries": number(used["summaries"]),
            "remaining": number(used["remaining"]), "resets": short_datetime(parse_iso(used["resets_at"]))}  # fmt: skip


def _home(
    who: SignedIn, status: int = 200, errors: dict[str, str] | None = None, search: dict[str, str] | None = None
) -> Response:
    res = resources()
    subscriber = _subscriber(who)
    used = subscribers.usage(res, subscriber)
    watched = watchlist.list_watched(res, subscriber, WATCHLIST_PAGE, request.args.get("suite") or None)
    return page(
        "abonne/accueil.html", status, title="Accueil", who=who, subscriber=subscriber, usage=used,
        figures=_figures(used), watched=watched["items"], next_cursor=watched["next_cursor"], errors=errors or {},
        values={"siren": request.form.get("siren", "")}, search_errors=search or {},
        search_value=request.args.get("recherche", ""),
    )  # fmt: skip


add_sign_in(space, SPACE, _home, "spaces/connexion.html")


def _siren(typed: str | None = None) -> str:
    """The SIREN typed, read by the API's own path type (a SIRET gives its SIREN); ValueError for field errors."""
    return SirenPath.model_validate({"siren": request.form.get("siren", "") if typed is None else typed}).siren


@space.post("/surveillance")
@signed_in_only
def watch(who: SignedIn) -> Response:
    """Watch a company (``watch``, as ``PUT /watchlist/{siren}``)."""
    try:
        siren = _siren()
    except ValidationError as exc:
        return _home(who, 400, field_messages(field_errors(exc)))
    watchlist.watch(resources(), _subscriber(who), siren)
    return see_other("/?surveillance=ajout")


@space.post("/surveillance/<siren>/retrait")
@signed_in_only
def unwatch(who: SignedIn, siren: str) -> Response:
    """Stop watching a company (``unwatch``, as ``DELETE /watchlist/{siren}``)."""
    if not watchlist.unwatch(resources(), _subscriber(who), siren):
        raise NotFound("Cette entreprise n'est pas dans votre liste de surveillance.")
    return see_other("/?surveillance=retrait")


_IMPORT = "Importer un portefeuille"
# 10,000 SIRETs with separators weigh about 200 KB: the app's 1 MB body limit leaves room for extra columns.
IMPORT_MAX_BYTES = 900 * 1024


@space.get("/surveillance/import")
@signed_in_only
def import_form(who: SignedIn) -> Response:
    return _import_page(who, 200, None, {})


@space.post("/surveillance/import")
@signed_in_only
def import_portfolio(who: SignedIn) -> Response:
    """Watch the companies of a CSV file (``import_watchlist``, as ``POST /watchlist``); show each line refused."""
    upload = request.files.get("fichier")
    raw = upload.read(IMPORT_MAX_BYTES + 1) if upload is not None else b""
    try:
        if len(raw) > IMPORT_MAX_BYTES:
            raise PayloadTooLarge(f"Le fichier dépasse {IMPORT_MAX_BYTES // 1024} Ko.")
        result = portfolio.import_watchlist(resources(), _subscriber(who), raw)
    except Problem as problem:
        return _import_page(who, problem.status, None, {"fichier": problem.detail or problem.title})
    return _import_page(who, 200, result, {})


def _import_page(who: SignedIn, status: int, result: dict[str, Any] | None, errors: dict[str, str]) -> Response:
    limit = number(portfolio.MAX_LINES)
    return page("abonne/import.html", status, title=_IMPORT, who=who, result=result, errors=errors, limit=limit)


_WEBHOOK = "Webhook des alertes"
DELIVERY_LOG = 20
# What an attempt's error code means, for the delivery log and the test event.
DELIVERY_ERRORS = {
    "echec_reseau": "l'adresse n'a pas répondu (réseau, TLS ou délai dépassé)",
    "redirection_refusee": "l'adresse a répondu par une redirection, qui n'est pas suivie",
    "adresse_interdite": "l'adresse mène à un réseau privé ou local",
    "hote_introuvable": "ce nom d'hôte ne correspond à aucune adresse",
    "https_requis": "une adresse https:// sur le port 443 est attendue",
    "abonne_revoque": "abonnement révoqué",
    "erreur_interne": "erreur interne d'Ardoise",
    "envoi_refuse": "envoi refusé",
}


def _webhook_page(
    who: SignedIn,
    status: int = 200,
    *,
    errors: dict[str, str] | None = None,
    secret: str = "",
    test: dict[str, Any] | None = None,
    notice: str = "",
) -> Response:
    res = resources()
    subscriber = _subscriber(who)
    deliveries = watchlist.list_deliveries(res, subscriber, DELIVERY_LOG)
    rows = [_delivery_row(delivery) for delivery in deliveries]
    return page(
        "abonne/webhook.html", status, title=_WEBHOOK, who=who, subscriber=subscriber, errors=errors or {},
        value=request.form.get("url", subscriber.webhook_url), secret=secret, test=test, notice=notice,
        rows=rows, previous_until=_moment(subscriber.webhook_previous_until) if secret else "",
    )  # fmt: skip


def _no_webhook_yet(who: SignedIn) -> Response:
    """Rotating the secret or testing needs an address first: say so beside the address field."""
    return _webhook_page(who, 422, errors={"url": "Enregistrez d'abord l'adresse du webhook."})


def _moment(at: str) -> str:
    return short_datetime(parse_iso(at)) if at else ""


def _outcome(attempt: dict[str, Any]) -> str:
    """An attempt said in French: its HTTP status, or why it failed."""
    if attempt.get("channel") == "email":
        return "envoyée par e-mail" if attempt.get("ok") else "e-mail refusé"
    said = f"réponse HTTP {attempt['status_code']}" if "status_code" in attempt else ""
    error = DELIVERY_ERRORS.get(str(attempt.get("error", "")), str(attempt.get("error", "")))
    return " ; ".join(part for part in (said, error if "error" in attempt else "") if part) or "—"


_STATUS = {"delivered": "livrée", "retrying": "nouvel essai prévu", "failed": "abandonnée", "pending": "en attente"}


def _delivery_row(delivery: dict[str, Any]) -> dict[str, str]:
    attempts = delivery.get("attempts") or []
    last = attempts[-1] if attempts else {}
    alert = delivery.get("alert") or {}
    test = alert.get("type") == watchlist.TEST_EVENT_TYPE
    return {
        "siren": "Évènement de test" if test else str(alert.get("siren", "")),
        "status": _STATUS.get(str(delivery.get("status")), str(delivery.get("status", ""))),
        "attempt": str(len(attempts)),
        "at": _moment(str(last["at"])) if last.get("at") else "",
        "outcome": _outcome(last) if last else "—",
    }


@space.get("/webhook")
@signed_in_only
def webhook_settings(who: SignedIn) -> Response:
    """The webhook's address, its secret rotated, a test event, the delivery log (``GET /deliveries``)."""
    return _webhook_page(who)


@space.post("/webhook")
@signed_in_only
def set_webhook(who: SignedIn) -> Response:
    """Send alerts to this address under a new secret, shown once (``set_webhook``, as ``PUT /webhook``)."""
    try:
        url = WebhookRequest.model_validate({"url": request.form.get("url", "")}).url
        _, secret = watchlist.set_webhook(resources(), _subscriber(who), url)
    except ValidationError as exc:
        return _webhook_page(who, 400, errors=field_messages(field_errors(exc)))
    except Problem as problem:
        return _webhook_page(who, problem.status, errors=field_messages(problem.errors))
    return _webhook_page(who, secret=secret, notice="Adresse enregistrée : les alertes y seront envoyées.")


@space.post("/webhook/secret")
@signed_in_only
def rotate_secret(who: SignedIn) -> Response:
    """A new secret for the same address; the old one signs beside it for 24 hours (``set_webhook`` again)."""
    subscriber = _subscriber(who)
    if not subscriber.webhook_url:
        return _no_webhook_yet(who)
    try:
        _, secret = watchlist.set_webhook(resources(), subscriber, subscriber.webhook_url)
    except Problem as problem:
        return _webhook_page(who, problem.status, errors=field_messages(problem.errors))
    return _webhook_page(who, secret=secret, notice="Nouveau secret créé.")


@space.post("/webhook/test")
@signed_in_only
def test_webhook(who: SignedIn) -> Response:
    """POST a signed ``webhook.test`` event now, by the sender of real alerts; show how the address answered.

    The event is logged with the deliveries: the page's log shows it at the top.
    """
    subscriber = _subscriber(who)
    if not subscriber.webhook_url:
        return _no_webhook_yet(who)
    outcome = watchlist.send_test_event(resources(), subscriber)
    return _webhook_page(who, test={"ok": bool(outcome["ok"]), "said": _outcome(outcome)})


@space.post("/webhook/retrait")
@signed_in_only
def clear_webhook(who: SignedIn) -> Response:
    """Send alerts by e-mail again (``clear_webhook``, as ``DELETE /webhook``)."""
    watchlist.clear_webhook(resources(), _subscriber(who))
    return _webhook_page(who, notice="Webhook retiré : les alertes partent de nouveau par e-mail.")


SUMMARY_FORMATS = ("html", "pdf")


@space.get("/synthese")
@signed_in_only
def ask_summary(who: SignedIn) -> Response:
    """The search box's answer: the SIREN checked, and what opening its summary costs, before anything is counted."""
    try:
        siren = _siren(request.args.get("recherche", ""))
    except ValidationError as exc:
        # The box is named ``recherche`` (the watchlist's field is ``siren`` on the same page).
        return _home(who, 400, search={"recherche": " ".join(field_messages(field_errors(exc)).values())})
    return _confirm(who, siren)


def _confirm(who: SignedIn, siren: str, status: int = 200, error: str = "") -> Response:
    used = subscribers.usage(resources(), _subscriber(who))
    return page(
        "abonne/synthese.html", status, title=f"Synthèse du SIREN {siren}", who=who, siren=siren,
        usage=used, figures=_figures(used), error=error,
    )  # fmt: skip


@space.post("/synthese/<siren>")
@signed_in_only
def open_summary(who: SignedIn, siren: str) -> Response:
    """Open a company's summary as HTML or PDF (``serve_summary``, as ``GET /solvency/{siren}``): one of the quota."""
    try:
        siren = _siren(siren)
    except ValidationError as exc:
        raise NotFound("Aucune entreprise n'a ce SIREN.") from exc
    fmt = request.form.get("format", "html")
    if fmt not in SUMMARY_FORMATS:
        return _confirm(who, siren, 400, "Choisissez la synthèse en page (HTML) ou en PDF.")
    try:
        summary = solvency.serve_summary(resources(), _subscriber(who), siren)
    except QuotaExceeded as exc:
        response = _confirm(who, siren, 429, f"Synthèse refusée : {exc.detail}")
        response.headers.update(exc.headers)
        return response
    except NotFound:
        return _confirm(who, siren, 404, "Aucune donnée sur cette entreprise dans Ardoise : rien n'a été décompté.")
    return render.pdf_response(summary) if fmt == "pdf" else render.html_response(summary)


EXPORT_PAGE = 1_000
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value: str) -> str:
    """A cell a spreadsheet shows as text: one starting like a formula gets a leading apostrophe."""
    return "'" + value if value.startswith(_FORMULA_START) else value


@space.get("/surveillance.csv")
@signed_in_only
def export_watchlist(who: SignedIn) -> Response:
    """The whole watchlist as CSV (``list_watched`` page after page, as ``GET /watchlist``); counts nothing."""
    res, subscriber = resources(), _subscriber(who)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(["siren", "surveillee_depuis"])
    cursor: str | None = None
    while True:
        watched = watchlist.list_watched(res, subscriber, EXPORT_PAGE, cursor)
        writer.writerows([csv_cell(w["siren"]), csv_cell(w["added_at"])] for w in watched["items"])
        cursor = watched["next_cursor"]
        if not cursor:
            break
    disposition = 'attachment; filename="ardoise-surveillance.csv"'
    # UTF-8 with its BOM: the spreadsheets our users open it in read the accents right.
    return Response("\ufeff" + out.getvalue(), mimetype="text/csv", headers={"Content-Disposition": disposition})
