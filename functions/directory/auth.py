"""Who is calling: a member's or a moderator's bearer token."""

from __future__ import annotations

from flask import request

from functions.core.domain.members import Member
from functions.core.domain.moderators import Moderator
from functions.core.errors import Forbidden, Unauthorized
from functions.core.http import resources
from functions.core.usecases.directory.members import (
    MODERATOR_TOKEN_PREFIX,
    authenticate_member,
    authenticate_moderator,
    known_member,
)


def bearer_token() -> str:
    """Return the token of an ``Authorization: Bearer ...`` header, or an empty string."""
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    return token.strip() if scheme.lower() == "bearer" else ""


class MembersOnly(Forbidden):
    slug, title = "reserve-aux-membres", "Réservé aux membres"


class ModeratorsOnly(Forbidden):
    slug, title = "reserve-aux-moderateurs", "Réservé aux modérateurs"


def _is_moderator_token(token: str) -> bool:
    return token.startswith(MODERATOR_TOKEN_PREFIX + "_")


def current_member() -> Member:
    """Return the approved member calling (401 bad token, 403 not approved yet): the one check of every member route.

    A valid moderator token is known but not allowed here: 403, not 401.
    """
    token = bearer_token()
    if _is_moderator_token(token):
        authenticate_moderator(resources(), token)
        raise MembersOnly("Cette opération est réservée aux membres créanciers.")
    return authenticate_member(resources(), token)


def current_moderator() -> Moderator:
    """Return the moderator calling: 401 for a bad token, 403 for a valid member token (known, not allowed)."""
    token = bearer_token()
    if token and not _is_moderator_token(token):
        if known_member(resources(), token) is None:
            raise Unauthorized("Jeton de modérateur absent, invalide ou révoqué.")
        raise ModeratorsOnly("Cette opération est réservée aux modérateurs.")
    return authenticate_moderator(resources(), token)


def current_member_or_moderator() -> Member | Moderator:
    token = bearer_token()
    if _is_moderator_token(token):
        return authenticate_moderator(resources(), token)
    return authenticate_member(resources(), token)
