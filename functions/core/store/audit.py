"""The audit log: append-only, one partition per subject (usually a company)."""

from __future__ import annotations

from collections.abc import Iterator

from functions.core.store.base import AuditEvent, Repository


class AuditLog(Repository):
    """Read the events appended by :meth:`Store.commit`."""

    def list_events(self, subject: str) -> list[AuditEvent]:
        """Return every event about ``subject``, oldest first."""
        return list(self.iter_events(subject))

    def iter_events(self, subject: str) -> Iterator[AuditEvent]:
        cursor: str | None = None
        while True:
            page = self.backend.query(f"AUDIT#{subject}", limit=500, cursor=cursor)
            for item in page.items:
                yield AuditEvent(**item.data)
            if page.cursor is None:
                return
            cursor = page.cursor

    def list_subjects(self, prefix: str = "") -> list[str]:
        """Return every subject that has events (maintenance jobs only: scans)."""
        return [pk.removeprefix("AUDIT#") for pk in self.backend.scan_partitions(f"AUDIT#{prefix}")]
