"""The official registry as imported: SIRENE identities, BODACC judgments, and the imports' progress.

Items:

- ``REGISTRY#{siren}`` / ``UNIT``: the legal unit, a ``CompanyIdentity`` without its head office;
- ``REGISTRY#{siren}`` / ``SEAT``: its head office (``HeadOffice``), joined in when read;
- ``REGISTRY#{siren}`` / ``BODACC#{notice id}``: one BODACC notice of a judgment (``Judgment``);
- ``REGISTRY#{siren}`` / ``CANCEL#{notice id}``: a later notice cancelled that one (``Cancellation``; it may
  come first);
- ``REGISTRY#IMPORTS`` / ``{source}#{fingerprint}``: how far the import of one file got;
- ``REGISTRY#SOURCES`` / ``{source}``: the last completed import of each source (the site says how fresh).

Registry items are public data copied in bulk (``ItemBackend.put_newer``): an
older file never overwrites newer data (the rows' own update stamps decide),
and a file imported again writes nothing. Each is a domain value written and
read through the one codec (``store/codec.py``); a judgment's item also keeps
its publication day as ``updated``, the stamp ``newer_or_corrected`` compares.
They carry no audit event each: the
imports are audited, one event per completed file. A write that changes a
company the directory knows marks it stale (``outbox``), so its pages follow.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

from functions.core.domain.registry import Cancellation, CompanyIdentity, HeadOffice, Judgment, with_head_office
from functions.core.store.base import Repository, stale_mark
from functions.core.store.codec import encoded, from_data, from_item, to_data
from functions.core.store.items import MAX_TRANSACTION_WRITES, Item, Put

# The files an operator imports: SIRENE's two (legal units, establishments) and BODACC's export.
SOURCES = ("sirene_unites", "sirene_etablissements", "bodacc")
_IMPORTS = "REGISTRY#IMPORTS"
_SOURCES = "REGISTRY#SOURCES"


def _partition(siren: str) -> str:
    return f"REGISTRY#{siren}"


def newer_or_corrected(stored: Mapping[str, Any] | None, new: Mapping[str, Any]) -> bool:
    """Replace stored data with data stamped later, or stamped the same day and different (a correction)."""
    if stored is None:
        return True
    if new.get("updated", "") != stored.get("updated", ""):
        return str(new.get("updated", "")) > str(stored.get("updated", ""))
    return dict(stored) != dict(new)


@dataclass(frozen=True)
class ImportProgress:
    """How far the import of one file got: where to carry on, and whether it is complete."""

    source: str
    fingerprint: str
    name: str
    offset: int = 0
    records: int = 0
    written: int = 0
    done: bool = False
    started_at: str = ""
    finished_at: str = ""
    file_date: str = ""  # the latest update stamp read in the file (its freshness)


def _judgment_item(siren: str, judgment: Judgment) -> Item:
    data = {**to_data(judgment), "updated": judgment.published_on.isoformat()}
    return Item(_partition(siren), f"BODACC#{judgment.notice_id}", data)


class Registry(Repository):
    """Read and bulk-write the registry."""

    # -- identities ------------------------------------------------------------------------
    def get_identity(self, siren: str) -> CompanyIdentity | None:
        """The registry's identity of a company, None when SIRENE was never imported for it."""
        return self.get_identities([siren]).get(siren)

    def get_identities(self, sirens: Sequence[str]) -> dict[str, CompanyIdentity]:
        """The identities known among ``sirens``, in one batch read."""
        unique = list(dict.fromkeys(sirens))
        items = self.backend.get_many([(_partition(s), sk) for s in unique for sk in ("UNIT", "SEAT")])
        units = [from_item(CompanyIdentity, item) for item in items if item.sk == "UNIT"]
        seats = {seat.siren: seat for seat in (from_item(HeadOffice, item) for item in items if item.sk == "SEAT")}
        return {unit.siren: with_head_office(unit, seats.get(unit.siren)) for unit in units}

    def put_units(self, units: Sequence[CompanyIdentity]) -> int:
        """Write legal units, their head office left out (newer data only); return how many changed."""
        return self._put_newer([Item(_partition(unit.siren), "UNIT", encoded(unit)) for unit in units])

    def put_seats(self, seats: Sequence[HeadOffice]) -> int:
        """Write head offices (newer data only); return how many changed."""
        return self._put_newer([Item(_partition(seat.siren), "SEAT", encoded(seat)) for seat in seats])

    # -- judgments ---------------------------------------------------------------------------
    def put_judgments(self, judgments: Sequence[tuple[str, Judgment]]) -> int:
        """Write BODACC judgments, each under its SIREN; return how many changed."""
        items = [_judgment_item(siren, judgment) for siren, judgment in judgments]
        return self._put_newer(list({(item.pk, item.sk): item for item in items}.values()), watched=True)

    def cancel_judgments(self, cancelled: Sequence[tuple[str, str]]) -> int:
        """Record that notices (SIREN, notice id) were cancelled by a later one, known yet or not."""
        items = [
            Item(_partition(siren), f"CANCEL#{notice}", to_data(Cancellation(notice))) for siren, notice in cancelled
        ]
        return self._put_newer(list({(item.pk, item.sk): item for item in items}.values()), watched=True)

    def list_judgments(self, siren: str) -> list[Judgment]:
        """Every BODACC judgment recorded for a company; those a later notice cancelled are flagged."""
        items = self.backend.query(_partition(siren), sk_prefix="BODACC#").items
        cancels = {
            from_item(Cancellation, item).notice_id
            for item in self.backend.query(_partition(siren), sk_prefix="CANCEL#").items
        }
        judgments = [from_item(Judgment, item) for item in items]
        return [replace(judgment, cancelled=judgment.notice_id in cancels) for judgment in judgments]

    def judgments_of(self, sirens: Sequence[str]) -> dict[str, list[Judgment]]:
        return {siren: self.list_judgments(siren) for siren in dict.fromkeys(sirens)}

    def _put_newer(self, items: list[Item], *, watched: bool = False) -> int:
        if not items:
            return 0
        written = self.backend.put_newer(items, newer_or_corrected)
        self._mark_directory_companies({item.pk.removeprefix("REGISTRY#") for item in written}, watched=watched)
        return len(written)

    def _mark_directory_companies(self, sirens: set[str], *, watched: bool) -> None:
        """Mark stale the companies the directory knows whose registry data just changed.

        With ``watched``, a company a subscriber watches too (a proceeding opening
        is news to its watchers, known to the directory or not).
        """
        if not sirens:
            return
        known = {
            item.data["siren"]
            for item in self.backend.get_many([(f"COMPANY#{siren}", "PROFILE") for siren in sorted(sirens)])
        }
        if watched:
            known |= {siren for siren in sirens - known if self.backend.query(f"WATCHERS#{siren}", limit=1).items}
        marks = [stale_mark(siren, self.now()) for siren in sorted(known)]
        for start in range(0, len(marks), MAX_TRANSACTION_WRITES):
            self.backend.transact(marks[start : start + MAX_TRANSACTION_WRITES])

    # -- imports -----------------------------------------------------------------------------
    def get_progress(self, source: str, fingerprint: str) -> ImportProgress | None:
        item = self.backend.get(_IMPORTS, f"{source}#{fingerprint}")
        return from_data(ImportProgress, item.data) if item else None

    def save_progress(self, progress: ImportProgress) -> None:
        """Keep how far an import got (last writer wins: one import of a file runs at a time)."""
        key = f"{progress.source}#{progress.fingerprint}"
        current = self.backend.get(_IMPORTS, key)
        item = Item(_IMPORTS, key, to_data(progress), (current.version + 1) if current else 1)
        writes = [Put(item, unconditional=True)]
        events = []
        if progress.done:
            writes.append(Put(Item(_SOURCES, progress.source, to_data(progress)), unconditional=True))
            events.append(
                self.store.event(
                    f"registry:{progress.source}",
                    "registry",
                    "registry.imported",
                    "operator",
                    after={
                        "source": progress.source,
                        "file": progress.name,
                        "records": progress.records,
                        "written": progress.written,
                        "fingerprint": progress.fingerprint,
                    },
                )
            )
        self.store.commit(writes, events)

    def last_imports(self) -> dict[str, ImportProgress]:
        """The last completed import of each source (what the site says of the data's freshness)."""
        page = self.backend.query(_SOURCES)
        return {item.sk: from_data(ImportProgress, item.data) for item in page.items}
