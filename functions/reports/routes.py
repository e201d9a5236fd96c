"""HTTP routes of the solvency reports: parse, call a service, respond.

Every route needs a subscriber's key (``X-API-Key``). Summaries count against
the plan's monthly quota; the other calls are counted too, without limit.
"""

from __future__ import annotations

from typing import Any

from flask import request

from functions.core.domain.subscribers import Subscriber
from functions.core.domain.summaries import public_view
from functions.core.errors import NotAcceptable, NotFound, UnsupportedMediaType
from functions.core.http import Api, resources
from functions.core.identifiers import InvalidIdentifier, parse_company
from functions.core.usecases.reports import portfolio, solvency, subscribers, summary_links, watchlist
from functions.core.validation import SirenPath
from functions.reports import render
from functions.reports.auth import counted_subscriber, current_subscriber
from functions.reports.schemas import (
    BatchRequest,
    BatchResponse,
    DeliveryLog,
    FormatQuery,
    PageQuery,
    Solvency,
    Usage,
    WatchedCompany,
    WatchlistImport,
    WatchlistPage,
    WebhookRequest,
    WebhookSettings,
)

api = Api("reports", tag="Synthèses")

_MEDIA = {"json": "application/json", "html": "text/html", "pdf": "application/pdf"}
_PRIVATE = render.PRIVATE


def _format(asked: str | None) -> str:
    """Return the format asked by ``?format=`` or negotiated from ``Accept`` (JSON when none is sent)."""
    if asked:
        return asked
    if not request.accept_mimetypes:
        return "json"
    best = request.accept_mimetypes.best_match(list(_MEDIA.values()))
    if best is None:
        raise NotAcceptable(f"Formats disponibles : {', '.join(_MEDIA.values())} (ou ?format=json|html|pdf).")
    return next(name for name, media in _MEDIA.items() if media == best)


@api.route(
    "/solvency/<siren>",
    "GET",
    summary="Donner la synthèse de solvabilité d'une entreprise (JSON, HTML ou PDF).",
    path=SirenPath,
    query=FormatQuery,
    responses={200: (Solvency, "text/html", "application/pdf")},
    security="apiKey",
    auth=current_subscriber,
    problems=(404, 406, 429),
)
def get_solvency(principal: Subscriber, siren: str, query: FormatQuery) -> Any:
    fmt = _format(query.format)
    summary = solvency.serve_summary(resources(), principal, siren)
    if fmt == "html":
        return render.html_response(summary)
    if fmt == "pdf":
        return render.pdf_response(summary)
    return summary, 200, _PRIVATE


@api.route(
    "/solvency/<siren>/view/<token>",
    "GET",
    summary=(
        "Ouvrir dans un navigateur la synthèse HTML d'une entreprise, par le lien signé d'une alerte e-mail "
        "(valable 7 jours, pour cet abonné et ce SIREN ; décompté du quota)."
    ),
    path=SirenPath,
    responses={200: "text/html"},
    problems=(404, 410, 429),
)
def view_solvency(siren: str, token: str) -> Any:
    principal = summary_links.open_summary_link(resources(), siren, token)
    summary = solvency.serve_summary(resources(), principal, siren)
    # The token is in this page's URL: the edge keeps it out of caches and referrers (core/headers.py).
    return render.html_response(summary)


@api.route(
    "/solvency/batch",
    "POST",
    summary="Donner les synthèses de 100 entreprises au plus ; chaque synthèse servie est décomptée.",
    body=BatchRequest,
    responses={200: BatchResponse},
    security="apiKey",
    auth=counted_subscriber,
    problems=(429,),
)
def post_batch(principal: Subscriber, body: BatchRequest) -> Any:
    res = resources()
    parsed: list[tuple[str, str | None]] = []
    for raw in body.sirens:
        try:
            parsed.append((raw, parse_company(raw)))
        except InvalidIdentifier:
            parsed.append((raw, None))
    wanted = list(dict.fromkeys(siren for _, siren in parsed if siren))
    found = solvency.get_summaries(res, wanted)
    # Only summaries served count: an unknown company costs nothing, as on GET /solvency/{siren}.
    counted = len(found)
    subscribers.count_summaries(res, principal, counted)
    results = [_batch_item(raw, siren, found) for raw, siren in parsed]
    return {"counted": counted, "results": results}, 200, _PRIVATE


def _batch_item(raw: str, siren: str | None, found: dict[str, dict[str, Any]]) -> dict[str, Any]:
    if siren is None:
        problem = "SIREN invalide : 9 chiffres dont une clé de contrôle."
        return {
            "input": raw,
            "error": {"type": "https://ardoise.fr/problemes/validation", "title": "SIREN invalide", "detail": problem},
        }
    if siren not in found:
        error = NotFound("Aucune donnée sur cette entreprise dans Ardoise.")
        return {
            "input": raw,
            "siren": siren,
            "error": {"type": error.type, "title": error.title, "detail": error.detail},
        }
    return {"input": raw, "siren": siren, "summary": public_view(found[siren])}


