"""Company identities, and the public index that finds the companies the public may know of.

Items under ``COMPANY#{siren}``:

- ``PROFILE``: the identity (SIREN, name, address) and the company's public
  presence (``listed``: a report on the listing; ``signatory``: a charter
  signature). While the presence is public (:class:`Presence`), and only then,
  the profile carries the public index's keys: ``gsi2``
  ``name_partition(folded)`` / ``{folded}#{siren}`` finds it by the start of its
  folded name, ``gsi1`` ``PUBLIC#SIREN#{first three digits}`` / ``{siren}`` by
  a SIREN prefix.
- ``NAMEWORD#{n}``: one per further word of the folded name (``MAX_NAME_WORDS``
  at most), ``gsi2`` ``name_partition(suffix)`` / ``{suffix}#{siren}`` where
  ``suffix`` is the folded name from word ``n`` to the end, so that a search
  matches the start of any word, by the rules the public site's search follows
  too (``functions/core/text.py``); present only while the profile is indexed.

The profile, its index keys and its word items change together in one
transaction guarded by the profile's version; the directory's report changes
join it when a company enters or leaves the listing, so a company is findable
from the transaction that lists it, and not after the one that unlists it
(unless it signed the charter). The identity itself is kept either way: the
subscribers' summaries and the right of access read it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, TypedDict

from functions.core.domain import companies
from functions.core.domain.companies import Company
from functions.core.domain.visibility import Presence
from functions.core.store.base import AuditEvent, Repository, retry_on_conflict
from functions.core.store.codec import from_data, to_data
from functions.core.store.items import Delete, Item, Put, Write
from functions.core.text import fold, name_suffixes, searchable


def name_partition(folded_name: str) -> str:
    """Bucket names by their first two folded characters for prefix look-ups."""
    return "NAME#" + (folded_name[:2] or "_")


def siren_partition(siren: str) -> str:
    """Bucket public companies by their SIREN's first three digits for prefix look-ups."""
    return f"PUBLIC#SIREN#{siren[:3]}"


_WORD_PREFIX = "NAMEWORD#"


class IndexKeys(TypedDict):
    gsi1pk: str | None
    gsi1sk: str | None
    gsi2pk: str | None
    gsi2sk: str | None


def index_keys(company: Company, presence: Presence) -> IndexKeys:
    """The profile's public index keys: its whole folded name and its SIREN, or none while it is not public."""
    if not presence.public:
        return {"gsi1pk": None, "gsi1sk": None, "gsi2pk": None, "gsi2sk": None}
    folded = fold(company.name)
    return {
        "gsi1pk": siren_partition(company.siren),
        "gsi1sk": company.siren,
        "gsi2pk": name_partition(folded),
        "gsi2sk": f"{folded}#{company.siren}",
    }


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


def profile_data(company: Company, presence: Presence) -> dict[str, Any]:
    """The profile's data: the identity and the presence side by side."""
    return {**to_data(company), **to_data(presence)}


def _company(data: Mapping[str, Any]) -> Company:
    return from_data(Company, data)


def _presence(data: Mapping[str, Any]) -> Presence:
    return from_data(Presence, data)


