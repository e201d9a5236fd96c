"""The web spaces' edge, shared by the three: session cookie, CSRF tokens, pages, errors shown as pages.

A space is a Flask blueprint mounted at its own path (:data:`~functions.core.mounts.SPACE_MOUNTS`)
in the function that owns its data. :func:`space_blueprint` gives it:

- the session: its cookie (``HttpOnly``, ``SameSite=Lax``, ``Secure`` in production,
  scoped to the space's path) names a stored session (``usecases/signin.py``), read again
  with its principal on every request; :func:`signed_in_only` sends the others to sign in;
- CSRF protection on every ``POST``: each form carries :func:`csrf_token` (an HMAC,
  under the platform's secret, of a random value kept in a cookie of the browser);
  a missing or wrong token is refused with a French page (403) before the view runs;
- one submission per form: each form also carries a one-time :func:`form_token`; the
  first ``POST`` with it claims it in the API's ``Idempotency-Key`` store
  (``idempotency.keyed_form``), and a second one with the same values (double
  click, back button, reload) gets the first one's response again, applied once;
- pages rendered from Jinja2 templates (autoescaped) in the site's look, with
  ``no-store`` and a policy that runs no script (:data:`~functions.core.headers.SPACE_CSP`), but for a
  page ``enhanced`` by the spaces' one script, from the site's origin (:data:`SCRIPT`, nothing inline);
- problems raised by a use case rendered as a French page with their status.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps
from pathlib import Path
from typing import Any, TypeVar

from flask import Blueprint, Response, g, redirect, render_template, request
from pydantic import BaseModel, ValidationError

from functions.core import idempotency
from functions.core.domain.sessions import PrincipalKind
from functions.core.errors import FieldError, Forbidden, Problem, RuleNotMet
from functions.core.headers import CSP, SPACE_CSP, SPACE_SCRIPT_CSP
from functions.core.http import resources
from functions.core.mounts import SPACE_BLUEPRINT, SPACE_MOUNTS
from functions.core.store.base import request_writes
from functions.core.tokens import sign
from functions.core.usecases import signin
from functions.core.usecases.signin import SignedIn, signed_in
from functions.core.validation import Email, Model, Siren, field_errors

TEMPLATES = Path(__file__).with_name("templates")
CSRF_FIELD = "csrf"
FORM_TOKEN_FIELD = "idempotence"  # noqa: S105 - a field name, not a secret
# The site's look: Material's stylesheets and ours, gathered by the site build under a stable name.
STYLESHEET = "/assets/ardoise/espaces.css"
# The spaces' one script, published by the site build beside it: it only enhances pages that work without it.
SCRIPT = "/assets/ardoise/espaces.js"
M = TypeVar("M", bound=BaseModel)


class CsrfRefused(Forbidden):
    slug, title = "jeton-csrf-invalide", "Formulaire expiré ou invalide"


class FormAlreadySent(RuleNotMet):
    slug, title = "formulaire-deja-envoye", "Formulaire déjà envoyé"


@dataclass(frozen=True)
class Space:
    """One web space: whose it is, its title, where it is mounted."""

    kind: PrincipalKind
    title: str

    @property
    def mount(self) -> str:
        return SPACE_MOUNTS[self.kind.value]

    @property
    def session_cookie(self) -> str:
        return f"ardoise_{self.kind.value}"

    @property
    def browser_cookie(self) -> str:
        return f"ardoise_{self.kind.value}_csrf"


def space_blueprint(space: Space, import_name: str) -> Blueprint:
    """A blueprint for ``space``: CSRF checked on every POST, pages secured, problems shown as pages."""
    name = f"{SPACE_BLUEPRINT}{space.kind.value}"
    blueprint = Blueprint(name, import_name, url_prefix=space.mount, template_folder=str(TEMPLATES))

    @blueprint.before_request
    def _enter() -> Response | None:
        g.space = space
        if request.method == "POST":
            check_csrf(space)
            return _replayed_form(space)
        return None

    @blueprint.context_processor
    def _context() -> dict[str, Any]:
        return {
            "space": space,
            "csrf_token": lambda: csrf_token(space),
            "form_token": form_token,
            "stylesheet": STYLESHEET,
        }

    blueprint.after_request(_finish_form)
    blueprint.after_request(_finish)
    blueprint.register_error_handler(Problem, problem_page)
    return blueprint


def _cookie(response: Response, space: Space, name: str, value: str, **options: Any) -> None:
    production = resources().settings.is_production
    response.set_cookie(
        name, value, httponly=True, secure=production, samesite="Lax", path=space.mount + "/", **options
    )


def _browser_value(space: Space) -> str:
    value = request.cookies.get(space.browser_cookie, "")
    if len(value) < 32:
        value = g.get("new_browser_value") or secrets.token_urlsafe(32)
        g.new_browser_value = value
    return value


def csrf_token(space: Space) -> str:
    """The token every form of ``space`` carries in its ``csrf`` field for this browser."""
    return _csrf(space, _browser_value(space))


def _csrf(space: Space, browser_value: str) -> str:
    return sign(resources().settings.secret_key, f"csrf:{space.kind.value}:{browser_value}")


def check_csrf(space: Space) -> None:
    """Refuse a POST whose ``csrf`` field is missing or is not this browser's token (403)."""
    require_csrf(request.cookies.get(space.browser_cookie, ""), lambda value: _csrf(space, value))


