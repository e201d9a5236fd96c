"""Companies whose derived data (summary, charter status, site page) is stale.

A write that changes a company marks it in the same transaction; consumers
(the request that made the change, then the tick as a safety net) refresh it
and clear the mark. A mark set again while a consumer works has a new version,
so the consumer's conditional delete fails and the company stays marked:
nothing is lost between the change and its consequences.
"""

from __future__ import annotations

from functions.core.store.base import OUTBOX_QUEUE, Repository, stale_mark
from functions.core.store.items import ConditionFailed, Delete, Item, Put

QUEUE = OUTBOX_QUEUE


class Outbox(Repository):
    """Marks, lists and clears stale companies."""

    def mark(self, siren: str) -> Put:
        """Return the write that marks ``siren`` stale (to join a transaction)."""
        return stale_mark(siren, self.now())

    def get_mark(self, siren: str) -> Item | None:
        """Return the mark on one company, or None when it is up to date."""
        return self.backend.get(f"OUTBOX#{siren}", "MARK")

    def list_marked(self, limit: int = 500) -> list[Item]:
        """Return the oldest marks first."""
        return self.backend.query(QUEUE, index="gsi1", limit=limit).items

    def clear(self, mark: Item) -> bool:
        """Clear a mark unless it was set again meanwhile; tell whether it was cleared."""
        try:
            self.backend.transact([Delete(mark.pk, mark.sk, mark.version)])
        except ConditionFailed:
            return False
        return True
