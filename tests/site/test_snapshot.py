"""The snapshot the site is built from, read from the store (SQLite and DynamoDB)."""

from __future__ import annotations

from datetime import UTC, date, datetime

from functions.core.domain.companies import Company
from functions.core.domain.reports import ReportStatus
from functions.core.resources import Resources
from functions.core.usecases.site_snapshot import load_company_records, load_site_snapshot
from tests.charter.factories import make_signature
from tests.directory.factories import make_report

PUBLISHED_AT = datetime(2026, 2, 20, 9, tzinfo=UTC)


def test_a_published_report_and_a_signature_make_company_pages_and_nothing_else_does(resources: Resources) -> None:
    store = resources.store
    store.companies.record_company(Company("552100554", "Société Générale d'Équipement", city="Lyon"), "test")
    published = make_report(
        status=ReportStatus.PUBLISHED, published_at=PUBLISHED_AT, outstanding_cents=900_00,
        public_reply="Nous contestons la qualité de la pose.",
    )  # fmt: skip
    store.reports.file_report(published, actor="test")
    settled = make_report(
        id="rpt_0002", number="F-2026-002", debtor_siren="542065479", debtor_name="Transports Lebrun",
        status=ReportStatus.SETTLED, settled_on=date(2026, 2, 1),
    )  # fmt: skip
    store.reports.file_report(settled, actor="test")
    hidden = make_report(id="rpt_0003", number="F-2026-003", status=ReportStatus.NOTIFIED)
    store.reports.file_report(hidden, actor="test")
    store.signatures.record_signature(
        make_signature(siren="732829320", company_name="Menuiserie Durand SARL"),
        None,
        action="signature.signed",
        actor="test",
    )
    snapshot = load_site_snapshot(resources)
    assert snapshot.as_of == date(2026, 3, 2)
    assert [c.siren for c in snapshot.companies] == ["552100554", "732829320"]
    listed, signatory = snapshot.companies
    assert listed.name == "Société Générale d'Équipement" and listed.city == "Lyon"
    assert listed.path == "/entreprises/552100554-societe-generale-d-equipement/"
    assert [(r.outstanding_cents, r.reply, r.published_on) for r in listed.reports] == [
        (900_00, "Nous contestons la qualité de la pose.", date(2026, 2, 20))
    ]
    assert listed.reports[0].due_date == date(2025, 12, 31) and listed.oldest_due == date(2025, 12, 31)
    assert listed.outstanding_cents == 900_00 and listed.charter is None
    assert signatory.reports == () and signatory.charter is not None
    assert signatory.charter.status in ("active", "outdated") and signatory.name == "Menuiserie Durand SARL"


def test_the_records_of_a_few_companies_are_the_ones_the_whole_snapshot_reads(resources: Resources) -> None:
    store = resources.store
    store.companies.record_company(Company("552100554", "Société Générale d'Équipement", city="Lyon"), "test")
    for n, due in enumerate((date(2025, 12, 31), date(2025, 11, 30), date(2026, 1, 15))):
        report = make_report(
            id=f"rpt_{n}", number=f"F-{n}", due_date=due, issue_date=date(2025, 10, 1),
            status=ReportStatus.PUBLISHED, published_at=PUBLISHED_AT,
        )  # fmt: skip
        store.reports.file_report(report, actor="test")
    store.reports.file_report(make_report(id="rpt_x", number="F-x", status=ReportStatus.NOTIFIED), actor="test")
    store.signatures.record_signature(
        make_signature(siren="732829320", company_name="Menuiserie Durand SARL"), None,
        action="signature.signed", actor="test",
    )  # fmt: skip
    whole = {record.siren: record for record in load_site_snapshot(resources).companies}
    few = load_company_records(resources, ["552100554", "732829320", "542065479"])
    assert few == {**whole, "542065479": None}  # one company page, one way to read it
    assert [r.due_date for r in whole["552100554"].reports] == sorted(r.due_date for r in whole["552100554"].reports)
