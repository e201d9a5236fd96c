"""Charter signatures: the register, pending e-mailed links, audited status changes.

Items, all in the company's partition except the links:

- ``SIGNATURE#<siren>/RECORD``: the signature; in ``gsi2`` under ``SIGNATURES``
  (the whole register, by folded name);
- ``SIGNATURE#<siren>/ENTRY``: the same data, in ``gsi2`` under its status
  partition (``SIGNATURES#active#<version>``, ``SIGNATURES#suspended``,
  ``SIGNATURES#withdrawn``), so that a status filter is one exact query and
  ``active`` can never return a suspended or withdrawn company. Active
  signatures are split by version because ``outdated`` is derived from the
  current version, which changes with the date, not with a write;
- ``SIGNATURE#<siren>/PENDING#<purpose>``: the latest link sent (to refuse a
  burst of requests and to invalidate an older link);
- ``SIGNATURE#<siren>/CLAIM#<id>``: a verified request whose right to sign is
  not proven (one per requesting mailbox), in ``gsi2`` under ``SIGNATURE-CLAIMS``
  (the moderators' queue, oldest first) and in the purge queue at its expiry;
- ``CHARTERLINK#<sha256>/LINK``: an e-mailed link, looked up by its hash;
- ``CHARTERMAILBOX#<sha256>/LAST#<purpose>``: when a link last went to one
  mailbox (known by the digest of its address only), so that requests naming
  many SIRENs cannot flood one inbox.

Record and entry are written together in one transaction, conditioned on the
record's version, with the audit event and the company's refresh mark.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Any

from functions.core.clock import isoformat, today_in_paris
from functions.core.domain.charter import (
    CharterCatalog,
    Claim,
    Link,
    LinkPurpose,
    Signature,
    SignatureStatus,
    Standing,
    load_charter,
)
from functions.core.store.base import AuditEvent, Repository, sortable_time
from functions.core.store.codec import from_data, from_item, to_data
from functions.core.store.items import ConditionFailed, Delete, Item, Put, Write, decode_cursor, encode_cursor
from functions.core.text import fold

REGISTER = "SIGNATURES"
# gsi2 queue of claims awaiting a moderator, by verification time.
CLAIMS = "SIGNATURE-CLAIMS"
# gsi1 queue of links and pending markers by purge time: DynamoDB's TTL deletes
# them in production; the tick deletes them everywhere (SQLite has no TTL), since
# an unverified request holds a name and an address that must not linger.
PURGE_QUEUE = "CHARTERLINKS"
# Links are kept a day past their expiry so that a late click says "expired", not "unknown".
_LINK_KEEP_SECONDS = 24 * 3600


@dataclass(frozen=True)
class Pending:
    """The latest link sent for a company and purpose."""

    token_hash: str
    requested_at: datetime
    revision: int = 0


@dataclass(frozen=True)
class MailboxMark:
    """When a charter link last went to one mailbox (None: never, or long enough ago to be purged)."""

    digest: str
    requested_at: datetime | None = None
    revision: int = 0


def status_partition(standing: Standing, charter_version: str) -> str:
    """Return the ``gsi2`` partition of a signature's register entry."""
    if standing is Standing.ACTIVE:
        return f"{REGISTER}#active#{charter_version}"
    return f"{REGISTER}#{standing.value}"


def _audit_view(signature: Signature | None) -> dict[str, Any] | None:
    """Identifiers, statuses and dates only: names and e-mails stay out of the audit log."""
    if signature is None:
        return None
    return {
        "siren": signature.siren,
        "charter_version": signature.charter_version,
        "signed_at": isoformat(signature.signed_at),
        "standing": signature.standing.value,
        "standing_since": isoformat(signature.since),
    }


def _purge_key(expiry: int, pk: str, sk: str) -> str:
    """Sort key in the purge queue: the purge time first, the item's keys to keep it unique."""
    return f"{sortable_time(datetime.fromtimestamp(expiry, UTC))}#{pk}#{sk}"


