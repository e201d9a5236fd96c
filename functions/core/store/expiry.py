"""The directory's short-lived records, deleted when they expire on both stores.

DynamoDB deletes items past their ``ttl`` by itself (within a day or two);
SQLite never does. So every expiring record of the directory is also queued
on ``gsi1`` under ``DIRQ#expiry``, sorted by its expiry, and the retention
tick step deletes what is due — on both stores, whatever TTL did first:

- ``MEMBER#{id}`` / ``PROFILE`` while unverified (a name and an e-mail nobody
  confirmed), at the end of its verification window; verifying takes it out;
- ``MEMBERVERIFY#…``, ``MEMBERREQ#…`` (registration cooldowns),
  ``IDEMPOTENCY#…``, ``CODETRIES#…`` (wrong short codes in an hour) and
  ``REPLYLINK#…`` (a link or a letter's short code, with its twin kept beside
  the report), each at its own expiry.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from functions.core.store.base import Ledger, Repository, sortable_time
from functions.core.store.items import ConditionFailed, Delete, Item, Write

EXPIRY_QUEUE = "DIRQ#expiry"


def expiry_keys(expires_at: int, pk: str, sk: str) -> dict[str, Any]:
    """The ``gsi1`` keys placing an item in the expiry queue (its keys keep the sort key unique)."""
    moment = sortable_time(datetime.fromtimestamp(expires_at, UTC))
    return {"gsi1pk": EXPIRY_QUEUE, "gsi1sk": f"{moment}#{pk}#{sk}", "expires_at": expires_at}


class Expiring(Repository):
    """Delete the directory's expired records."""

    def __init__(self, store: Ledger, forget_member: Callable[[Item], bool]) -> None:
        super().__init__(store)
        # An unverified member's profile is deleted by its own repository (``Members``), with its audit event.
        self.forget_member = forget_member

    def purge_expired(self, now: datetime, limit: int = 200) -> int:
        """Delete up to ``limit`` records whose expiry is past; return how many went."""
        page = self.backend.query(EXPIRY_QUEUE, index="gsi1", sk_to=sortable_time(now) + "#~", limit=limit)
        purged = 0
        for item in page.items:
            try:
                purged += self._purge(item)
            except ConditionFailed:
                continue  # changed meanwhile (a member verified at the last second): kept
        return purged

    def _purge(self, item: Item) -> bool:
        if item.pk.startswith("MEMBER#"):
            return self.forget_member(item)
        writes: list[Write] = [Delete(item.pk, item.sk, item.version)]
        if item.pk.startswith("REPLYLINK#"):
            twin = (f"DEBTOR#{item.data['debtor_siren']}", f"LINK#{item.data['report_id']}#{item.data['digest']}")
            writes.append(Delete(*twin, unconditional=True))
        self.backend.transact(writes)
        return True
