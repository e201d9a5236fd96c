"""The subscriber's space, ``/abonne/``: usage against the quota, the watchlist, a company's summary.

A portfolio import (``/abonne/surveillance/import``) is ``import_watchlist``, as
``POST /watchlist``.

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
