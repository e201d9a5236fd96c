"""Watchlists: which subscriber watches which company, kept both ways.

``WATCH#<subscriber>`` lists a subscriber's companies (``GET /watchlist``);
``WATCHERS#<siren>`` lists a company's watchers (alert fan-out). Both items are
written and deleted in one transaction so the two views never disagree.

A portfolio import (``watch_many``) writes them in bulk instead (``put_newer``:
BatchWriteItem by 25 on DynamoDB, ``executemany`` on SQLite), the company's
side first: an interrupted import leaves at most watchers the subscriber's list
does not show yet, which the same file sent again completes.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from functions.core.store.base import Repository, sortable_time
from functions.core.store.items import ConditionFailed, Delete, Item, Put


class Watchlist(Repository):
    """Add, remove and list watched companies."""

    def watch(self, subscriber_id: str, siren: str, actor: str) -> bool:
        """Watch a company; return False when it was already watched (nothing changes)."""
        at = sortable_time(self.now())
        writes = [
            Put(Item(f"WATCH#{subscriber_id}", siren, {"siren": siren, "added_at": at}), None),
            Put(Item(f"WATCHERS#{siren}", subscriber_id, {"subscriber_id": subscriber_id}), unconditional=True),
        ]
        event = self.store.event(
            f"subscriber:{subscriber_id}", f"watch:{siren}", "watch.added", actor, after={"siren": siren}
        )
        try:
            self.store.commit(writes, [event])
        except ConditionFailed:
            return False
        return True

    def unwatch(self, subscriber_id: str, siren: str, actor: str) -> bool:
        """Stop watching a company; return False when it was not watched."""
        current = self.backend.get(f"WATCH#{subscriber_id}", siren)
        if current is None:
            return False
        writes = [
            Delete(f"WATCH#{subscriber_id}", siren, current.version),
            Delete(f"WATCHERS#{siren}", subscriber_id, unconditional=True),
        ]
        event = self.store.event(
            f"subscriber:{subscriber_id}", f"watch:{siren}", "watch.removed", actor, before={"siren": siren}
        )
        try:
            self.store.commit(writes, [event])
        except ConditionFailed:
            return False
        return True

    def watch_many(self, subscriber_id: str, sirens: Sequence[str], actor: str) -> list[str]:
        """Watch many companies in bulk; return those newly watched (one already watched keeps its date)."""
        at = sortable_time(self.now())
        self.backend.put_newer(
            [Item(f"WATCHERS#{siren}", subscriber_id, {"subscriber_id": subscriber_id}) for siren in sirens], _absent
        )
        written = self.backend.put_newer(
            [Item(f"WATCH#{subscriber_id}", siren, {"siren": siren, "added_at": at}) for siren in sirens], _absent
        )
        added = [item.sk for item in written]
        if added:
            event = self.store.event(
                f"subscriber:{subscriber_id}", "watchlist", "watch.imported", actor, after={"added": len(added)}
            )
            self.store.commit([], [event])
        return added

    def list_watched(
        self, subscriber_id: str, limit: int = 100, cursor: str | None = None
    ) -> tuple[list[dict[str, str]], str | None]:
        """Return the subscriber's watched companies by SIREN, one page at a time."""
        page = self.backend.query(f"WATCH#{subscriber_id}", limit=limit, cursor=cursor)
        return [dict(item.data) for item in page.items], page.cursor

    def iter_watchers(self, siren: str) -> Iterator[str]:
        """Yield the ids of the subscribers watching ``siren``."""
        cursor: str | None = None
        while True:
            page = self.backend.query(f"WATCHERS#{siren}", limit=500, cursor=cursor)
            yield from (item.sk for item in page.items)
            if page.cursor is None:
                return
            cursor = page.cursor


def _absent(stored: Mapping[str, Any] | None, new: Mapping[str, Any]) -> bool:
    """Write only what is not there yet: a company watched already keeps the date it was added."""
    return stored is None
