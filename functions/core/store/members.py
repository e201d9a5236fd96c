"""Members (creditor businesses): registration, e-mail verification, approval, hashed API tokens.

A member's life: ``unverified`` (registered, e-mail not confirmed) -> ``pending``
(e-mail confirmed, token issued; a moderator checks the company's identity) ->
``active`` (approved: may file reports) or ``refused``; ``revoked`` at any time.

- ``MEMBER#{id}`` / ``PROFILE``: the member; ``gsi2`` ``MEMBERS`` / ``{siren}#{id}``
  lists them (by company).
- ``MEMBERVERIFY#{digest}``: the pending e-mail verification (expires).
- ``MEMBERREQ#siren#{siren}`` / ``MEMBERREQ#email#{digest}``: when a registration
  was last requested for a company or an address (the cooldown; expires).
  Every expiring record, and an unverified profile, sits in the expiry queue
  (``expiry.py``) so that SQLite deletes it too.
- ``MEMBERTOKEN#{digest}``: which member an API token opens. Only digests are
  stored; a revoked member's token item is deleted in the same transaction.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass, replace
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from functions.core.store.base import Repository
from functions.core.store.expiry import expiry_keys
from functions.core.store.items import Delete, Item, Put, Write
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


def _item(member: Member, version: int, forget_at: int | None = None) -> Item:
    """The profile item; an unverified one also waits in the expiry queue until ``forget_at``."""
    pk = f"MEMBER#{member.id}"
    keys = expiry_keys(forget_at, pk, "PROFILE") if forget_at is not None else {}
    lookup = f"{member.siren}#{member.id}"
    return Item(pk, "PROFILE", member.to_data(), version, gsi2pk="MEMBERS", gsi2sk=lookup, **keys)


@dataclass(frozen=True)
class LastRequest:
    """When a registration was last requested for one company or one address."""

    pk: str
    at: datetime | None
    version: int | None


def request_keys(siren: str, email: str) -> list[str]:
    """The cooldown keys of a registration: the company, and the address (as a digest)."""
    return [f"MEMBERREQ#siren#{siren}", f"MEMBERREQ#email#{hash_token(email.strip().lower())}"]


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

    def last_requests(self, siren: str, email: str) -> list[LastRequest]:
        """Return when a registration was last requested for this company and for this address."""
        found = []
        for pk in request_keys(siren, email):
            item = self.backend.get(pk, "LAST")
            fresh = item is not None and (item.expires_at is None or item.expires_at > self.now().timestamp())
            at = datetime.fromisoformat(item.data["at"]) if item is not None and fresh else None
            found.append(LastRequest(pk, at, item.version if item is not None else None))
        return found

    def register(
        self,
        member: Member,
        verification: str,
        expires_at: datetime,
        actor: str,
        *,
        requests: Sequence[LastRequest] = (),
        cooldown: timedelta = timedelta(0),
    ) -> Member:
        """Store an unverified member, the digest of its verification token and its cooldown markers.

        The markers are written on the versions ``requests`` read: of two
        registrations at once for one company or address, one fails
        (ConditionFailed) instead of both sending an e-mail.
        """
        expires = int(expires_at.timestamp())
        verify_pk = f"MEMBERVERIFY#{hash_token(verification)}"
        verify = Item(verify_pk, "TOKEN", {"member_id": member.id}, **expiry_keys(expires, verify_pk, "TOKEN"))
        writes: list[Write] = [Put(_item(member, 1, expires), None), Put(verify, None)]
        until = int((member.created_at + cooldown).timestamp())
        for last in requests:
            data = {"at": member.created_at.isoformat()}
            marker = Item(last.pk, "LAST", data, (last.version or 0) + 1, **expiry_keys(until, last.pk, "LAST"))
            writes.append(Put(marker, last.version))
        event = self.store.event(
            f"member:{member.id}", f"member:{member.id}", "member.registered", actor, after=member.audit()
        )
        self.store.commit(writes, [event])
        return replace(member, version=1)

    def forget_unverified(self, item: Item) -> bool:
        """Delete a profile whose e-mail was never verified (its verification expired); False if verified since."""
        member = Member.from_item(item)
        if member.status is not MemberStatus.UNVERIFIED:
            return False
        event = self.store.event(
            f"member:{member.id}",
            f"member:{member.id}",
            "member.expired",
            "system:retention",
            before=member.audit(),
        )
        self.store.commit([Delete(item.pk, item.sk, item.version)], [event])
        return True

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

    def verification_expired(self, verification: str, now: datetime) -> bool:
        """Tell whether a verification token exists but is past its expiry (a 410, not a 404)."""
        verify = self.backend.get(f"MEMBERVERIFY#{hash_token(verification)}", "TOKEN")
        return verify is not None and verify.expires_at is not None and verify.expires_at <= now.timestamp()

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
