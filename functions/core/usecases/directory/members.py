"""Members (creditors) and moderators: registration, verification, approval, tokens, revocation.

Anyone can type any SIREN: a verified e-mail proves an address, not that its
owner speaks for the company. So a verified member is ``pending`` until a
moderator has checked the company's identity (a Kbis extract, or a letter to
the registered office) and approved it; only then may it file reports or
share payment experiences.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import timedelta

from functions.core.cooldown import mailbox_of, refuse_if_too_soon
from functions.core.domain import members, moderators
from functions.core.domain.members import Member
from functions.core.domain.moderators import Moderator
from functions.core.domain.registry import CEASED, ceased_wording
from functions.core.errors import (
    ExpiredLink,
    FieldError,
    Forbidden,
    NotFound,
    RuleNotMet,
    Unauthorized,
    UnknownLink,
    missing,
)
from functions.core.mailer import Message
from functions.core.mounts import api_url, space_url
from functions.core.resources import Resources
from functions.core.store import retry_on_conflict
from functions.core.tokens import hash_token, new_token

VERIFICATION_HOURS = 48
# One registration request per company and per address in this time, as the charter does for its links.
REGISTRATION_COOLDOWN = timedelta(minutes=5)
MEMBER_TOKEN_PREFIX = "ard_mbr"  # noqa: S105 - a label naming the kind of token, not a secret
MODERATOR_TOKEN_PREFIX = "ard_mod"  # noqa: S105 - a label, not a secret
VERIFICATION_PREFIX = "ard_ver"
IDENTITY_CHECK = (
    "un modérateur d'Ardoise vérifie l'identité de votre entreprise (extrait Kbis de moins de trois mois, "
    "ou courrier adressé à son siège social) avant que vous puissiez signaler des impayés ou partager "
    "des expériences de paiement ; vous serez prévenu par e-mail de sa décision"
)


class AwaitingApproval(Forbidden):
    slug, title = "membre-en-attente-de-validation", "Inscription en attente de validation"


@dataclass(frozen=True)
class Credentials:
    """A secret shown once, with what it opens."""

    token: str
    member: Member | None = None
    moderator: Moderator | None = None


def register_member(res: Resources, *, siren: str, company_name: str, contact_name: str, email: str) -> Member:
    """Record an unverified member and e-mail it the token that verifies its address (429 when too soon).

    A company the registry says has ceased cannot join (422 ``entreprise_cessee``).
    """
    identity = res.store.registry.get_identity(siren)
    if identity is not None and not identity.active:
        message = (
            f"Le répertoire SIRENE indique : {ceased_wording(identity)}. Une entreprise cessée ne peut pas s'inscrire."
        )
        raise RuleNotMet(message, [FieldError("siren", CEASED, message)])
    now = res.clock()
    member = members.registered(
        f"mbr_{uuid.uuid4().hex[:16]}",
        siren=siren,
        company_name=company_name,
        contact_name=contact_name,
        email=email,
        now=now,
    )
    verification = new_token(VERIFICATION_PREFIX)

    def attempt() -> Member:
        # Read, check, write; read again if another registration for this company or address won the race.
        requests = res.store.members.last_requests(siren, mailbox_of(email))
        refuse_if_too_soon(
            max((r.at for r in requests if r.at is not None), default=None),
            now,
            REGISTRATION_COOLDOWN,
            "Une inscription vient d'être demandée pour cette entreprise ou cette adresse ; "
            "consultez la boîte de réception ou réessayez",
        )
        expires_at = now + timedelta(hours=VERIFICATION_HOURS)
        return res.store.members.register(
            member, verification, expires_at, "public", requests=requests, requests_until=now + REGISTRATION_COOLDOWN
        )

    registered = retry_on_conflict(attempt)
    res.mailer.send(_verification_message(res, registered, verification))
    return registered


def _verification_message(res: Resources, member: Member, verification: str) -> Message:
    verify_url = api_url(res.settings.base_url, "directory", "/members/verify")
    text = f"""Bonjour {member.contact_name},

Vous avez demandé à inscrire {member.company_name} (SIREN {member.siren}) comme membre d'Ardoise,
l'annuaire collaboratif des retards de paiement.

Pour confirmer votre adresse, ouvrez ce lien dans les {VERIFICATION_HOURS} heures :

    {space_url(res.settings.base_url, "member", f"/verifier/{verification}")}

Depuis un logiciel, envoyez plutôt ce code à l'API pour recevoir votre jeton d'accès :

    {verification}

par exemple :

    curl -X POST {verify_url} \\
         -H 'Content-Type: application/json' -d '{{"token": "{verification}"}}'

Le jeton d'accès ne sera affiché qu'une fois : conservez-le en lieu sûr.
Ensuite, {IDENTITY_CHECK}.
Si vous n'êtes pas à l'origine de cette demande, ignorez ce message.

