"""Stored solvency summaries: one item per company, so that a GET is one read.

The refresher rewrites a summary when its company changes (outbox marks) and
once a day while it holds time-dependent data (open reports age, the 24-month
window slides): such summaries sit on the ``SUMMARY-DUE`` queue (``gsi1``),
ordered by when they must next be recomputed. An alert for watchers is written
in the same transaction as the summary it derives from, so none is lost or
raised twice.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any

from functions.core.store.base import Repository, sortable_time
from functions.core.store.items import Delete, Item, Put

DUE_QUEUE = "SUMMARY-DUE"
ALERT_QUEUE = "ALERTS"


class Summaries(Repository):
    """Read and write solvency summaries; list those due for their daily refresh."""

    def get_summary(self, siren: str) -> dict[str, Any] | None:
        item = self.backend.get(f"COMPANY#{siren}", "SUMMARY")
        return dict(item.data) if item else None

    def get_item(self, siren: str) -> Item | None:
        return self.backend.get(f"COMPANY#{siren}", "SUMMARY")

    def get_summaries(self, sirens: Iterable[str]) -> dict[str, dict[str, Any]]:
        """Return the stored summaries of several companies (missing ones left out)."""
        items = self.backend.get_many([(f"COMPANY#{siren}", "SUMMARY") for siren in sirens])
        return {item.pk.removeprefix("COMPANY#"): dict(item.data) for item in items}

    def summary_put(
        self, siren: str, summary: Mapping[str, Any], current: Item | None, refresh_at: datetime | None
    ) -> Put:
        """Return the write that stores ``summary`` over ``current`` (version-checked)."""
        due = self.due_key(siren, refresh_at)
        keys: dict[str, Any] = {"gsi1pk": DUE_QUEUE if due else None, "gsi1sk": due}
        if current is None:
            return Put(Item(f"COMPANY#{siren}", "SUMMARY", dict(summary), **keys), None)
        return Put(current.bumped(dict(summary), **keys), current.version)

    @staticmethod
    def due_key(siren: str, refresh_at: datetime | None) -> str | None:
        """Return the summary's place on the refresh queue (None: it does not age)."""
        return f"{sortable_time(refresh_at)}#{siren}" if refresh_at is not None else None

    def delete_summary(self, current: Item) -> None:
        """Remove a summary (its company has nothing public any more), version-checked."""
        self.backend.transact([Delete(current.pk, current.sk, current.version)])

    def save_summary(self, siren: str, put: Put, alert: Mapping[str, Any] | None = None) -> None:
        """Store a summary, and the alert it raises for watchers, in one transaction."""
        writes = [put]
        if alert is not None:
            at = alert["at"]
            writes.append(
                Put(
                    Item(
                        f"ALERT#{alert['id']}", "ALERT", dict(alert), gsi1pk=ALERT_QUEUE, gsi1sk=f"{at}#{alert['id']}"
                    ),
                    None,
                )
            )
        self.backend.transact(writes)

    def list_due(self, now: datetime, limit: int = 500, cursor: str | None = None) -> tuple[list[str], str | None]:
        """Return one page of the companies whose summary must be recomputed by ``now``, oldest first."""
        page = self.backend.query(DUE_QUEUE, index="gsi1", sk_to=f"{sortable_time(now)}#~", limit=limit, cursor=cursor)
        return [item.pk.removeprefix("COMPANY#") for item in page.items], page.cursor

    def list_companies(self) -> list[str]:
        """Return every SIREN the summaries draw on (maintenance only: scans the table)."""
        sirens: set[str] = set()
        for prefix in ("COMPANY#", "DEBTOR#", "EXPERIENCES#", "SIGNATURE#"):
            sirens |= {pk.removeprefix(prefix) for pk in self.backend.scan_partitions(prefix)}
        return sorted(sirens)
