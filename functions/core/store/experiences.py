"""Payment experiences shared by members: never shown one by one, they feed the index.

Stored under their debtor (``EXPERIENCES#<siren>``), keyed by creditor and a
digest of the invoice (reference, dates, amount), so that sharing the same
invoice again replaces it instead of counting it twice.

Each one expires once the index no longer counts it (24 months after it was paid
or due, see :attr:`Experience.kept_until`): DynamoDB's TTL deletes it in
production, and the tick deletes it on every backend (SQLite has no TTL) from
the ``EXPERIENCE-EXPIRY#<month>`` queues (``gsi1``, one per month of expiry, so
that a large upload does not write to a single index partition).
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from datetime import date, datetime, time, timedelta

from functions.core.clock import PARIS, today_in_paris
from functions.core.domain.solvency import Experience, months_before
from functions.core.store.base import Repository, sortable_time
from functions.core.store.codec import from_data, to_data
from functions.core.store.items import Item, Put

# Experiences per transaction: each one may add an outbox mark, plus one audit event.
CHUNK = 45
EXPIRY_QUEUE = "EXPERIENCE-EXPIRY"
# Months of expiry the purge looks back over: a tick that stopped for up to two
# years still catches up (in production TTL deletes them anyway).
PURGE_MONTHS_BACK = 24


def _expiry_day(experience: Experience) -> date:
    return experience.kept_until + timedelta(days=1)


def _stored(experience: Experience, shared_at: str) -> Item:
    pk, sk = f"EXPERIENCES#{experience.debtor_siren}", _sort_key(experience)
    expires = _expiry_day(experience)
    data = {**to_data(experience), "shared_at": shared_at}
    return Item(
        pk,
        sk,
        data,
        gsi1pk=f"{EXPIRY_QUEUE}#{expires:%Y-%m}",
        gsi1sk=f"{expires.isoformat()}#{pk}#{sk}",
        # Midnight in Paris starting the first day it no longer counts.
        expires_at=int(datetime.combine(expires, time(0), PARIS).timestamp()),
    )


def _sort_key(experience: Experience) -> str:
    identity = "|".join(
        (
            experience.reference,
            experience.due_date.isoformat(),
            experience.paid_on.isoformat(),
            str(experience.amount_cents),
        )
    )
    return f"{experience.creditor_siren}#{hashlib.sha256(identity.encode()).hexdigest()[:20]}"


class Experiences(Repository):
    """Record and read shared payment experiences."""

    def share_experiences(self, creditor_siren: str, experiences: Sequence[Experience], actor: str) -> int:
        """Store experiences of one creditor; mark their debtors stale; return how many were written."""
        at = sortable_time(self.now())
        for start in range(0, len(experiences), CHUNK):
            chunk = experiences[start : start + CHUNK]
            writes = [Put(_stored(e, at), unconditional=True) for e in chunk]
            debtors = sorted({e.debtor_siren for e in chunk})
            event = self.store.event(
                f"member:{creditor_siren}",
                f"member:{creditor_siren}",
                "experiences.shared",
                actor,
                after={"count": len(chunk), "debtors": debtors, "amount_cents": sum(e.amount_cents for e in chunk)},
            )
            self.store.commit(writes, [event], touched=debtors)
        return len(experiences)

    def list_for_debtor(self, siren: str) -> list[Experience]:
        """Return every experience shared about ``siren``."""
        found: list[Experience] = []
        cursor: str | None = None
        while True:
            page = self.backend.query(f"EXPERIENCES#{siren}", limit=1000, cursor=cursor)
            found += [from_data(Experience, item.data) for item in page.items]
            if page.cursor is None:
                return found
            cursor = page.cursor

    def purge_expired(self, limit: int = 500) -> int:
        """Delete up to ``limit`` experiences the index no longer counts; return how many went."""
        today = today_in_paris(self.now())
        purged = 0
        for back in range(PURGE_MONTHS_BACK, -1, -1):
            month = months_before(today.replace(day=1), back)
            queue = f"{EXPIRY_QUEUE}#{month:%Y-%m}"
            page = self.backend.query(queue, index="gsi1", sk_to=f"{today.isoformat()}#~", limit=limit - purged)
            purged += self.delete_unchanged(page.items)
            if purged >= limit:
                break
        return purged
