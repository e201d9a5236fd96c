"""The subscriber's space, ``/abonne/``: this month's usage against the quota, and the watchlist.

The same use cases as the API's routes: ``usage`` (``GET /usage``), ``list_watched``,
``watch`` and ``unwatch`` (``GET``, ``PUT`` and ``DELETE /watchlist[/{siren}]``), the
SIREN read by the API's own type. The pages count no API call: the quota counts
summaries, which this space does not open. Sign-in and CSRF: ``core/spaces.py``.
"""

from __future__ import annotations

from flask import Response, request
from pydantic import ValidationError

from functions.core.clock import parse_iso
from functions.core.domain.sessions import PrincipalKind
from functions.core.domain.subscribers import Subscriber
from functions.core.errors import NotFound
from functions.core.french import number, short_datetime
from functions.core.http import resources
from functions.core.spaces import Space, add_sign_in, field_messages, page, see_other, signed_in_only, space_blueprint
from functions.core.usecases.reports import subscribers, watchlist
from functions.core.usecases.signin import SignedIn
from functions.core.validation import SirenPath, field_errors

SPACE = Space(PrincipalKind.SUBSCRIBER, "Espace abonné")
space = space_blueprint(SPACE, __name__)
WATCHLIST_PAGE = 200


def _subscriber(who: SignedIn) -> Subscriber:
    subscriber = resources().store.subscribers.get_subscriber(who.principal.id)
    assert subscriber is not None  # the session was read with it
    return subscriber


def _home(who: SignedIn, status: int = 200, errors: dict[str, str] | None = None) -> Response:
    res = resources()
    subscriber = _subscriber(who)
    used = subscribers.usage(res, subscriber)
    watched = watchlist.list_watched(res, subscriber, WATCHLIST_PAGE, request.args.get("suite") or None)
    return page(
        "abonne/accueil.html", status, title="Accueil", who=who, subscriber=subscriber, usage=used,
        figures={"quota": number(used["quota"]), "summaries": number(used["summaries"]),
                 "remaining": number(used["remaining"]), "resets": short_datetime(parse_iso(used["resets_at"]))},
        watched=watched["items"], next_cursor=watched["next_cursor"], errors=errors or {},
        values={"siren": request.form.get("siren", "")},
    )  # fmt: skip


add_sign_in(space, SPACE, _home, "spaces/connexion.html")


def _siren() -> str:
    """The SIREN typed, read by the API's own path type (a SIRET gives its SIREN); ValueError for field errors."""
    return SirenPath.model_validate({"siren": request.form.get("siren", "")}).siren


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
