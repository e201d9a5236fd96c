"""HTTP routes of the charter: parse, call the service, respond."""

from __future__ import annotations

from typing import Literal

from flask import Response

from functions.charter.schemas import (
    CharterText,
    CharterVersions,
    LinkSent,
    RegisterQuery,
    SignatureForm,
    SignatureList,
    SignatureOutcome,
    SignatureView,
    TokenForm,
)
from functions.charter.views import charter_text, charter_versions, signature_view
from functions.core.badge import render_badge
from functions.core.clock import today_in_paris
from functions.core.domain.charter import Signature, SignatureRequest, load_charter, public_status
from functions.core.errors import NotFound
from functions.core.http import Api, resources
from functions.core.usecases.charter import signatures as charter_service
from functions.core.usecases.charter.signatures import LinkReceipt
from functions.core.usecases.charter.mails import page_url
from functions.core.validation import SirenPath

api = Api("charter", tag="Charte")
# Short enough that a suspension shows on suppliers' sites within minutes.
BADGE_CACHE = "public, max-age=300"


def _view(signature: Signature) -> SignatureView:
    res = resources()
    return signature_view(signature, load_charter(), today_in_paris(res.clock()), res.settings.base_url)


def link_sent(
    receipt: LinkReceipt, status: Literal["verification_sent", "withdrawal_link_sent"], detail: str
) -> LinkSent:
    """Say that a link went out by e-mail (never the link itself)."""
    return LinkSent(
        status=status, siren=receipt.siren, sent_to=receipt.sent_to, expires_at=receipt.expires_at, detail=detail
    )


@api.route(
    "/charter",
    "GET",
    summary="Donner la version en vigueur de la charte.",
    responses={200: CharterText},
    uses_store=False,
)
def get_charter() -> CharterText:
    catalog, today = load_charter(), today_in_paris(resources().clock())
    return charter_text(catalog.current(today), catalog, today)


@api.route(
    "/charter/versions",
    "GET",
    summary="Lister les versions publiées de la charte.",
    responses={200: CharterVersions},
    uses_store=False,
)
def list_charter_versions() -> CharterVersions:
    return charter_versions(load_charter(), today_in_paris(resources().clock()))


@api.route(
    "/charter/versions/<version>",
    "GET",
    summary="Donner une version de la charte.",
    responses={200: CharterText},
    problems=(404,),
    uses_store=False,
)
def get_charter_version(version: str) -> CharterText:
    catalog, today = load_charter(), today_in_paris(resources().clock())
    found = catalog.get(version)
    if found is None or found.effective_on > today:
        raise NotFound(f"La charte n'a pas de version {version}.")
    return charter_text(found, catalog, today)


@api.route(
    "/signatures",
    "POST",
    summary="Demander à signer la charte (un lien de confirmation est envoyé par e-mail).",
    body=SignatureForm,
    responses={202: LinkSent, 200: LinkSent},
    problems=(409, 422, 429),
)
def request_signature(body: SignatureForm) -> tuple[LinkSent, int]:
    request = SignatureRequest(
        siren=body.siren,
        company_name=body.company_name,
        representative_name=body.representative_name,
        representative_role=body.representative_role,
        email=body.email,
        charter_version=body.version,
    )
    receipt = charter_service.request_signature(resources(), request)
    if receipt.already_done:
        detail = "Cette entreprise a déjà signé cette version de la charte : rien à faire."
        return LinkSent(
            status="already_signed", siren=receipt.siren, sent_to=receipt.sent_to, expires_at=None, detail=detail
        ), 200
    detail = "Un e-mail de confirmation a été envoyé ; la signature sera enregistrée quand son lien sera ouvert."
    return link_sent(receipt, "verification_sent", detail), 202


@api.route(
    "/signatures/verify",
    "POST",
    summary="Confirmer une signature avec le jeton reçu par e-mail.",
    body=TokenForm,
    responses={200: SignatureOutcome},
    problems=(404, 409, 410, 422),
)
def verify_signature(body: TokenForm) -> SignatureOutcome:
    signature, outcome = charter_service.verify_signature(resources(), body.token)
    return SignatureOutcome(outcome=outcome.value, signature=_view(signature))


@api.route(
    "/signatures",
    "GET",
    summary="Parcourir le registre des signataires.",
    query=RegisterQuery,
    responses={200: SignatureList},
)
def list_signatures(query: RegisterQuery) -> SignatureList:
    found, cursor = charter_service.list_signatures(resources(), query.status, query.prefix, query.limit, query.cursor)
    return SignatureList(items=[_view(s) for s in found], next_cursor=cursor)


@api.route(
    "/signatures/<siren>",
    "GET",
    summary="Donner la signature d'une entreprise.",
    path=SirenPath,
    responses={200: SignatureView},
    problems=(404,),
)
def get_signature(siren: str) -> SignatureView:
    return _view(charter_service.get_signature(resources(), siren))


@api.route(
    "/signatures/<siren>/badge.svg",
    "GET",
    summary="Donner le badge SVG du signataire.",
    path=SirenPath,
    responses={200: "image/svg+xml"},
    problems=(404,),
)
def get_badge(siren: str) -> Response:
    res = resources()
    signature = charter_service.get_signature(res, siren)
    status = public_status(signature, load_charter(), today_in_paris(res.clock())).status
    link = page_url(res.settings.base_url, signature.siren, signature.company_name)
    svg = render_badge(signature.company_name, status, link)
    return Response(svg, mimetype="image/svg+xml", headers={"Cache-Control": BADGE_CACHE})


@api.route(
    "/signatures/<siren>/withdraw",
    "POST",
    summary="Demander le retrait d'une signature (lien envoyé à l'adresse vérifiée).",
    path=SirenPath,
    responses={202: LinkSent},
    problems=(404, 409, 429),
)
def request_withdrawal(siren: str) -> tuple[LinkSent, int]:
    receipt = charter_service.request_withdrawal(resources(), siren)
    detail = "Un lien de retrait a été envoyé à l'adresse vérifiée de la signature."
    return link_sent(receipt, "withdrawal_link_sent", detail), 202


@api.route(
    "/signatures/<siren>/withdraw/confirm",
    "POST",
    summary="Retirer une signature avec le jeton reçu par e-mail.",
    path=SirenPath,
    body=TokenForm,
    responses={200: SignatureOutcome},
    problems=(404, 410),
)
def confirm_withdrawal(siren: str, body: TokenForm) -> SignatureOutcome:
    signature = charter_service.confirm_withdrawal(resources(), siren, body.token)
    return SignatureOutcome(outcome="withdrawn", signature=_view(signature))