def require_csrf(browser_value: str, token_of: Callable[[str], str]) -> None:
    """Refuse a POST unless its ``csrf`` field is ``token_of`` the browser's cookie value (403): the one check
    of the spaces' forms and the debtor's case page, each signing that value its own way."""
    given = request.form.get(CSRF_FIELD, "")
    if len(browser_value) < 32 or not given or not hmac.compare_digest(given, token_of(browser_value)):
        raise CsrfRefused(
            "Ce formulaire a expiré ou ne vient pas de cette page : rechargez la page et envoyez-le à nouveau."
        )


def form_token() -> str:
    """A new one-time token for one form of a page: its submission is applied once."""
    return "form_" + secrets.token_urlsafe(24)


def submitted_form() -> list[tuple[str, str]]:
    """The form's values, files by name and digest: what a second submission must repeat to be replayed."""
    fields = [(name, value) for name, value in request.form.items(multi=True) if name != CSRF_FIELD]
    for name, upload in request.files.items(multi=True):
        content = upload.stream.read()
        upload.stream.seek(0)
        fields.append((name, f"{upload.filename}:{hashlib.sha256(content).hexdigest()}"))
    return fields


def _replayed_form(space: Space) -> Response | None:
    """The first response again for a form sent a second time with its token; None: run the view."""
    token = request.form.get(FORM_TOKEN_FIELD, "").strip()
    if not token:
        return None  # a form posted without a token (a script): applied as sent, as the API without a key
    keyed = idempotency.keyed_form(
        token, f"{space.kind.value}:{request.cookies[space.browser_cookie]}", submitted_form()
    )
    g.keyed = keyed  # the edge answers a claim lost to a concurrent submission from it
    try:
        replayed = idempotency.start(resources(), keyed)
    except idempotency.IdempotencyKeyReused:
        raise FormAlreadySent(
            "Ce formulaire a déjà été envoyé avec d'autres valeurs : rechargez la page pour en envoyer un nouveau."
        ) from None
    if replayed is not None:
        g.form_replayed = True
        return replayed
    return None


def _finish_form(response: Response) -> Response:
    """Record the response of a form sent with its token, for a second submission to get it again."""
    keyed = g.get("keyed")
    if keyed is None or g.get("form_replayed"):
        return response
    writes = request_writes.get()
    if writes is not None:
        writes.claim = None  # never carried by the refresh's commits after the view
    idempotency.finish(resources(), keyed, response)
    return response


def _finish(response: Response) -> Response:
    """No cache keeps a space's page; the browser keeps the value its forms' tokens are made from."""
    space: Space = g.space
    if "no-store" not in response.headers.get("Cache-Control", ""):  # a download may say more ("private, no-store")
        response.headers["Cache-Control"] = "no-store"
    response.headers.setdefault(CSP, SPACE_CSP)
    new_value = g.get("new_browser_value")
    if new_value:
        _cookie(response, space, space.browser_cookie, new_value)
    return response


def page(template: str, status: int = 200, *, enhanced: bool = False, **context: Any) -> Response:
    """Render one of the space's pages; ``enhanced``: it loads the spaces' script, which its policy then allows."""
    html = render_template(template, script=SCRIPT if enhanced else "", **context)
    response = Response(html, status=status, mimetype="text/html")
    if enhanced:
        response.headers[CSP] = SPACE_SCRIPT_CSP
    return response


def problem_page(problem: Problem) -> Response:
    """A problem a use case raised, as a French page with its status (and headers: ``Retry-After``)."""
    response = page("spaces/problem.html", problem.status, problem=problem, title=problem.title)
    response.headers.update(problem.headers)
    return response


def see_other(path: str) -> Response:
    """Send the browser to ``path`` of the current space (303: after a form, the next page is a GET)."""
    space: Space = g.space
    return redirect(f"{request.script_root}{space.mount}{path}", code=303)  # type: ignore[return-value]  # a Response