class Signatures(Repository):
    """Read and record charter signatures and their links."""

    @property
    def catalog(self) -> CharterCatalog:
        return load_charter()

    # -- the register ----------------------------------------------------------
    def get_signature(self, siren: str) -> Signature | None:
        item = self.backend.get(f"SIGNATURE#{siren}", "RECORD")
        return from_item(Signature, item) if item else None

    def list_signatures(
        self,
        status: SignatureStatus | str | None = None,
        prefix: str | None = None,
        limit: int = 20,
        cursor: str | None = None,
    ) -> tuple[list[Signature], str | None]:
        """Return one page of the register, by folded name; raise ValueError on a forged cursor.

        ``prefix`` matches the start of the company name, ignoring case and accents.
        ``outdated`` walks the partitions of the older versions, newest first.
        """
        partitions = self._partitions(SignatureStatus(status) if status else None)
        sk_prefix = fold(prefix or "")
        start, inner = 0, None
        if cursor:
            position = decode_cursor(cursor)
            if position.get("p") not in partitions:
                raise ValueError("invalid cursor")
            start, inner = partitions.index(position["p"]), position.get("c") or None
        found: list[Signature] = []
        for index in range(start, len(partitions)):
            page = self.backend.query(
                partitions[index], index="gsi2", sk_prefix=sk_prefix, limit=limit - len(found), cursor=inner
            )
            found.extend(from_item(Signature, item) for item in page.items)
            inner = None
            if page.cursor is not None:
                return found, encode_cursor({"p": partitions[index], "c": page.cursor})
            if len(found) >= limit:
                following = index + 1
                return found, encode_cursor({"p": partitions[following], "c": ""}) if following < len(
                    partitions
                ) else None
        return found, None

    def _partitions(self, status: SignatureStatus | None) -> list[str]:
        current = self.catalog.current(today_in_paris(self.now())).version
        if status is None:
            return [REGISTER]
        if status is SignatureStatus.ACTIVE:
            return [status_partition(Standing.ACTIVE, current)]
        if status is SignatureStatus.OUTDATED:
            return [status_partition(Standing.ACTIVE, v.version) for v in self.catalog.older_than(current)]
        return [status_partition(Standing(status.value), current)]

    # -- changes ---------------------------------------------------------------
    def record_signature(
        self,
        signature: Signature,
        previous: Signature | None,
        *,
        action: str,
        actor: str,
        consumed: Link | None = None,
        consumed_hash: str | None = None,
        settled: Claim | None = None,
    ) -> Signature:
        """Write a signature (new or changed) with its audit event; raise ConditionFailed on a race.

        ``settled`` is the claim a moderator approved: it goes in the same transaction.
        """
        data = to_data(signature)
        folded = fold(signature.company_name)
        sort_key = f"{folded}#{signature.siren}"
        pk = f"SIGNATURE#{signature.siren}"
        if previous is None:
            record = Put(Item(pk, "RECORD", data, 1, gsi2pk=REGISTER, gsi2sk=sort_key), None)
        else:
            stored = Item(pk, "RECORD", {}, previous.revision)
            record = Put(stored.bumped(data, gsi2pk=REGISTER, gsi2sk=sort_key), previous.revision)
        entry = Item(
            pk, "ENTRY", data, gsi2pk=status_partition(signature.standing, signature.charter_version), gsi2sk=sort_key
        )
        writes: list[Write] = [record, Put(entry, unconditional=True)]
        if consumed is not None and consumed_hash is not None:
            writes += self._consume(consumed, consumed_hash)
        if settled is not None:
            writes.append(Delete(pk, f"CLAIM#{settled.id}", settled.revision))
        event = self._event(signature.siren, action, actor, before=_audit_view(previous), after=_audit_view(signature))
        self.store.commit(writes, [event], touched=[signature.siren])
        return replace(signature, revision=record.item.version)

    def record_claim(
        self, claim: Claim, previous: Claim | None, *, actor: str, consumed: Link, consumed_hash: str
    ) -> Claim:
        """Record a claim (replacing the same mailbox's earlier one) and spend its link; ConditionFailed on a race."""
        pk, sk = f"SIGNATURE#{claim.request.siren}", f"CLAIM#{claim.id}"
        expiry = int(claim.expires_at.timestamp())
        data = to_data(claim)
        item = Item(
            pk,
            sk,
            data,
            previous.revision + 1 if previous else 1,
            expires_at=expiry,
            gsi1pk=PURGE_QUEUE,
            gsi1sk=_purge_key(expiry, pk, sk),
            gsi2pk=CLAIMS,
            gsi2sk=f"{sortable_time(claim.verified_at)}#{claim.request.siren}#{claim.id}",
        )
        writes: list[Write] = [
            Put(item, previous.revision if previous else None),
            *self._consume(consumed, consumed_hash),
        ]
        after = {"siren": claim.request.siren, "claim": claim.id, "charter_version": claim.request.charter_version}
        self.store.commit(writes, [self._event(claim.request.siren, "signature.claimed", actor, after=after)])
        return replace(claim, revision=item.version)

    def get_claim(self, siren: str, claim_id: str) -> Claim | None:
        item = self.backend.get(f"SIGNATURE#{siren}", f"CLAIM#{claim_id}")
        return from_item(Claim, item) if item else None

    def list_claims(self, limit: int = 50, cursor: str | None = None) -> tuple[list[Claim], str | None]:
        """Return one page of the claims awaiting a moderator, oldest first (expired ones left out)."""
        page = self.backend.query(CLAIMS, index="gsi2", limit=limit, cursor=cursor)
        now = self.now()
        return [c for c in (from_item(Claim, item) for item in page.items) if c.expires_at > now], page.cursor

    def drop_claim(self, claim: Claim, *, action: str, actor: str) -> None:
        """Delete a claim a moderator refused; ConditionFailed if it changed meanwhile."""
        siren = claim.request.siren
        event = self._event(siren, action, actor, after={"siren": siren, "claim": claim.id})
        self.store.commit([Delete(f"SIGNATURE#{siren}", f"CLAIM#{claim.id}", claim.revision)], [event])

    def consume_link(self, link: Link, token_hash: str, *, action: str, actor: str) -> None:
        """Spend a link that changes nothing (re-signing the same version), audited."""
        event = self._event(link.siren, action, actor, after={"siren": link.siren, "purpose": link.purpose.value})
        self.store.commit(self._consume(link, token_hash), [event])

    def _consume(self, link: Link, token_hash: str) -> list[Write]:
        # The link's version condition makes it single-use even under concurrent clicks.
        return [
            Delete(f"CHARTERLINK#{token_hash}", "LINK", link.revision),
            Delete(f"SIGNATURE#{link.siren}", f"PENDING#{link.purpose.value}", unconditional=True),
        ]

    def _event(self, siren: str, action: str, actor: str, **changes: Any) -> AuditEvent:
        return self.store.event(f"company:{siren}", f"signature:{siren}", action, actor, **changes)

    # -- e-mailed links --------------------------------------------------------
    def get_pending(self, siren: str, purpose: LinkPurpose) -> Pending | None:
        item = self.backend.get(f"SIGNATURE#{siren}", f"PENDING#{purpose.value}")
        return from_item(Pending, item) if item else None

    def get_mailbox(self, digest: str, purpose: LinkPurpose) -> MailboxMark:
        item = self.backend.get(f"CHARTERMAILBOX#{digest}", f"LAST#{purpose.value}")
        if item is None:
            return MailboxMark(digest)
        return from_data(MailboxMark, {**item.data, "digest": digest}, item.version)

    def get_link(self, token_hash: str) -> Link | None:
        item = self.backend.get(f"CHARTERLINK#{token_hash}", "LINK")
        if item is None:
            return None
        return from_item(Link, item)

    def record_link(
        self,
        link: Link,
        token_hash: str,
        previous: Pending | None,
        mailbox: MailboxMark,
        *,
        mailbox_until: datetime,
        actor: str,
    ) -> None:
        """Store a new link, replacing (and invalidating) the company's previous one for that purpose.

        The mailbox it goes to is marked until ``mailbox_until`` (then purged).
        """
        siren, purpose = link.siren, link.purpose.value
        expiry = int(link.expires_at.timestamp()) + _LINK_KEEP_SECONDS
        data = to_data(link)
        marker = to_data(Pending(token_hash, link.created_at))
        revision = previous.revision + 1 if previous else 1
        pending_pk, link_pk = f"SIGNATURE#{siren}", f"CHARTERLINK#{token_hash}"
        pending_item = Item(
            pending_pk,
            f"PENDING#{purpose}",
            marker,
            revision,
            expires_at=expiry,
            gsi1pk=PURGE_QUEUE,
            gsi1sk=_purge_key(expiry, pending_pk, f"PENDING#{purpose}"),
        )
        link_item = Item(
            link_pk, "LINK", data, expires_at=expiry, gsi1pk=PURGE_QUEUE, gsi1sk=_purge_key(expiry, link_pk, "LINK")
        )
        mailbox_pk, mailbox_sk = f"CHARTERMAILBOX#{mailbox.digest}", f"LAST#{purpose}"
        mailbox_expiry = int(mailbox_until.timestamp())
        mailbox_item = Item(
            mailbox_pk,
            mailbox_sk,
            to_data(MailboxMark(mailbox.digest, link.created_at)),
            mailbox.revision + 1,
            expires_at=mailbox_expiry,
            gsi1pk=PURGE_QUEUE,
            gsi1sk=_purge_key(mailbox_expiry, mailbox_pk, mailbox_sk),
        )
        writes: list[Write] = [
            Put(link_item, None),
            # Conditioned on the markers we read: two requests at once, for one company
            # or to one mailbox, cannot both send a link.
            Put(pending_item, previous.revision if previous else None),
            Put(mailbox_item, mailbox.revision or None),
        ]
        if previous is not None:
            writes.append(Delete(f"CHARTERLINK#{previous.token_hash}", "LINK", unconditional=True))
        after = {"siren": siren, "purpose": purpose, "expires_at": isoformat(link.expires_at)}
        if link.request is not None:
            after["charter_version"] = link.request.charter_version
        self.store.commit(writes, [self._event(siren, f"signature.{purpose}_link_sent", actor, after=after)])

    def purge_expired_links(self, limit: int = 500) -> int:
        """Delete links and markers a day past their expiry; return how many went."""
        page = self.backend.query(PURGE_QUEUE, index="gsi1", sk_to=sortable_time(self.now()), limit=limit)
        purged = 0
        for item in page.items:
            try:
                # Conditioned on the version read: a marker re-issued meanwhile stays.
                self.backend.transact([Delete(item.pk, item.sk, item.version)])
            except ConditionFailed:
                continue
            purged += 1
        return purged
