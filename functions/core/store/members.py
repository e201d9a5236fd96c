"""Members (creditor businesses) as stored: profiles, e-mail verifications, cooldowns, hashed API tokens.

A member's life is decided in ``domain/members.py``; this module persists each
transition with its audit event, and keeps the token pointer to the members
whose token opens the API.

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
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any

from functions.core.domain import members
from functions.core.domain.members import Member
from functions.core.store.base import AuditEvent, Repository
from functions.core.store.codec import from_item, to_data
from functions.core.store.expiry import expiry_keys
from functions.core.store.items import Delete, Item, Put, Write
from functions.core.tokens import hash_token, same_digest


def _item(member: Member, version: int, forget_at: int | None = None) -> Item:
    """The profile item; an unverified one also waits in the expiry queue until ``forget_at``."""
    pk = f"MEMBER#{member.id}"
    keys = expiry_keys(forget_at, pk, "PROFILE") if forget_at is not None else {}
    lookup = f"{member.siren}#{member.id}"
    return Item(pk, "PROFILE", to_data(member), version, gsi2pk="MEMBERS", gsi2sk=lookup, **keys)


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
        return from_item(Member, item) if item else None

    def list_members(self, siren: str = "") -> list[Member]:
        """Return the members (of one company when ``siren`` is given), by SIREN."""
        members, cursor = [], None
        while True:
            page = self.backend.query("MEMBERS", index="gsi2", sk_prefix=siren, limit=500, cursor=cursor)
            members += [from_item(Member, item) for item in page.items]
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
        event = self._event(member, "member.registered", actor, after=member.audit())
        self.store.commit(writes, [event])
        return replace(member, version=1)

    def forget_unverified(self, item: Item) -> bool:
        """Delete a profile whose e-mail was never verified (its verification expired); False if verified since."""
        member = from_item(Member, item)
        if not members.can_verify(member):
            return False
        event = self._event(member, "member.expired", "system:retention", before=member.audit())
        self.store.commit([Delete(item.pk, item.sk, item.version)], [event])
        return True

    def verify(self, verification: str, api_token: str, now: datetime) -> Member | None:
        """Confirm the e-mail of the member a verification token names and attach its API token; None if unusable."""
        verify = self.backend.get(f"MEMBERVERIFY#{hash_token(verification)}", "TOKEN")
        if verify is None or (verify.expires_at is not None and verify.expires_at <= now.timestamp()):
            return None
        member = self.get_member(verify.data["member_id"])
        if member is None or not members.can_verify(member):
            return None
        return self._save(
            member,
            members.verified(member, now, hash_token(api_token)),
            "member.verified",
            f"member:{member.id}",
            [Delete(verify.pk, verify.sk, verify.version)],
        )

    def verification_expired(self, verification: str, now: datetime) -> bool:
        """Tell whether a verification token exists but is past its expiry (a 410, not a 404)."""
        verify = self.backend.get(f"MEMBERVERIFY#{hash_token(verification)}", "TOKEN")
        return verify is not None and verify.expires_at is not None and verify.expires_at <= now.timestamp()

    def authenticate(self, api_token: str) -> Member | None:
        """Return the member an API token belongs to if that token opens the API, or None."""
        pointer = self.backend.get(f"MEMBERTOKEN#{hash_token(api_token)}", "TOKEN")
        if pointer is None:
            return None
        member = self.get_member(pointer.data["member_id"])
        if member is None or not members.opens_api(member):
            return None
        return member if same_digest(api_token, member.token_digest) else None

    def decide(self, member: Member, *, approved: bool, note: str, now: datetime, actor: str) -> Member:
        """Record a moderator's decision on a pending member (see ``members.decided``)."""
        decided = members.decided(member, approved=approved, note=note, now=now, by=actor)
        return self._save(member, decided, "member.approved" if approved else "member.refused", actor)

    def revoke(self, member: Member, now: datetime, actor: str) -> Member:
        """Revoke a member: its token stops working at once (nothing is written when it was revoked already)."""
        revoked = members.revoked(member, now)
        return member if revoked == member else self._save(member, revoked, "member.revoked", actor)

    def _save(self, before: Member, after: Member, action: str, actor: str, writes: Sequence[Write] = ()) -> Member:
        """Write a transition with its audit event; the token pointer exists while the token opens the API."""
        changes: list[Write] = [*writes, Put(_item(after, before.version + 1), before.version)]
        if members.opens_api(after) and after.token_digest != before.token_digest:
            changes.append(Put(Item(f"MEMBERTOKEN#{after.token_digest}", "TOKEN", {"member_id": after.id}), None))
        elif not members.opens_api(after) and before.token_digest:
            changes.append(Delete(f"MEMBERTOKEN#{before.token_digest}", "TOKEN", unconditional=True))
        event = self._event(after, action, actor, before=before.audit(), after=after.audit())
        self.store.commit(changes, [event])
        return replace(after, version=before.version + 1)

    def _event(self, member: Member, action: str, actor: str, **changes: Any) -> AuditEvent:
        return self.store.event(f"member:{member.id}", f"member:{member.id}", action, actor, **changes)
