"""Members (creditor businesses): registration, e-mail verification, approval, hashed API tokens.

A member's life: ``unverified`` (registered, e-mail not confirmed) -> ``pending``
(e-mail confirmed, token issued; a moderator checks the company's identity) ->
``active`` (approved: may file reports) or ``refused``; ``revoked`` at any time.

- ``MEMBER#{id}`` / ``PROFILE``: the member; ``gsi2`` ``MEMBERS`` / ``{siren}#{id}``
  lists them (by company).
- ``MEMBERVERIFY#{digest}``: the pending e-mail verification (expires).
- ``MEMBERTOKEN#{digest}``: which member an API token opens. Only digests are
  stored; a revoked member's token item is deleted in the same transaction.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, replace
from datetime import datetime
from enum import StrEnum
from typing import Any

from functions.core.store.base import Repository
from functions.core.store.items import Delete, Item, Put
from functions.core.tokens import hash_token, same_digest


class MemberStatus(StrEnum):
    UNVERIFIED = "unverified"
    PENDING = "pending"
    ACTIVE = "active"
    REFUSED = "refused"
    REVOKED = "revoked"


# A member's token opens the API in these statuses (a pending member is told why it may not act yet).
AUTHENTICATED_STATUSES = frozenset({MemberStatus.PENDING, MemberStatus.ACTIVE})
_MOMENTS = ("created_at", "verified_at", "revoked_at", "decided_at")


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

    def to_data(self) -> dict[str, Any]:
        data = asdict(self)
        data.pop("version")
        data["status"] = self.status.value
        for name in _MOMENTS:
            data[name] = data[name].isoformat() if data[name] else None
        return data

    @classmethod
    def from_item(cls, item: Item) -> Member:
        data = dict(item.data)
        for name in _MOMENTS:
            data[name] = datetime.fromisoformat(data[name]) if data.get(name) else None
        return cls(**{**data, "status": _status(data), "version": item.version})

    def audit(self) -> dict[str, Any]:
        """Identifiers, status and dates only (no name or e-mail in the audit log)."""
        return {"id": self.id, "siren": self.siren, "status": self.status.value}


def _status(data: dict[str, Any]) -> MemberStatus:
    """Read a stored status; records written before approval existed are mapped conservatively.

    Then, ``pending`` meant "e-mail not verified" and ``active`` meant verified
    but never checked by a moderator: such members must be approved now.
    """
    status = MemberStatus(data["status"])
    if "decided_at" not in data:
        if status is MemberStatus.PENDING and data.get("verified_at") is None:
            return MemberStatus.UNVERIFIED
        if status is MemberStatus.ACTIVE:
            return MemberStatus.PENDING
    return status


def _item(member: Member, version: int) -> Item:
    return Item(
        f"MEMBER#{member.id}",
        "PROFILE",
        member.to_data(),
        version,
        gsi2pk="MEMBERS",
        gsi2sk=f"{member.siren}#{member.id}",
    )


class Members(Repository):
    """Register, verify, authenticate and revoke members."""

    def get_member(self, member_id: str) -> Member | None:
        item = self.backend.get(f"MEMBER#{member_id}", "PROFILE")
        return Member.from_item(item) if item else None

    def list_members(self, siren: str = "") -> list[Member]:
        """Return the members (of one company when ``siren`` is given), by SIREN."""
        members, cursor = [], None
        while True:
            page = self.backend.query("MEMBERS", index="gsi2", sk_prefix=siren, limit=500, cursor=cursor)
            members += [Member.from_item(item) for item in page.items]
            if page.cursor is None:
                return members
            cursor = page.cursor

    def register(self, member: Member, verification: str, expires_at: datetime, actor: str) -> Member:
        """Store a pending member and the digest of its e-mail verification token."""
        verify = Item(
            f"MEMBERVERIFY#{hash_token(verification)}",
            "TOKEN",
            {"member_id": member.id},
            expires_at=int(expires_at.timestamp()),
        )
        event = self.store.event(
            f"member:{member.id}", f"member:{member.id}", "member.registered", actor, after=member.audit()
        )
        self.store.commit([Put(_item(member, 1), None), Put(verify, None)], [event])
        return replace(member, version=1)

    def verify(self, verification: str, api_token: str, now: datetime) -> Member | None:
        """Activate the member a verification token names and attach its API token; None if unusable."""
        verify = self.backend.get(f"MEMBERVERIFY#{hash_token(verification)}", "TOKEN")
        if verify is None or (verify.expires_at is not None and verify.expires_at <= now.timestamp()):
            return None
        member = self.get_member(verify.data["member_id"])
        if member is None or member.status is not MemberStatus.UNVERIFIED:
            return None
        digest = hash_token(api_token)
        # Verified is not approved: a moderator still has to check the company's identity.
        active = replace(member, status=MemberStatus.PENDING, verified_at=now, token_digest=digest)
        event = self.store.event(
            f"member:{member.id}",
            f"member:{member.id}",
            "member.verified",
            "member:" + member.id,
            before=member.audit(),
            after=active.audit(),
        )
        self.store.commit(
            [
                Put(_item(active, member.version + 1), member.version),
                Delete(verify.pk, verify.sk, verify.version),
                Put(Item(f"MEMBERTOKEN#{digest}", "TOKEN", {"member_id": member.id}), None),
            ],
            [event],
        )
        return replace(active, version=member.version + 1)

    def authenticate(self, api_token: str) -> Member | None:
        """Return the pending or active member an API token belongs to, or None."""
        pointer = self.backend.get(f"MEMBERTOKEN#{hash_token(api_token)}", "TOKEN")
        if pointer is None:
            return None
        member = self.get_member(pointer.data["member_id"])
        if member is None or member.status not in AUTHENTICATED_STATUSES:
            return None
        return member if same_digest(api_token, member.token_digest) else None

    def decide(self, member: Member, *, approved: bool, note: str, now: datetime, actor: str) -> Member:
        """Approve a pending member (it may file reports) or refuse it (its token stops working)."""
        status = MemberStatus.ACTIVE if approved else MemberStatus.REFUSED
        decided = replace(member, status=status, decided_at=now, decided_by=actor, decision_note=note)
        writes: list[Any] = [Put(_item(decided, member.version + 1), member.version)]
        if not approved and member.token_digest:
            writes.append(Delete(f"MEMBERTOKEN#{member.token_digest}", "TOKEN", unconditional=True))
        action = "member.approved" if approved else "member.refused"
        event = self.store.event(
            f"member:{member.id}", f"member:{member.id}", action, actor, before=member.audit(), after=decided.audit()
        )
        self.store.commit(writes, [event])
        return replace(decided, version=member.version + 1)

    def revoke(self, member: Member, now: datetime, actor: str) -> Member:
        """Revoke a member: its token stops working at once."""
        revoked = replace(member, status=MemberStatus.REVOKED, revoked_at=now)
        writes: list[Any] = [Put(_item(revoked, member.version + 1), member.version)]
        if member.token_digest:
            writes.append(Delete(f"MEMBERTOKEN#{member.token_digest}", "TOKEN", unconditional=True))
        event = self.store.event(
            f"member:{member.id}",
            f"member:{member.id}",
            "member.revoked",
            actor,
            before=member.audit(),
            after=revoked.audit(),
        )
        self.store.commit(writes, [event])
        return replace(revoked, version=member.version + 1)