L'équipe Ardoise
"""
    return Message(to=member.email, subject="Ardoise : confirmez votre inscription", text=text)


def verify_member(res: Resources, verification: str) -> Credentials:
    """Confirm a member's e-mail and return its API token (shown once); a moderator still has to approve it."""
    now = res.clock()
    pending = res.store.members.get_verification(verification)
    if pending is not None and members.verification_expired(pending.expires_at, now):
        raise ExpiredLink(f"Ce code de vérification a expiré ({VERIFICATION_HOURS} heures) : inscrivez-vous à nouveau.")
    member = res.store.members.get_member(pending.member_id) if pending is not None else None
    if pending is None or member is None or not members.can_verify(member):
        raise UnknownLink("Ce code de vérification est inconnu ou a déjà servi.")
    api_token = new_token(MEMBER_TOKEN_PREFIX)
    verified = members.verified(member, now, hash_token(api_token))
    saved = res.store.members.save(member, verified, "member.verified", f"member:{member.id}", consumed=pending)
    return Credentials(api_token, member=saved)


def known_member(res: Resources, token: str) -> Member | None:
    """Return the member whose token opens the API (approved or still pending), None for a bad token."""
    member = res.store.members.find_by_token(token) if token else None
    return member if member is not None and members.opens_api(member) else None


def authenticate_member(res: Resources, token: str) -> Member:
    """Return the approved member a token opens: 401 for a bad token, 403 while approval is pending."""
    member = known_member(res, token)
    if member is None:
        raise Unauthorized("Jeton de membre absent, invalide ou révoqué.")
    return require_approved(member)


def require_approved(member: Member) -> Member:
    """Return the member if a moderator approved it; 403 otherwise (use cases check it too, not only routes)."""
    if not members.is_approved(member):
        raise AwaitingApproval(f"Votre inscription est en attente de validation : {IDENTITY_CHECK}.")
    return member


def list_pending(res: Resources) -> list[Member]:
    """Return the members awaiting a moderator's decision, the oldest first."""
    return members.awaiting_decision(res.store.members.list_members())


def decide_member(res: Resources, member_id: str, *, approved: bool, note: str, actor: str) -> Member:
    """Approve or refuse a pending member after checking its company's identity; tell it by e-mail.

    A refusal says why (400 ``missing`` on ``note`` otherwise): the note is what the member is told.
    """
    if not approved and not note.strip():
        raise missing("note", "Indiquez au membre le motif du refus.")
    member = res.store.members.get_member(member_id)
    if member is None:
        raise NotFound(f"Aucun membre {member_id}.")
    decision = members.decided(member, approved=approved, note=note, now=res.clock(), by=actor)
    decided = res.store.members.save(member, decision, "member.approved" if approved else "member.refused", actor)
    res.mailer.send(_decision_message(res, decided))
    return decided


def _decision_message(res: Resources, member: Member) -> Message:
    note = f"\nNote du modérateur :\n{member.decision_note}\n" if member.decision_note else ""
    if members.is_approved(member):
        subject = "Ardoise : inscription validée"
        outcome = (
            f"L'identité de {member.company_name} (SIREN {member.siren}) a été vérifiée : votre inscription\n"
            "est validée. Votre jeton d'accès permet désormais de signaler des factures impayées\n"
            f"({api_url(res.settings.base_url, 'directory', '/reports')}) et de partager des expériences de paiement."
        )
    else:
        subject = "Ardoise : inscription refusée"
        outcome = (
            f"Nous n'avons pas pu vérifier que vous représentez {member.company_name} (SIREN {member.siren}) :\n"
            "votre inscription est refusée et votre jeton d'accès ne fonctionne plus."
        )
    text = f"Bonjour {member.contact_name},\n\n{outcome}\n{note}\nL'équipe Ardoise\n"
    return Message(to=member.email, subject=subject, text=text)


def revoke_member(res: Resources, member_id: str, actor: str) -> Member:
    """Revoke a member's access at once (its reports stay, handled by the operator)."""
    member = res.store.members.get_member(member_id)
    if member is None:
        raise NotFound(f"Aucun membre {member_id}.")
    revoked = members.revoked(member, res.clock())
    return member if revoked == member else res.store.members.save(member, revoked, "member.revoked", actor)


def create_moderator(res: Resources, *, name: str, email: str, actor: str) -> Credentials:
    """Create a moderator and return its token (shown once)."""
    token = new_token(MODERATOR_TOKEN_PREFIX)
    appointed = moderators.appointed(f"mod_{uuid.uuid4().hex[:12]}", name=name, email=email, now=res.clock())
    moderator = moderators.with_token(appointed, hash_token(token))
    return Credentials(token, moderator=res.store.moderators.create(moderator, actor))


def authenticate_moderator(res: Resources, token: str) -> Moderator:
    """Return the moderator a token opens: 401 for a bad token or a revoked moderator."""
    moderator = res.store.moderators.find_by_token(token) if token else None
    if moderator is None or not moderators.may_moderate(moderator):
        raise Unauthorized("Jeton de modérateur absent, invalide ou révoqué.")
    return moderator


def revoke_moderator(res: Resources, moderator_id: str, actor: str) -> Moderator:
    moderator = res.store.moderators.get_moderator(moderator_id)
    if moderator is None:
        raise NotFound(f"Aucun modérateur {moderator_id}.")
    revoked = moderators.revoked(moderator)
    if revoked == moderator:
        return moderator
    return res.store.moderators.save(moderator, revoked, "moderator.revoked", actor)