@api.route(
    "/usage",
    "GET",
    summary="Donner la consommation du mois et le quota de la formule.",
    responses={200: Usage},
    security="apiKey",
    auth=counted_subscriber,
)
def get_usage(principal: Subscriber) -> Any:
    res = resources()
    return subscribers.usage(res, principal), 200, _PRIVATE


@api.route(
    "/watchlist",
    "GET",
    summary="Lister les entreprises surveillées.",
    query=PageQuery,
    responses={200: WatchlistPage},
    security="apiKey",
    auth=counted_subscriber,
)
def get_watchlist(principal: Subscriber, query: PageQuery) -> Any:
    res = resources()
    return watchlist.list_watched(res, principal, query.limit, query.cursor), 200, _PRIVATE


# 10,000 SIRETs with their separators weigh well under 1 MB; the headroom is for spreadsheets' extra columns.
IMPORT_MAX_BYTES = 2 * 1024 * 1024


def _import_body() -> dict[str, dict[str, Any]]:
    return {
        "text/csv": {
            "type": "string",
            "description": (
                f"UTF-8, séparateur , ou ; : un en-tête avec une colonne siren puis une entreprise par ligne "
                f"(l'export de la liste convient), ou un SIREN par ligne sans en-tête ; {portfolio.MAX_LINES} "
                "lignes au plus."
            ),
        }
    }


@api.route(
    "/watchlist",
    "POST",
    summary=(
        "Importer un portefeuille de jusqu'à 10 000 entreprises (CSV) : chaque ligne valide est surveillée, "
        "chaque ligne fausse (SIREN invalide, doublon) revient avec son numéro et ses erreurs ; un fichier "
        "renvoyé n'ajoute rien deux fois."
    ),
    responses={200: WatchlistImport},
    security="apiKey",
    problems=(413, 415),
    auth=counted_subscriber,
    raw_body=_import_body,
    # Watching again what is watched changes nothing: a failed import is simply sent again.
    repeatable=True,
    max_body_bytes=IMPORT_MAX_BYTES,
)
def post_watchlist(principal: Subscriber) -> Any:
    if request.mimetype not in ("text/csv", "text/plain"):
        raise UnsupportedMediaType("Envoyez le portefeuille en CSV (text/csv).")
    return portfolio.import_watchlist(resources(), principal, request.get_data()), 200, _PRIVATE


@api.route(
    "/watchlist/<siren>",
    "PUT",
    summary="Surveiller une entreprise : alerte à chaque signalement publié, règlement ou changement de charte.",
    path=SirenPath,
    responses={200: WatchedCompany, 201: WatchedCompany},
    security="apiKey",
    auth=counted_subscriber,
)
def put_watchlist(principal: Subscriber, siren: str) -> Any:
    res = resources()
    added = watchlist.watch(res, principal, siren)
    return {"siren": siren, "watched": True}, 201 if added else 200


@api.route(
    "/watchlist/<siren>",
    "DELETE",
    summary="Ne plus surveiller une entreprise.",
    path=SirenPath,
    responses={204: None},
    security="apiKey",
    auth=counted_subscriber,
    problems=(404,),
)
def delete_watchlist(principal: Subscriber, siren: str) -> Any:
    res = resources()
    if not watchlist.unwatch(res, principal, siren):
        raise NotFound("Cette entreprise n'est pas dans votre liste de surveillance.")
    return None, 204


@api.route(
    "/webhook",
    "PUT",
    summary=(
        "Recevoir les alertes par webhook signé (Standard Webhooks) ; un nouvel appel change le secret, "
        "l'ancien signe encore 24 heures (le secret n'est montré qu'une fois)."
    ),
    body=WebhookRequest,
    responses={200: WebhookSettings},
    security="apiKey",
    auth=counted_subscriber,
    problems=(422,),
)
def put_webhook(principal: Subscriber, body: WebhookRequest) -> Any:
    res = resources()
    updated, secret = watchlist.set_webhook(res, principal, body.url)
    previous_until = updated.webhook_previous_until or None
    return {"url": updated.webhook_url, "secret": secret, "previous_secret_expires_at": previous_until}, 200, _PRIVATE


@api.route(
    "/webhook",
    "DELETE",
    summary="Recevoir de nouveau les alertes par e-mail.",
    responses={204: None},
    security="apiKey",
    auth=counted_subscriber,
)
def delete_webhook(principal: Subscriber) -> Any:
    res = resources()
    watchlist.clear_webhook(res, principal)
    return None, 204


@api.route(
    "/deliveries",
    "GET",
    summary="Donner le journal des dernières alertes et de leurs livraisons.",
    responses={200: DeliveryLog},
    security="apiKey",
    auth=counted_subscriber,
)
def get_deliveries(principal: Subscriber) -> Any:
    res = resources()
    return {"items": watchlist.list_deliveries(res, principal)}, 200, _PRIVATE