class Companies(Repository):
    """Read and record company identities; keep the public index to the companies the public may know of."""

    def get_company(self, siren: str) -> Company | None:
        """Return the company's identity, public or not (summaries and the right of access read it)."""
        item = self.backend.get(f"COMPANY#{siren}", "PROFILE")
        return _company(item.data) if item else None

    def get_companies(self, sirens: Sequence[str]) -> dict[str, Company]:
        """Return the known identities among ``sirens`` in one batch read (unknown ones left out)."""
        items = self.backend.get_many([(f"COMPANY#{siren}", "PROFILE") for siren in dict.fromkeys(sirens)])
        return {item.data["siren"]: _company(item.data) for item in items}

    def _public_companies(self, sirens: Sequence[str]) -> dict[str, Company]:
        items = self.backend.get_many([(f"COMPANY#{siren}", "PROFILE") for siren in dict.fromkeys(sirens)])
        return {item.data["siren"]: _company(item.data) for item in items if _presence(item.data).public}

    def get_public_company(self, siren: str) -> tuple[Company, Presence] | None:
        """Return the company and why it is public; None when the public may not know of it (one read)."""
        item = self.backend.get(f"COMPANY#{siren}", "PROFILE")
        if item is None or not _presence(item.data).public:
            return None
        return _company(item.data), _presence(item.data)

    def get_presence(self, siren: str) -> Presence:
        """Return why the company is public (nothing when it is not, or unknown)."""
        item = self.backend.get(f"COMPANY#{siren}", "PROFILE")
        return _presence(item.data) if item else Presence()

    def record_company(self, company: Company, actor: str) -> Company:
        """Create or update a company's identity; a no-op when nothing changed. Its presence is kept."""

        def attempt() -> Company:
            current = self.backend.get(f"COMPANY#{company.siren}", "PROFILE")
            if current is not None and _company(current.data) == company:
                return company
            presence = _presence(current.data) if current else Presence()
            writes, events = self._profile_change(current, company, presence, actor)
            self.store.commit(writes, events, touched=[company.siren])
            return company

        return retry_on_conflict(attempt)

    def record_signatory(self, company: Company, actor: str) -> None:
        """Make a charter signatory public for good (the register is public); its identity is recorded if unknown."""

        def attempt() -> None:
            current = self.backend.get(f"COMPANY#{company.siren}", "PROFILE")
            presence = _presence(current.data) if current else Presence()
            if presence.signatory:
                return
            identity = companies.kept_identity(_company(current.data) if current else None, company)
            writes, events = self._profile_change(current, identity, companies.signed(presence), actor)
            self.store.commit(writes, events, touched=[company.siren])

        retry_on_conflict(attempt)

    def write_presence(self, company: Company, presence: Presence, *, actor: str) -> None:
        """Set a company's presence and index (``rebuild-listing`` repairs with it); identity kept if known."""

        def attempt() -> None:
            current = self.backend.get(f"COMPANY#{company.siren}", "PROFILE")
            identity = companies.kept_identity(_company(current.data) if current else None, company)
            writes, events = self._profile_change(current, identity, presence, actor)
            self.store.commit(writes, events, touched=[company.siren])

        retry_on_conflict(attempt)

    def stored_presence(self, siren: str) -> tuple[Presence, bool] | None:
        """Return the stored presence and whether the profile is in the public index (checks compare them)."""
        profile = self.backend.get(f"COMPANY#{siren}", "PROFILE")
        if profile is None:
            return None
        return _presence(profile.data), profile.gsi2pk is not None

    def list_sirens(self) -> list[str]:
        """Return every company with a profile (maintenance only: scans the table)."""
        return [pk.removeprefix("COMPANY#") for pk in self.backend.scan_partitions("COMPANY#")]

    def listing_writes(self, company: Company, *, listed: bool, actor: str) -> tuple[list[Write], list[AuditEvent]]:
        """The writes and events recording that a company entered or left the listing, to join that transaction.

        ``company`` is the identity recorded when Ardoise has none yet (as the
        report names the debtor). The writes are guarded by the profile's
        version: a concurrent change makes the whole transaction fail
        (ConditionFailed), so the caller retries.
        """
        current = self.backend.get(f"COMPANY#{company.siren}", "PROFILE")
        presence = _presence(current.data) if current else Presence()
        if current is not None and presence.listed == listed:
            return [], []
        identity = companies.kept_identity(_company(current.data) if current else None, company)
        return self._profile_change(current, identity, companies.with_listing(presence, listed), actor)

    def _profile_change(
        self, current: Item | None, company: Company, presence: Presence, actor: str
    ) -> tuple[list[Write], list[AuditEvent]]:
        """The profile's new version, its index keys and word items, and the audit event."""
        data = profile_data(company, presence)
        keys = index_keys(company, presence)
        if current is None:
            put = Put(Item(f"COMPANY#{company.siren}", "PROFILE", data, **keys), None)
        else:
            put = Put(current.bumped(data, **keys), current.version)
        event = self.store.event(
            f"company:{company.siren}",
            f"company:{company.siren}",
            "company.recorded",
            actor,
            before=dict(current.data) if current else None,
            after=data,
        )
        return [put, *self._word_writes(company, presence)], [event]

    def _word_writes(self, company: Company, presence: Presence) -> list[Write]:
        """Replace the word look-ups stored for ``company`` by those its name and presence call for."""
        stored = {
            item.sk: item
            for item in self.backend.query(f"COMPANY#{company.siren}", sk_prefix=_WORD_PREFIX, limit=100).items
        }
        writes: list[Write] = []
        for word in name_word_items(company) if presence.public else []:
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
        """Return public companies with a word of their folded name starting ``prefix`` (two characters at least).

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
            known = self._public_companies([item.data["siren"] for item in page.items])
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

    def search_by_siren(
        self, prefix: str, limit: int = 20, cursor: str | None = None
    ) -> tuple[list[Company], str | None]:
        """Return public companies whose SIREN starts with ``prefix`` (3 digits or more), in SIREN order."""
        if len(prefix) < 3 or not prefix.isdigit():
            return [], None
        page = self.backend.query(siren_partition(prefix), index="gsi1", sk_prefix=prefix, limit=limit, cursor=cursor)
        return [_company(item.data) for item in page.items], page.cursor
