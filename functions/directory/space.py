"""The creditor's space, ``/espace/``: sign up, sign in by e-mailed link, follow the approval.

Every form calls the same use case as the JSON API (``register_member`` as
``POST /members``, ``verify_member`` as ``POST /members/verify``) and shows its
problems beside their fields, in French. Sessions and CSRF: ``core/spaces.py``.
"""

from __future__ import annotations

from flask import Response, request

from functions.core.domain.members import MemberStatus
from functions.core.domain.sessions import PrincipalKind
from functions.core.errors import Problem
from functions.core.http import resources
from functions.core.spaces import (
    Space,
    current_session,
    end_session,
    field_messages,
    form_data,
    page,
    see_other,
    session_token,
    space_blueprint,
    start_session,
)
from functions.core.usecases import signin
from functions.core.usecases.directory import members
from functions.core.usecases.signin import SignedIn
from functions.core.validation import Email, Model, Siren
from functions.directory.schemas import MemberRegistration

SPACE = Space(PrincipalKind.MEMBER, "Espace créancier")
space = space_blueprint(SPACE, __name__)

STATUS_TEXT = {
    MemberStatus.PENDING: "en attente de validation par un modérateur",
    MemberStatus.ACTIVE: "validée : vous pouvez signaler des impayés",
}


class SignInRequest(Model):
    """Le formulaire de connexion : l'entreprise et l'adresse du membre."""

    siren: Siren
    email: Email


def _home(who: SignedIn) -> Response:
    member = resources().store.members.get_member(who.principal.id)
    assert member is not None  # the session was read with it
    return page(
        "espace/accueil.html",
        title="Accueil",
        who=who,
        member=member,
        standing=STATUS_TEXT.get(member.status, member.status.value),
        approved=member.status is MemberStatus.ACTIVE,
        identity_check=members.IDENTITY_CHECK,
    )


@space.get("/")
def home() -> Response:
    """The member's home when signed in; otherwise the sign-in form."""
    who = current_session(SPACE)
    if who is not None:
        return _home(who)
    notice = {"requise": "Connectez-vous pour continuer.", "fin": "Vous êtes déconnecté."}.get(
        request.args.get("connexion", ""), ""
    )
    response = page("espace/connexion.html", title="Connexion", errors={}, values={}, notice=notice)
    return end_session(response, SPACE) if session_token(SPACE) else response


@space.post("/connexion")
def ask_link() -> Response:
    """E-mail a sign-in link (the same answer whether the address is a member's or not)."""
    form, errors = form_data(SignInRequest)
    if form is None:
        values = {name: request.form.get(name, "") for name in ("siren", "email")}
        return page("espace/connexion.html", 400, title="Connexion", errors=errors, values=values, notice="")
    signin.request_link(resources(), PrincipalKind.MEMBER, form.email, form.siren)
    return page("espace/lien_envoye.html", title="Lien envoyé", email=form.email)


@space.get("/connexion/<token>")
def confirm_link(token: str) -> Response:
    """The e-mailed link: a button opens the session (a mail scanner following the link spends nothing)."""
    signin.check_link(resources(), PrincipalKind.MEMBER, token)
    return page("espace/ouvrir.html", title="Connexion", token=token)


@space.post("/connexion/ouvrir")
def open_session() -> Response:
    """Spend the link, give the browser its session, and leave the token's address (303 to the home)."""
    token = request.form.get("jeton", "")
    session = signin.open_session(resources(), PrincipalKind.MEMBER, token)
    return start_session(see_other("/"), SPACE, session)


@space.post("/deconnexion")
def sign_out() -> Response:
    signin.sign_out(resources(), PrincipalKind.MEMBER, session_token(SPACE))
    return end_session(see_other("/?connexion=fin"), SPACE)


_SIGN_UP_FIELDS = ("siren", "company_name", "contact_name", "email")


@space.get("/inscription")
def sign_up_form() -> Response:
    return page("espace/inscription.html", title="Inscription", errors={}, values={})


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
    return page("espace/inscription.html", 400, title="Inscription", errors=errors, values=values)


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
