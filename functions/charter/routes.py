"""HTTP routes of the charter: parse, call the service, respond."""

from __future__ import annotations

from typing import Literal

from flask import Response, request

from functions.charter.schemas import (
    CharterText,
    CharterVersions,
    ClaimDecision,
    ClaimList,
    ClaimQuery,
    LinkSent,
    RegisterQuery,
    SignatureForm,
    SignatureList,
    SignatureOutcome,
    SignatureView,
    TokenForm,
)
from functions.charter.views import charter_text, charter_versions, claim_view, signature_view
from functions.core.badge import render_badge
from functions.core.clock import today_in_paris
from functions.core.domain.charter import Signature, SignatureRequest, load_charter, public_status
from functions.core.domain.members import Member
from functions.core.domain.moderators import Moderator
from functions.core.errors import NotFound
from functions.core.http import Api, resources
from functions.core.usecases.charter import signatures as charter_service
from functions.core.usecases.charter.mails import page_url
from functions.core.usecases.charter.signatures import LinkReceipt
from functions.core.usecases.directory.members import authenticate_member, authenticate_moderator
from functions.core.validation import SirenPath

api = Api("charter", tag="Charte")
# Short enough that a suspension shows on suppliers' sites within minutes.
BADGE_CACHE = "public, max-age=300"


def _bearer() -> str:
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    return token.strip() if scheme.lower() == "bearer" else ""


def optional_member() -> Member | None:
    """Return the approved member calling, None without a token (401 for a bad one, 403 while pending)."""
    token = _bearer()
    return authenticate_member(resources(), token) if token else None


def current_moderator() -> Moderator:
    """Return the moderator calling (401 without a valid moderator token)."""
    return authenticate_moderator(resources(), _bearer())


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
    summary=(
        "Demander à signer la charte (un lien de confirmation est envoyé par e-mail). Avec le jeton d'un membre "
        "approuvé du même SIREN, la signature est inscrite dès la confirmation ; sans lui, un modérateur vérifie "
        "d'abord le lien du signataire avec l'entreprise. La réponse est la même que l'entreprise ait signé ou non."
    ),
    body=SignatureForm,
    responses={202: LinkSent},
    security="memberToken?",
    auth=optional_member,
    problems=(403, 422, 429),
)
def request_signature(body: SignatureForm, principal: Member | None) -> tuple[LinkSent, int]:
    request = SignatureRequest(
        siren=body.siren,
        company_name=body.company_name,
        representative_name=body.representative_name,
        representative_role=body.representative_role,
        email=body.email,
        charter_version=body.version,
    )
    receipt = charter_service.request_signature(resources(), request, principal)
    detail = "Un e-mail de confirmation a été envoyé ; ouvrez son lien pour confirmer la demande."
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
    return SignatureOutcome(outcome=outcome.value, signature=_view(signature) if signature else None)


@api.route(
    "/signatures/claims",
    "GET",
    summary="Lister les demandes de signature dont le lien avec l'entreprise reste à vérifier (modérateurs).",
    query=ClaimQuery,
    responses={200: ClaimList},
    security="moderatorToken",
    auth=current_moderator,
    problems=(403,),
)
def list_claims(principal: Moderator, query: ClaimQuery) -> ClaimList:
    res = resources()
    claims, cursor = charter_service.list_claims(res, query.limit, query.cursor)
    identities = res.store.registry.get_identities([c.request.siren for c in claims])
    return ClaimList(items=[claim_view(c, identities.get(c.request.siren)) for c in claims], next_cursor=cursor)


@api.route(
    "/signatures/<siren>/claims/<claim_id>/decision",
    "POST",
    summary="Inscrire ou refuser une demande de signature après vérification du lien avec l'entreprise (modérateurs).",
    path=SirenPath,
    body=ClaimDecision,
    responses={200: SignatureOutcome},
    security="moderatorToken",
    auth=current_moderator,
    problems=(403, 404, 422),
)
def decide_claim(siren: str, claim_id: str, principal: Moderator, body: ClaimDecision) -> SignatureOutcome:
    signature, outcome = charter_service.decide_claim(
        resources(), siren, claim_id, approved=body.decision == "approved", actor=f"moderator:{principal.id}"
    )
    if signature is None or outcome is None:
        return SignatureOutcome(outcome="refused", signature=None)
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
