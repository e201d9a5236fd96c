"""The reports repository on both backends: reads others build on, aggregates kept exact."""

from dataclasses import replace
from datetime import date, timedelta

import pytest

from functions.core.clock import FixedClock
from functions.core.domain.aggregates import aggregate_of
from functions.core.domain.reports import ReportStatus
from functions.core.store import ConditionFailed, Store
from functions.core.store.reports import moment_key
from tests.directory.factories import DEBTOR_SIREN, OTHER_DEBTOR_SIREN, make_report, notified, published


def test_a_filed_report_is_read_back_by_id_and_by_debtor(store: Store) -> None:
    report = store.reports.file_report(make_report(), actor="member:mbr_test")
    assert store.reports.get_report(report.id) == report
    assert store.reports.list_for_debtor(DEBTOR_SIREN) == [report]
    assert store.reports.list_for_creditor(report.creditor.siren) == [report]
    assert store.reports.get_report("rpt_unknown") is None


def test_the_same_invoice_cannot_be_filed_twice_even_spelled_differently(store: Store) -> None:
    store.reports.file_report(make_report(number="F-2026-001"), actor="a")
    with pytest.raises(ConditionFailed):
        store.reports.file_report(make_report(id="rpt_0002", number=" f 2026 001 "), actor="a")
    assert store.reports.find_duplicate(make_report().creditor.siren, DEBTOR_SIREN, "F-2026-001") == "rpt_0001"


def test_the_aggregate_counts_only_published_reports(store: Store, clock: FixedClock) -> None:
    first = store.reports.file_report(make_report(), actor="a")
    assert store.reports.get_aggregate(DEBTOR_SIREN).open_published_count == 0
    first = store.reports.save(first, notified(first, at=clock()), actor="system", action="report.notified")
    first = store.reports.save(first, published(first, at=clock()), actor="system", action="report.published")
    second = store.reports.file_report(
        make_report(id="rpt_0002", number="F-2025-118", due_date=date(2025, 11, 15), amount_cents=420_00),
        actor="a",
    )
    second = store.reports.save(second, published(second, at=clock()), actor="system", action="report.published")
    aggregate = store.reports.get_aggregate(DEBTOR_SIREN, today=date(2026, 3, 2))
    assert aggregate.open_published_count == 2
    assert aggregate.outstanding_cents == 1_670_00
    assert aggregate.oldest_due_date == date(2025, 11, 15)
    assert aggregate.worst_days_beyond_terms == (date(2026, 3, 2) - date(2025, 11, 15)).days
    assert store.reports.list_listed_sirens() == [DEBTOR_SIREN]


def test_settling_the_last_published_report_takes_the_company_off_the_listing(store: Store, clock: FixedClock) -> None:
    report = store.reports.file_report(make_report(), actor="a")
    report = store.reports.save(report, published(report, at=clock()), actor="s", action="report.published")
    settled = replace(report, status=ReportStatus.SETTLED, outstanding_cents=0, settled_at=clock(), closed_at=clock())
    store.reports.save(report, settled, actor="m", action="report.settled")
    aggregate = store.reports.get_aggregate(DEBTOR_SIREN)
    assert (aggregate.open_published_count, aggregate.outstanding_cents, aggregate.oldest_due_date) == (0, 0, None)
    assert aggregate.held_report_count == 1
    assert store.reports.list_listed_sirens() == []


def test_a_stale_copy_cannot_overwrite_a_newer_report(store: Store, clock: FixedClock) -> None:
    report = store.reports.file_report(make_report(), actor="a")
    store.reports.save(report, notified(report, at=clock()), actor="s", action="report.notified")
    with pytest.raises(ConditionFailed):
        store.reports.save(report, published(report, at=clock()), actor="s", action="report.published")


def test_deleting_the_last_report_removes_the_aggregate_and_frees_the_invoice(store: Store) -> None:
    report = store.reports.file_report(make_report(), actor="a")
    store.reports.delete_report(report, actor="system:retention")
    assert store.reports.get_report(report.id) is None
    assert store.reports.get_aggregate(DEBTOR_SIREN) is None
    assert store.reports.find_duplicate(report.creditor.siren, DEBTOR_SIREN, report.invoice.number) is None
    actions = [e.action for e in store.audit.list_events(f"company:{DEBTOR_SIREN}")]
    assert actions == ["report.filed", "report.deleted"]


def test_the_audit_log_keeps_no_free_text(store: Store) -> None:
    store.reports.file_report(make_report(), actor="a")
    event = store.audit.list_events(f"company:{DEBTOR_SIREN}")[0]
    assert "description" not in event.after and "Menuiseries" not in str(event.after)
    assert event.after["status"] == "submitted" and event.after["due_date"] == "2025-12-31"


def test_reports_wait_in_the_publication_queue_until_their_grace_period_ends(store: Store, clock: FixedClock) -> None:
    report = store.reports.file_report(make_report(), actor="a")
    store.reports.save(report, notified(report, at=clock()), actor="s", action="report.notified")
    due, _ = store.reports.in_queue("DIRQ#publish", until=moment_key(clock() + timedelta(days=14)))
    assert due == []
    due, _ = store.reports.in_queue("DIRQ#publish", until=moment_key(clock() + timedelta(days=15)))
    assert [r.id for r in due] == [report.id]


def test_listed_companies_are_found_by_siren_prefix_and_pending_ones_are_not(store: Store) -> None:
    store.reports.file_report(published(make_report(), at=store.clock()), actor="a")
    store.reports.file_report(
        published(make_report(id="rpt_0002", debtor_siren=OTHER_DEBTOR_SIREN), at=store.clock()), actor="a"
    )
    store.reports.file_report(make_report(id="rpt_0003", debtor_siren="552081317"), actor="a")

    def found(prefix: str) -> list[str]:
        return [c.siren for c in store.companies.search_by_siren(prefix)[0]]

    assert found("5521") == [DEBTOR_SIREN]
    assert found("552") == [DEBTOR_SIREN]  # 552081317 has a pending report only
    assert found("55") == []
    assert found("54206") == [OTHER_DEBTOR_SIREN]


def test_the_stored_aggregate_equals_a_recomputation(store: Store, clock: FixedClock) -> None:
    report = store.reports.file_report(make_report(), actor="a")
    store.reports.save(report, published(report, at=clock()), actor="s", action="report.published")
    store.reports.file_report(make_report(id="rpt_0002", number="F-2"), actor="a")
    assert store.reports.get_aggregate_state(DEBTOR_SIREN) == aggregate_of(store.reports.list_for_debtor(DEBTOR_SIREN))
