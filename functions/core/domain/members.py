"""A member's life (a creditor business): each transition is a pure function returning the next member.

    unverified (registered, e-mail not confirmed) -> pending (e-mail confirmed, token
    issued; a moderator checks the company's identity) -> active (approved: may file
    reports) | refused;  revoked at any time.

A member holds the digest of its API token while that token opens the API
(pending, active): refusing or revoking a member forgets it, so the store keeps
a token's pointer exactly while the member has a digest.

Anyone can type any SIREN: a verified e-mail proves an address, not that its
owner speaks for the company, hence the moderator between ``pending`` and
``active``. The store persists what these functions return (``store/members.py``).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import datetime
from enum import StrEnum
from typing import Any

from functions.core.errors import Conflict


class MemberStatus(StrEnum):
    UNVERIFIED = "unverified"
    PENDING = "pending"
    ACTIVE = "active"
    REFUSED = "refused"
    REVOKED = "revoked"


# A member's token opens the API in these statuses (a pending member is told why it may not act yet).
AUTHENTICATED_STATUSES = frozenset({MemberStatus.PENDING, MemberStatus.ACTIVE})


@dataclass(frozen=True)
class Member:
    """A creditor business, allowed to file reports once its e-mail is verified and a moderator approved it."""

    id: str
    siren: str
    company_name: str
    contact_name: str
    email: str
    status: MemberStatus
    created_at: datetime
    verified_at: datetime | None = None
    revoked_at: datetime | None = None
    token_digest: str = ""
    version: int = 0
    decided_at: datetime | None = None
    decided_by: str = ""
    decision_note: str = ""

    def audit(self) -> dict[str, Any]:
        """Identifiers, status and dates only (no name or e-mail in the audit log)."""
        return {"id": self.id, "siren": self.siren, "status": self.status.value}


def registered(
    member_id: str, *, siren: str, company_name: str, contact_name: str, email: str, now: datetime
) -> Member:
    """A new member, unverified until its e-mail is confirmed."""
    return Member(
        id=member_id,
        siren=siren,
        company_name=company_name,
        contact_name=contact_name,
        email=email,
        status=MemberStatus.UNVERIFIED,
        created_at=now,
    )


def verification_expired(expires_at: datetime | None, now: datetime) -> bool:
    """Whether the e-mailed verification code is past its time (then the member registers again)."""
    return expires_at is not None and expires_at <= now


def can_verify(member: Member) -> bool:
    """Whether the member's e-mail may still be confirmed (once only)."""
    return member.status is MemberStatus.UNVERIFIED


def verified(member: Member, now: datetime, token_digest: str) -> Member:
    """The e-mail is confirmed and a token issued: verified is not approved, a moderator decides next."""
    if not can_verify(member):
        raise Conflict(f"L'adresse de ce membre est déjà vérifiée (statut : {member.status.value}).")
    return replace(member, status=MemberStatus.PENDING, verified_at=now, token_digest=token_digest)


def opens_api(member: Member) -> bool:
    """Whether the member's token opens the API (pending members are then told to wait)."""
    return member.status in AUTHENTICATED_STATUSES


def is_approved(member: Member) -> bool:
    """Whether a moderator approved the member: only then may it file reports or share experiences."""
    return member.status is MemberStatus.ACTIVE


def awaiting_decision(members: Iterable[Member]) -> list[Member]:
    """The members a moderator has to decide on, the longest waiting first."""
    pending = [m for m in members if m.status is MemberStatus.PENDING]
    return sorted(pending, key=lambda m: (m.verified_at or m.created_at, m.id))


def decided(member: Member, *, approved: bool, note: str, now: datetime, by: str) -> Member:
    """A moderator approved the pending member (it may file reports) or refused it (its token is forgotten)."""
    if member.status is not MemberStatus.PENDING:
        raise Conflict(f"Ce membre n'attend pas de validation (statut : {member.status.value}).")
    if approved:
        return replace(member, status=MemberStatus.ACTIVE, decided_at=now, decided_by=by, decision_note=note)
    return replace(
        member, status=MemberStatus.REFUSED, decided_at=now, decided_by=by, decision_note=note, token_digest=""
    )


def revoked(member: Member, now: datetime) -> Member:
    """The member loses its access at once, its token forgotten (its reports stay); revoking again changes nothing."""
    if member.status is MemberStatus.REVOKED:
        return member
    return replace(member, status=MemberStatus.REVOKED, revoked_at=now, token_digest="")
