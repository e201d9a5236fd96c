"""Who is calling: a member's or a moderator's bearer token."""

from __future__ import annotations

from flask import request

from functions.core.http import services
from functions.core.services.directory.members import (
    MODERATOR_TOKEN_PREFIX,
    authenticate_member,
    authenticate_moderator,
)
from functions.core.store.members import Member
from functions.core.store.moderators import Moderator


def bearer_token() -> str:
    """Return the token of an ``Authorization: Bearer ...`` header, or an empty string."""
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    return token.strip() if scheme.lower() == "bearer" else ""


def current_member() -> Member:
    """Return the approved member calling (401 bad token, 403 not approved yet): the one check of every member route."""
    return authenticate_member(services(), bearer_token())


def current_moderator() -> Moderator:
    return authenticate_moderator(services(), bearer_token())


def current_member_or_moderator() -> Member | Moderator:
    token = bearer_token()
    if token.startswith(MODERATOR_TOKEN_PREFIX + "_"):
        return authenticate_moderator(services(), token)
    return authenticate_member(services(), token)
