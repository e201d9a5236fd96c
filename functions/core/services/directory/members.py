"""Members (creditors) and moderators: registration, verification, tokens, revocation."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import timedelta

from functions.core.context import Services
from functions.core.errors import Gone, NotFound, Unauthorized
from functions.core.mailer import Message
from functions.core.store.members import Member, MemberStatus
from functions.core.store.moderators import Moderator
from functions.core.tokens import new_token

VERIFICATION_HOURS = 48
MEMBER_TOKEN_PREFIX = "ard_mbr"  # noqa: S105 - a label naming the kind of token, not a secret
MODERATOR_TOKEN_PREFIX = "ard_mod"  # noqa: S105 - a label, not a secret
VERIFICATION_PREFIX = "ard_ver"


@dataclass(frozen=True)
class Credentials:
    """A secret shown once, with what it opens."""

    token: str
    member: Member | None = None
    moderator: Moderator | None = None


def register_member(ctx: Services, *, siren: str, company_name: str, contact_name: str, email: str) -> Member:
    """Record a pending member and e-mail it the token that verifies its address."""
    now = ctx.clock()
    member = Member(
        id=f"mbr_{uuid.uuid4().hex[:16]}",
        siren=siren,
        company_name=company_name,
        contact_name=contact_name,
        email=email,
        status=MemberStatus.PENDING,
        created_at=now,
    )
    verification = new_token(VERIFICATION_PREFIX)
    member = ctx.store.members.register(member, verification, now + timedelta(hours=VERIFICATION_HOURS), "public")
    ctx.mailer.send(_verification_message(ctx, member, verification))
    return member


def _verification_message(ctx: Services, member: Member, verification: str) -> Message:
    text = f"""Bonjour {member.contact_name},

Vous avez demandé à inscrire {member.company_name} (SIREN {member.siren}) comme membre d'Ardoise,
l'annuaire collaboratif des retards de paiement.

Pour confirmer votre adresse et recevoir votre jeton d'accès à l'API, envoyez ce code
dans les {VERIFICATION_HOURS} heures :

    {verification}

par exemple :

    curl -X POST {ctx.settings.base_url}/api/directory/members/verify \\
         -H 'Content-Type: application/json' -d '{{"token": "{verification}"}}'

Le jeton d'accès ne sera affiché qu'une fois : conservez-le en lieu sûr.
Si vous n'êtes pas à l'origine de cette demande, ignorez ce message.

L'équipe Ardoise
"""
    return Message(to=member.email, subject="Ardoise : confirmez votre inscription", text=text)


def verify_member(ctx: Services, verification: str) -> Credentials:
    """Activate a member from its e-mailed token and return its API token (shown once)."""
    api_token = new_token(MEMBER_TOKEN_PREFIX)
    member = ctx.store.members.verify(verification, api_token, ctx.clock())
    if member is None:
        raise Gone("Ce code de vérification est inconnu, expiré ou a déjà servi.")
    return Credentials(api_token, member=member)


def authenticate_member(ctx: Services, token: str) -> Member:
    member = ctx.store.members.authenticate(token) if token else None
    if member is None:
        raise Unauthorized("Jeton de membre absent, invalide ou révoqué.")
    return member


def revoke_member(ctx: Services, member_id: str, actor: str) -> Member:
    """Revoke a member's access at once (its reports stay, handled by the operator)."""
    member = ctx.store.members.get_member(member_id)
    if member is None:
        raise NotFound(f"Aucun membre {member_id}.")
    if member.status is MemberStatus.REVOKED:
        return member
    return ctx.store.members.revoke(member, ctx.clock(), actor)


def create_moderator(ctx: Services, *, name: str, email: str, actor: str) -> Credentials:
    """Create a moderator and return its token (shown once)."""
    token = new_token(MODERATOR_TOKEN_PREFIX)
    moderator = Moderator(id=f"mod_{uuid.uuid4().hex[:12]}", name=name, email=email, created_at=ctx.clock())
    return Credentials(token, moderator=ctx.store.moderators.create(moderator, token, actor))


def authenticate_moderator(ctx: Services, token: str) -> Moderator:
    moderator = ctx.store.moderators.authenticate(token) if token else None
    if moderator is None:
        raise Unauthorized("Jeton de modérateur absent, invalide ou révoqué.")
    return moderator


def revoke_moderator(ctx: Services, moderator_id: str, actor: str) -> Moderator:
    moderator = ctx.store.moderators.get_moderator(moderator_id)
    if moderator is None:
        raise NotFound(f"Aucun modérateur {moderator_id}.")
    return ctx.store.moderators.revoke(moderator, actor) if moderator.active else moderator
