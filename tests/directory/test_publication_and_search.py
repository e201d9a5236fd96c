"""A listed company is findable from the very transaction that lists it; SIREN search reads identities in one batch."""

from collections.abc import Sequence
from typing import Any

import pytest

from functions.core.context import Services
from functions.core.services.directory import listing, progress
from functions.core.store import Store
from functions.core.store.companies import Company
from functions.core.store.items import Item, ItemBackend, Put, Write
from tests.directory.factories import DEBTOR_NAME, DEBTOR_SIREN, make_report, notified, published


class CrashAfterPublication:
    """A backend whose process dies right after the transaction that publishes a report."""

    def __init__(self, backend: ItemBackend) -> None:
        self.backend, self.crashed = backend, False

    def __getattr__(self, name: str) -> Any:
        return getattr(self.backend, name)

    def transact(self, writes: Sequence[Write]) -> None:
        if self.crashed:
            raise RuntimeError("Lambda interrompue")
        self.backend.transact(writes)
        self.crashed = any(
            isinstance(w, Put) and w.item.sk.startswith("REPORT#") and w.item.data["status"] == "published"
            for w in writes
        )


def test_a_company_is_findable_from_the_transaction_that_lists_it_even_if_the_tick_dies_right_after(
    services: Services,
) -> None:
    services.store.reports.file_report(notified(make_report(), at=services.clock()), actor="test")
    services.clock.advance(days=16)  # type: ignore[attr-defined]
    crashing = CrashAfterPublication(services.store.backend)
    dying = Services(
        services.settings, store=Store(crashing, services.clock), mailer=services.mailer, clock=services.clock
    )
    with pytest.raises(RuntimeError):
        progress.publish_due(dying)
    assert crashing.crashed and services.store.reports.list_listed_sirens() == [DEBTOR_SIREN]
    hits, _ = listing.search_companies(services, "societe generale")
    assert [(h.siren, h.name) for h in hits] == [(DEBTOR_SIREN, DEBTOR_NAME)]
    events = [e.action for e in services.store.audit.list_events(f"company:{DEBTOR_SIREN}")]
    assert events[-2:] == ["report.published", "company.recorded"]


def test_an_identity_already_known_is_kept_at_publication(services: Services) -> None:
    services.store.companies.record_company(Company(DEBTOR_SIREN, "SGE", city="Lyon"), "test")
    services.store.reports.file_report(notified(make_report(), at=services.clock()), actor="test")
    services.clock.advance(days=16)  # type: ignore[attr-defined]
    assert progress.publish_due(services) == 1
    assert services.store.companies.get_company(DEBTOR_SIREN) == Company(DEBTOR_SIREN, "SGE", city="Lyon")


class CountingReads:
    def __init__(self, backend: ItemBackend) -> None:
        self.backend, self.gets, self.batches = backend, [], []  # type: ignore[var-annotated]

    def __getattr__(self, name: str) -> Any:
        return getattr(self.backend, name)

    def get(self, pk: str, sk: str) -> Item | None:
        self.gets.append(pk)
        return self.backend.get(pk, sk)

    def get_many(self, keys: Sequence[tuple[str, str]]) -> list[Item]:
        self.batches.append([pk for pk, _ in keys])
        return self.backend.get_many(keys)


def test_a_siren_prefix_search_reads_the_public_index_and_the_figures_in_one_batch(services: Services) -> None:
    sirens = ["552100554", "552081317", "552032534"]
    for number, siren in enumerate(sirens):
        services.store.companies.record_company(Company(siren, f"Société {number}"), "test")
        report = published(make_report(id=f"rpt_{number}", debtor_siren=siren), at=services.clock())
        services.store.reports.file_report(report, actor="test")
    counting = CountingReads(services.store.backend)
    reading = Services(
        services.settings, store=Store(counting, services.clock), mailer=services.mailer, clock=services.clock
    )
    hits, _ = listing.search_companies(reading, "552")
    assert sorted(h.siren for h in hits) == sorted(sirens)
    assert counting.gets == []  # the index holds the identities: no read per company
    assert [sorted(batch) for batch in counting.batches] == [sorted(f"DEBTOR#{s}" for s in sirens)]
