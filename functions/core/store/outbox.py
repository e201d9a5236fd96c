"""Companies that something must catch up with: one queue of marks per consumer.

A write that changes a company marks it in the same transaction (``OUTBOX``:
its derived data, summary and charter standing, are stale); consumers (the
request that made the change, then the tick as a safety net) refresh it and
clear the mark. Once refreshed, the company is marked in ``PUBLISH``: the
publisher reads that queue to know which companies' pages to read and render
again, and clears each mark once the site shows the change. A mark set again
while a consumer works has a new version, so the consumer's conditional
delete fails and the company stays marked: nothing is lost between the change
and its consequences.
"""

from __future__ import annotations

from functions.core.store.base import OUTBOX_QUEUE, Ledger, Repository, stale_mark
from functions.core.store.items import ConditionFailed, Delete, Item, Put

QUEUE = OUTBOX_QUEUE
# Companies whose public content may have changed since the site last showed them.
PUBLISH_QUEUE = "PUBLISH"


class Marks(Repository):
    """Marks, lists and clears the companies of one queue."""

    def __init__(self, store: Ledger, queue: str = QUEUE) -> None:
        super().__init__(store)
        self.queue = queue

    def mark(self, siren: str) -> Put:
        """Return the write that marks ``siren`` (to join a transaction)."""
        return stale_mark(siren, self.now(), self.queue)

    def mark_now(self, siren: str) -> None:
        """Mark ``siren`` on its own (a consumer handing the company on to the next one)."""
        self.backend.transact([self.mark(siren)])

    def get_mark(self, siren: str) -> Item | None:
        """Return the mark on one company, or None when it is up to date."""
        return self.backend.get(f"{self.queue}#{siren}", "MARK")

    def list_marked(self, limit: int = 500) -> list[Item]:
        """Return the oldest marks first."""
        return self.backend.query(self.queue, index="gsi1", limit=limit).items

    def all_marked(self) -> list[Item]:
        """Return every mark, oldest first, page after page (a full publish clears them all)."""
        return self.query_all(self.queue, index="gsi1")

    def clear(self, mark: Item) -> bool:
        """Clear a mark unless it was set again meanwhile; tell whether it was cleared."""
        try:
            self.backend.transact([Delete(mark.pk, mark.sk, mark.version)])
        except ConditionFailed:
            return False
        return True
