"""The creditor's space, ``/espace/``: sign up, sign in by e-mailed link, follow the approval.

Every form calls the same use case as the JSON API (``register_member`` as
``POST /members``, ``verify_member`` as ``POST /members/verify``) and shows its
problems beside their fields, in French. Sessions and CSRF: ``core/spaces.py``.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from flask import Response, request

from functions.core.domain.documents import FiledDocument
from functions.core.domain.members import Member, MemberStatus
from functions.core.domain.registry import public_address, public_name
from functions.core.domain.reports import Report
from functions.core.domain.sessions import PrincipalKind
from functions.core.errors import Problem
from functions.core.http import resources
from functions.core.spaces import (
    Space,
    add_sign_in,
    field_messages,
    form_data,
    page,
    space_blueprint,
    start_session,
)
from functions.core.usecases import signin
from functions.core.usecases.directory import documents, members
from functions.core.usecases.identity import registry_view
from functions.core.usecases.recovery.figures import member_figures
from functions.core.usecases.signin import SignedIn
from functions.core.validation import Model, Siren
from functions.directory.schemas import MemberRegistration
from functions.directory.space_figures import figures_view

SPACE = Space(PrincipalKind.MEMBER, "Espace créancier")
space = space_blueprint(SPACE, __name__)

STATUS_TEXT = {
    MemberStatus.PENDING: "en attente de validation par un modérateur",
    MemberStatus.ACTIVE: "validée : vous pouvez signaler des impayés",
}


def signed_in_member(who: SignedIn) -> Member:
    """The member a space session belongs to (the session was read with it: it exists)."""
    member = resources().store.members.get_member(who.principal.id)
    assert member is not None  # the session was read with it
    return member


def _home(who: SignedIn) -> Response:
    member = signed_in_member(who)
    return page(
        "espace/accueil.html",
        title="Accueil",
        who=who,
        member=member,
        standing=STATUS_TEXT.get(member.status, member.status.value),
        approved=member.status is MemberStatus.ACTIVE,
        identity_check=members.IDENTITY_CHECK,
        figures=figures_view(member_figures(resources(), member)),
    )


add_sign_in(space, SPACE, _home, "espace/connexion.html")


_SIGN_UP_FIELDS = ("siren", "company_name", "contact_name", "email")


@space.get("/inscription")
def sign_up_form() -> Response:
    return page("espace/inscription.html", title="Inscription", errors={}, values={}, enhanced=True)


@space.post("/inscription")
def sign_up() -> Response:
    """Register the company as ``POST /members`` does; the e-mail's link confirms the address."""
    values = {name: request.form.get(name, "") for name in _SIGN_UP_FIELDS}
    form, errors = form_data(MemberRegistration)
    if form is not None:
        try:
            member = members.register_member(
                resources(),
                siren=form.siren,
                company_name=form.company_name,
                contact_name=form.contact_name,
                email=form.email,
            )
        except Problem as problem:
            if not problem.errors:
                raise
            errors = field_messages(problem.errors)
        else:
            identity = resources().store.registry.get_identity(member.siren)
            return page("espace/inscrit.html", title="Inscription enregistrée", member=member, identity=identity)
    return page("espace/inscription.html", 400, title="Inscription", errors=errors, values=values, enhanced=True)


class SirenTyped(Model):
    """Le SIREN tapé à l'inscription, vérifié auprès du répertoire avant l'envoi du formulaire."""

    siren: Siren


def registry_card(siren: str) -> dict[str, Any]:
    """What the registry lets anyone see of a SIREN: its public name and head office, its standing today."""
    view = registry_view(resources(), siren)
    if view.identity is None:
        return {"known": False}
    name = public_name(view.identity, "")
    address = public_address(view.identity)
    return {
        "known": True,
        "name": name.text,
        "withheld": name.withheld,
        "address": str(address) if address is not None else "",
        "ceased": not view.identity.active,
        "proceeding": view.proceeding.label if view.proceeding else "",
    }


@space.post("/inscription/verifier")
def check_siren() -> Response:
    """The « Vérifier » button: the form again, with what the registry says of the SIREN typed (nothing stored).

    The spaces' script posts here in the background as soon as a whole SIREN is typed, and shows the card.
    """
    values = {name: request.form.get(name, "") for name in _SIGN_UP_FIELDS}
    typed, errors = form_data(SirenTyped)
    if typed is None:
        return page("espace/inscription.html", 400, title="Inscription", errors=errors, values=values, enhanced=True)
    card = registry_card(typed.siren)
    if card["known"] and not card["withheld"] and not values["company_name"].strip():
        values["company_name"] = card["name"]
    values["siren"] = typed.siren
    return page("espace/inscription.html", title="Inscription", errors={}, values=values, card=card, enhanced=True)


@space.get("/verifier/<token>")
def confirm_address(token: str) -> Response:
    """The sign-up e-mail's link: a button confirms the address (the same use case as ``POST /members/verify``)."""
    return page("espace/verifier.html", title="Confirmer votre adresse", token=token)


@space.post("/verifier")
def verify_address() -> Response:
    """Confirm the address, show the API token once, and sign the member in."""
    credentials = members.verify_member(resources(), request.form.get("jeton", ""))
    member = credentials.member
    assert member is not None
    session = signin.start_session(resources(), PrincipalKind.MEMBER, member.id)
    response = page(
        "espace/adresse_confirmee.html",
        title="Adresse confirmée",
        member=member,
        api_token=credentials.token,
        identity_check=members.IDENTITY_CHECK,
    )
    return start_session(response, SPACE, session)


def document_response(report: Report, document_id: str) -> Response:
    """A document ``report`` was filed with, to download (its bytes checked against the digest pinned at filing)."""
    document = documents.document_of(report, document_id)
    return document_file(document, documents.read_document(resources(), document))


def document_file(document: FiledDocument, content: bytes) -> Response:
    """A creditor's document as its creditor downloads it: named by its id, the creditor's file name encoded."""
    disposition = f"attachment; filename=\"{document.id}\"; filename*=UTF-8''{quote(document.filename, safe='')}"
    return Response(content, mimetype=document.content_type, headers={"Content-Disposition": disposition})
