"""A listed company is findable from the very transaction that lists it; SIREN search reads identities in one batch."""

from collections.abc import Sequence
from typing import Any

import pytest

from functions.core.domain.companies import Company
from functions.core.resources import Resources
from functions.core.store import Store
from functions.core.store.items import Item, ItemBackend, Put, Write
from functions.core.usecases.directory import listing, progress
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
    resources: Resources,
) -> None:
    resources.store.reports.file_report(notified(make_report(), at=resources.clock()), actor="test")
    resources.clock.advance(days=16)  # type: ignore[attr-defined]
    crashing = CrashAfterPublication(resources.store.backend)
    dying = Resources(
        resources.settings, store=Store(crashing, resources.clock), mailer=resources.mailer, clock=resources.clock
    )
    with pytest.raises(RuntimeError):
        progress.publish_due(dying)
    assert crashing.crashed and resources.store.reports.list_listed_sirens() == [DEBTOR_SIREN]
    hits, _ = listing.search_companies(resources, "societe generale")
    assert [(h.siren, h.name) for h in hits] == [(DEBTOR_SIREN, DEBTOR_NAME)]
    events = [e.action for e in resources.store.audit.list_events(f"company:{DEBTOR_SIREN}")]
    assert events[-2:] == ["report.published", "company.recorded"]


def test_an_identity_already_known_is_kept_at_publication(resources: Resources) -> None:
    resources.store.companies.record_company(Company(DEBTOR_SIREN, "SGE", city="Lyon"), "test")
    resources.store.reports.file_report(notified(make_report(), at=resources.clock()), actor="test")
    resources.clock.advance(days=16)  # type: ignore[attr-defined]
    assert progress.publish_due(resources) == 1
    assert resources.store.companies.get_company(DEBTOR_SIREN) == Company(DEBTOR_SIREN, "SGE", city="Lyon")


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


def test_a_siren_prefix_search_reads_the_public_index_and_the_figures_in_one_batch(resources: Resources) -> None:
    sirens = ["552100554", "552081317", "552032534"]
    for number, siren in enumerate(sirens):
        resources.store.companies.record_company(Company(siren, f"Société {number}"), "test")
        report = published(make_report(id=f"rpt_{number}", debtor_siren=siren), at=resources.clock())
        resources.store.reports.file_report(report, actor="test")
    counting = CountingReads(resources.store.backend)
    reading = Resources(
        resources.settings, store=Store(counting, resources.clock), mailer=resources.mailer, clock=resources.clock
    )
    hits, _ = listing.search_companies(reading, "552")
    assert sorted(h.siren for h in hits) == sorted(sirens)
    assert counting.gets == []  # the index holds the identities: no read per company
    assert [sorted(batch) for batch in counting.batches] == [sorted(f"DEBTOR#{s}" for s in sirens)]