def current_session(space: Space) -> SignedIn | None:
    """The signed-in session of this request, read once (None: not signed in, or no longer)."""
    if "signed_in" not in g:
        token = request.cookies.get(space.session_cookie, "")
        g.signed_in = signed_in(resources(), space.kind, token) if token else None
    found: SignedIn | None = g.signed_in
    return found


def start_session(response: Response, space: Space, token: str) -> Response:
    """Give the browser its session cookie (a cookie for the browser's session: the server ends it)."""
    _cookie(response, space, space.session_cookie, token)
    return response


def end_session(response: Response, space: Space) -> Response:
    response.delete_cookie(space.session_cookie, path=space.mount + "/")
    return response


def session_token(space: Space) -> str:
    return request.cookies.get(space.session_cookie, "")


V = TypeVar("V", bound=Callable[..., Any])


def signed_in_only(view: V) -> V:
    """Run ``view`` with ``who`` (the :class:`SignedIn`) for a signed-in browser; send any other to sign in."""

    @wraps(view)
    def guarded(*args: Any, **kwargs: Any) -> Any:
        space: Space = g.space
        who = current_session(space)
        if who is None:
            response = see_other("/?connexion=requise")
            return end_session(response, space) if session_token(space) else response
        return view(*args, who=who, **kwargs)

    return guarded  # type: ignore[return-value]  # same signature less ``who``


def form_data(model: type[M], names: tuple[str, ...] | None = None) -> tuple[M | None, dict[str, str]]:
    """Validate the posted form against the API's own model: the model, or each field's French message."""
    values = {name: request.form.get(name, "").strip() for name in (names or tuple(model.model_fields))}
    try:
        return model.model_validate(values), {}
    except ValidationError as exc:
        return None, field_messages(field_errors(exc, ""))


def field_messages(errors: list[FieldError]) -> dict[str, str]:
    """The first message of each offending field, keyed by its name (``invoice.amount_cents`` -> its message)."""
    messages: dict[str, str] = {}
    for error in errors:
        messages.setdefault(error.field, error.message)
    return messages


class SignInRequest(Model):
    """Le formulaire de connexion : l'adresse de la personne."""

    email: Email


class MemberSignInRequest(SignInRequest):
    """Le formulaire de connexion d'un membre : aussi le SIREN de son entreprise."""

    siren: Siren


_NOTICES = {"requise": "Connectez-vous pour continuer.", "fin": "Vous êtes déconnecté."}


def add_sign_in(blueprint: Blueprint, space: Space, home: Callable[[SignedIn], Response], template: str) -> None:
    """Give a space's blueprint its home and sign-in pages (one mechanism for the three spaces).

    ``GET /`` is ``home`` for a signed-in browser, the sign-in form (``template``) otherwise;
    ``POST /connexion`` e-mails a link; ``GET /connexion/<token>`` is the e-mailed link, a button
    that posts to ``POST /connexion/ouvrir`` (a mail scanner following links spends nothing),
    which opens the session and redirects, so that the token leaves the address bar;
    ``POST /deconnexion`` signs out. A member also types its company's SIREN.
    """
    kind = space.kind
    model: type[SignInRequest] = MemberSignInRequest if kind is PrincipalKind.MEMBER else SignInRequest

    def front() -> Response:
        who = current_session(space)
        if who is not None:
            return home(who)
        notice = _NOTICES.get(request.args.get("connexion", ""), "")
        response = page(template, title="Connexion", errors={}, values={}, notice=notice)
        return end_session(response, space) if session_token(space) else response

    def ask_link() -> Response:
        form, errors = form_data(model)
        if form is None:
            values = {name: request.form.get(name, "") for name in model.model_fields}
            return page(template, 400, title="Connexion", errors=errors, values=values, notice="")
        signin.request_link(resources(), kind, form.email, getattr(form, "siren", ""))
        return page("spaces/lien_envoye.html", title="Lien envoyé", email=form.email)

    def confirm_link(token: str) -> Response:
        signin.check_link(resources(), kind, token)
        return page("spaces/ouvrir.html", title="Connexion", token=token)

    def open_session() -> Response:
        session = signin.open_session(resources(), kind, request.form.get("jeton", ""))
        return start_session(see_other("/"), space, session)

    def sign_out() -> Response:
        signin.sign_out(resources(), kind, session_token(space))
        return end_session(see_other("/?connexion=fin"), space)

    blueprint.add_url_rule("/", "home", front, methods=["GET"])
    blueprint.add_url_rule("/connexion", "ask_link", ask_link, methods=["POST"])
    blueprint.add_url_rule("/connexion/<token>", "confirm_link", confirm_link, methods=["GET"])
    blueprint.add_url_rule("/connexion/ouvrir", "open_session", open_session, methods=["POST"])
    blueprint.add_url_rule("/deconnexion", "sign_out", sign_out, methods=["POST"])
