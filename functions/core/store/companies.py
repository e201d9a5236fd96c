"""Company identities: SIREN, name and address, and name-prefix look-ups."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass

from functions.core.store.base import AuditEvent, Repository, retry_on_conflict
from functions.core.store.items import Item, Put
from functions.core.text import fold


@dataclass(frozen=True)
class Company:
    """What the directory knows of a company's identity (public information)."""

    siren: str
    name: str
    address: str = ""
    postal_code: str = ""
    city: str = ""


def name_partition(folded_name: str) -> str:
    """Bucket names by their first two folded characters for prefix look-ups."""
    return "NAME#" + (folded_name[:2] or "_")


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
        folded = fold(company.name)
        item = Item(
            f"COMPANY#{company.siren}",
            "PROFILE",
            data,
            gsi2pk=name_partition(folded),
            gsi2sk=f"{folded}#{company.siren}",
        )
        event = self.store.event(
            f"company:{company.siren}", f"company:{company.siren}", "company.recorded", actor, after=data
        )
        return [Put(item, None)], [event]

    def record_company(self, company: Company, actor: str) -> Company:
        """Create or update a company's identity; a no-op when nothing changed."""

        def attempt() -> Company:
            current = self.backend.get(f"COMPANY#{company.siren}", "PROFILE")
            data = asdict(company)
            if current is not None and current.data == data:
                return company
            folded = fold(company.name)
            name_key, name_sort = name_partition(folded), f"{folded}#{company.siren}"
            if current is None:
                item = Item(f"COMPANY#{company.siren}", "PROFILE", data, gsi2pk=name_key, gsi2sk=name_sort)
                put = Put(item, None)
            else:
                put = Put(current.bumped(data, gsi2pk=name_key, gsi2sk=name_sort), current.version)
            event = self.store.event(
                f"company:{company.siren}",
                f"company:{company.siren}",
                "company.recorded",
                actor,
                before=current.data if current else None,
                after=data,
            )
            self.store.commit([put], [event], touched=[company.siren])
            return company

        return retry_on_conflict(attempt)

    def search_by_name(
        self, prefix: str, limit: int = 20, cursor: str | None = None
    ) -> tuple[list[Company], str | None]:
        """Return companies whose folded name starts with ``prefix`` (two characters at least)."""
        folded = fold(prefix)
        if len(folded) < 2:
            return [], None
        page = self.backend.query(name_partition(folded), index="gsi2", sk_prefix=folded, limit=limit, cursor=cursor)
        return [Company(**item.data) for item in page.items], page.cursor
