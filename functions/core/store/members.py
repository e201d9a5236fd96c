"""Members (creditor businesses) as stored: profiles, e-mail verifications, cooldowns, hashed API tokens.

A member's life is decided in ``domain/members.py`` and by the use cases
(``usecases/directory/members.py``); this module only reads and writes: each
transition it is given with its audit event, and the token pointer of a
member that holds a token digest.

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
from datetime import UTC, datetime
from typing import Any

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


@dataclass(frozen=True)
class Verification:
    """A pending e-mail verification: the member it confirms and until when."""

    member_id: str
    expires_at: datetime | None
    key: tuple[str, str]
    version: int


class Members(Repository):
    """Read members, and write their registration and each transition, audited."""

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
        """Return when a registration was last requested for this company and for this address (kept until due)."""
        found = []
        for pk in request_keys(siren, email):
            item = self.backend.get(pk, "LAST")
            # DynamoDB deletes an expired item within a day or two: until then it is not read.
            kept = item is not None and (item.expires_at is None or item.expires_at > self.now().timestamp())
            at = datetime.fromisoformat(item.data["at"]) if item is not None and kept else None
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
        requests_until: datetime | None = None,
    ) -> Member:
        """Store an unverified member, the digest of its verification token and its cooldown markers.

        The verification, and the profile while unverified, are forgotten at
        ``expires_at``; the markers, kept until ``requests_until``, are written
        on the versions ``requests`` read: of two registrations at once for one
        company or address, one fails (ConditionFailed) instead of both sending an e-mail.
        """
        expires = int(expires_at.timestamp())
        verify_pk = f"MEMBERVERIFY#{hash_token(verification)}"
        verify = Item(verify_pk, "TOKEN", {"member_id": member.id}, **expiry_keys(expires, verify_pk, "TOKEN"))
        writes: list[Write] = [Put(_item(member, 1, expires), None), Put(verify, None)]
        until = int((requests_until or member.created_at).timestamp())
        for last in requests:
            data = {"at": member.created_at.isoformat()}
            marker = Item(last.pk, "LAST", data, (last.version or 0) + 1, **expiry_keys(until, last.pk, "LAST"))
            writes.append(Put(marker, last.version))
        event = self._event(member, "member.registered", actor, after=member.audit())
        self.store.commit(writes, [event])
        return replace(member, version=1)

    def forget_expired(self, item: Item) -> bool:
        """Delete a profile whose verification window is over (the expiry queue's), with its audit event.

        A profile is in the queue only while unverified (verifying rewrites it
        out of it), and is deleted at the version read: ConditionFailed if it changed since.
        """
        member = from_item(Member, item)
        event = self._event(member, "member.expired", "system:retention", before=member.audit())
        self.store.commit([Delete(item.pk, item.sk, item.version)], [event])
        return True

    def get_verification(self, verification: str) -> Verification | None:
        """The pending verification an e-mailed code names, None if unknown (or already used)."""
        item = self.backend.get(f"MEMBERVERIFY#{hash_token(verification)}", "TOKEN")
        if item is None:
            return None
        expires_at = datetime.fromtimestamp(item.expires_at, UTC) if item.expires_at is not None else None
        return Verification(item.data["member_id"], expires_at, (item.pk, item.sk), item.version)

    def find_by_token(self, api_token: str) -> Member | None:
        """Return the member holding this API token's digest, or None (no status is checked here)."""
        pointer = self.backend.get(f"MEMBERTOKEN#{hash_token(api_token)}", "TOKEN")
        if pointer is None:
            return None
        member = self.get_member(pointer.data["member_id"])
        return member if member is not None and same_digest(api_token, member.token_digest) else None

    def save(
        self, before: Member, after: Member, action: str, actor: str, *, consumed: Verification | None = None
    ) -> Member:
        """Write a transition with its audit event (and delete the verification it ``consumed``).

        The token pointer follows the digest: written for a new one, deleted
        with the one the member no longer holds.
        """
        changes: list[Write] = [Put(_item(after, before.version + 1), before.version)]
        if consumed is not None:
            changes.append(Delete(*consumed.key, consumed.version))
        if after.token_digest and after.token_digest != before.token_digest:
            changes.append(Put(Item(f"MEMBERTOKEN#{after.token_digest}", "TOKEN", {"member_id": after.id}), None))
        if before.token_digest and after.token_digest != before.token_digest:
            changes.append(Delete(f"MEMBERTOKEN#{before.token_digest}", "TOKEN", unconditional=True))
        event = self._event(after, action, actor, before=before.audit(), after=after.audit())
        self.store.commit(changes, [event])
        return replace(after, version=before.version + 1)

    def _event(self, member: Member, action: str, actor: str, **changes: Any) -> AuditEvent:
        return self.store.event(f"member:{member.id}", f"member:{member.id}", action, actor, **changes)
