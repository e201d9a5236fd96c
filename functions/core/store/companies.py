"""Company identities: SIREN, name and address, and name look-ups.

Items under ``COMPANY#{siren}``:

- ``PROFILE``: the identity; ``gsi2`` ``name_partition(folded)`` /
  ``{folded}#{siren}`` finds it by the start of its folded name.
- ``NAMEWORD#{n}``: one per further word of the folded name (``MAX_NAME_WORDS``
  at most), ``gsi2`` ``name_partition(suffix)`` / ``{suffix}#{siren}`` where
  ``suffix`` is the folded name from word ``n`` to the end, so that a search
  matches the start of any word, by the rules the public site's search follows
  too (``functions/core/text.py``). Written in the
  same transaction as the profile; stale ones are deleted when the name changes.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import TypedDict

from functions.core.store.base import AuditEvent, Repository, retry_on_conflict
from functions.core.store.items import Delete, Item, Put, Write
from functions.core.text import fold, name_suffixes, searchable


@dataclass(frozen=True)
class Company:
    """What the directory knows of a company's identity (public information)."""

    siren: str
    name: str
    address: str = ""
    postal_code: str = ""
    city: str = ""
    verified: bool = False  # taken from the official registry (SIRENE), not from what someone typed


def name_partition(folded_name: str) -> str:
    """Bucket names by their first two folded characters for prefix look-ups."""
    return "NAME#" + (folded_name[:2] or "_")


_WORD_PREFIX = "NAMEWORD#"


class NameKeys(TypedDict):
    gsi2pk: str
    gsi2sk: str


def name_keys(company: Company) -> NameKeys:
    """The ``gsi2`` keys of a company's profile: its whole folded name."""
    folded = fold(company.name)
    return {"gsi2pk": name_partition(folded), "gsi2sk": f"{folded}#{company.siren}"}


def name_word_items(company: Company) -> list[Item]:
    """The look-up items finding ``company`` by the start of each further word of its name."""
    return [
        Item(
            f"COMPANY#{company.siren}",
            f"{_WORD_PREFIX}{n}",
            {"siren": company.siren},
            gsi2pk=name_partition(suffix),
            gsi2sk=f"{suffix}#{company.siren}",
        )
        for n, suffix in enumerate(name_suffixes(fold(company.name))[1:], start=1)
    ]


class Companies(Repository):
    """Read and record company identities."""

    def get_company(self, siren: str) -> Company | None:
        item = self.backend.get(f"COMPANY#{siren}", "PROFILE")
        return Company(**item.data) if item else None

    def get_companies(self, sirens: Sequence[str]) -> dict[str, Company]:
        """Return the known identities among ``sirens`` in one batch read (unknown ones left out)."""
        items = self.backend.get_many([(f"COMPANY#{siren}", "PROFILE") for siren in dict.fromkeys(sirens)])
        return {item.data["siren"]: Company(**item.data) for item in items}

    def first_record(self, company: Company, actor: str) -> tuple[list[Put], list[AuditEvent]]:
        """The write and event recording an identity still unknown, to join another transaction; none if known.

        The write expects the company to be absent: a concurrent first record
        makes the whole transaction fail (ConditionFailed), so the caller retries.
        """
        if self.backend.get(f"COMPANY#{company.siren}", "PROFILE") is not None:
            return [], []
        data = asdict(company)
        item = Item(f"COMPANY#{company.siren}", "PROFILE", data, **name_keys(company))
        event = self.store.event(
            f"company:{company.siren}", f"company:{company.siren}", "company.recorded", actor, after=data
        )
        return [Put(item, None), *(Put(word, None) for word in name_word_items(company))], [event]

    def record_company(self, company: Company, actor: str) -> Company:
        """Create or update a company's identity; a no-op when nothing changed."""

        def attempt() -> Company:
            current = self.backend.get(f"COMPANY#{company.siren}", "PROFILE")
            data = asdict(company)
            if current is not None and current.data == data:
                return company
            keys = name_keys(company)
            if current is None:
                put = Put(Item(f"COMPANY#{company.siren}", "PROFILE", data, **keys), None)
            else:
                put = Put(current.bumped(data, **keys), current.version)
            event = self.store.event(
                f"company:{company.siren}",
                f"company:{company.siren}",
                "company.recorded",
                actor,
                before=current.data if current else None,
                after=data,
            )
            self.store.commit([put, *self._word_writes(company)], [event], touched=[company.siren])
            return company

        return retry_on_conflict(attempt)

    def _word_writes(self, company: Company) -> list[Write]:
        """Replace the word look-ups stored for ``company`` by those of its current name."""
        stored = {
            item.sk: item
            for item in self.backend.query(f"COMPANY#{company.siren}", sk_prefix=_WORD_PREFIX, limit=100).items
        }
        writes: list[Write] = []
        for word in name_word_items(company):
            previous = stored.pop(word.sk, None)
            if previous is None:
                writes.append(Put(word, None))
            elif (previous.data, previous.gsi2pk, previous.gsi2sk) != (word.data, word.gsi2pk, word.gsi2sk):
                writes.append(Put(previous.bumped(word.data, gsi2pk=word.gsi2pk, gsi2sk=word.gsi2sk), previous.version))
        writes.extend(Delete(item.pk, item.sk, item.version) for item in stored.values())
        return writes

    def search_by_name(
        self, prefix: str, limit: int = 20, cursor: str | None = None
    ) -> tuple[list[Company], str | None]:
        """Return companies with a word of their folded name starting ``prefix`` (two characters at least).

        The prefix may span several words ("deschamps sa" finds "Chauvin
        Deschamps SARL"). A company matched by several of its look-ups (its
        whole name and a word, or two words) shows once: under the first of
        them in the index's order, so paging neither repeats nor skips it.
        """
        folded = fold(prefix)
        if not searchable(folded):
            return [], None
        found: list[Company] = []
        while True:
            page = self.backend.query(
                name_partition(folded), index="gsi2", sk_prefix=folded, limit=limit - len(found), cursor=cursor
            )
            known = self.get_companies([item.data["siren"] for item in page.items])
            for item in page.items:
                company = known.get(item.data["siren"])
                if company is None:
                    continue
                matching = [f"{s}#{company.siren}" for s in name_suffixes(fold(company.name)) if s.startswith(folded)]
                if matching and item.gsi2sk == min(matching):
                    found.append(company)
            cursor = page.cursor
            if cursor is None or len(found) >= limit:
                return found, cursor
