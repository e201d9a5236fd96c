"""Concurrent writers against one debtor: aggregates stay exact, publication happens once, on both stores."""

import re
import threading
from collections import Counter
from collections.abc import Callable
from datetime import date

from functions.core.clock import FixedClock
from functions.core.domain.aggregates import aggregate_of
from functions.core.domain.members import Member
from functions.core.domain.reports import DisputeReason, ReportStatus
from functions.core.domain.rules import Draft
from functions.core.resources import Resources
from functions.core.usecases.directory import filing, members, notices, progress, replies, review
from functions.core.usecases.directory.aggregates import rebuild_aggregates
from tests.directory.factories import CREDITOR_NAME, CREDITOR_SIREN, DEBTOR_NAME, DEBTOR_SIREN, make_report
from tests.directory.proof import proof_document_ids

INVOICES = 6


def verified_member(resources: Resources) -> Member:
    member = members.register_member(
        resources,
        siren=CREDITOR_SIREN,
        company_name=CREDITOR_NAME,
        contact_name="Claire Durand",
        email="compta@durand.fr",
    )
    credentials = members.verify_member(resources, _last_code(resources))
    assert credentials.member is not None and credentials.member.id == member.id
    return members.decide_member(resources, member.id, approved=True, note="", actor="moderator:test")


def _last_code(resources: Resources) -> str:
    text = resources.mailer.messages()[-1].get_content()  # type: ignore[attr-defined]
    return re.findall(r"ard_ver_[A-Za-z0-9_-]+", text)[0]


def a_filing(number: str, documents: tuple[str, ...]) -> filing.Filing:
    template = make_report()
    draft = Draft(
        member_siren=CREDITOR_SIREN,
        claimed_creditor_siren=None,
        debtor_siren=DEBTOR_SIREN,
        debtor_email="comptabilite@sge.fr",
        debtor_postal_address="",
        issue_date=template.invoice.issue_date,
        due_date=template.invoice.due_date,
        amount_cents=1_000_00,
        outstanding_cents=1_000_00,
        reminder_dates=(date(2026, 1, 10),),
        notice_date=date(2026, 1, 30),
        notice_channel=template.steps.notice_channel,
    )
    return filing.Filing.of_draft(draft, DEBTOR_NAME, number, "", documents)


def file(resources: Resources, member: Member, number: str) -> str:
    """File a report with its documents and have it approved (its notice goes out), as a moderator would."""
    filed = filing.file_report(resources, member, a_filing(number, proof_document_ids(resources, member)))
    review.review_report(resources, filed.id, approved=True, reason="", actor="moderator:mod_test")
    return filed.id


def run_all(*jobs: Callable[[], None]) -> None:
    errors: list[BaseException] = []
    start = threading.Barrier(len(jobs))

    def wrapped(job: Callable[[], None]) -> None:
        start.wait()
        try:
            job()
        except BaseException as exc:  # collected, then re-raised in the test's thread
            errors.append(exc)

    threads = [threading.Thread(target=wrapped, args=(job,)) for job in jobs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []


def test_filing_paying_disputing_and_publishing_at_once_leave_an_exact_aggregate(
    resources: Resources, clock: FixedClock
) -> None:
    member = verified_member(resources)
    existing = [file(resources, member, f"F-OLD-{n}") for n in range(INVOICES)]
    tokens = {
        report_id: notices.issue_reply_link(resources, resources.store.reports.get_report(report_id))[0].rsplit("/", 1)[
            1
        ]
        for report_id in existing
    }
    clock.advance(days=16)  # every existing report is now due for publication

    def pay() -> None:
        for report_id in existing:
            progress.record_payment(resources, member, report_id, amount_cents=100_00, paid_on=date(2026, 3, 10))

    def dispute() -> None:
        for report_id in existing[3:]:
            replies.dispute(
                resources,
                tokens[report_id],
                reason=DisputeReason.WRONG_AMOUNT,
                text="Montant contesté.",
                evidence_ids=[],
            )

    def file_more() -> None:
        for n in range(INVOICES):
            file(resources, member, f"F-NEW-{n}")

    run_all(pay, dispute, file_more, lambda: progress.publish_due(resources), lambda: progress.publish_due(resources))

    reports = resources.store.reports.list_for_debtor(DEBTOR_SIREN)
    assert len(reports) == 2 * INVOICES
    assert resources.store.reports.get_aggregate_state(DEBTOR_SIREN) == aggregate_of(reports)
    aggregate = resources.store.reports.get_aggregate(DEBTOR_SIREN)
    published = [r for r in reports if r.status is ReportStatus.PUBLISHED]
    assert aggregate.open_published_count == len(published) >= 3
    assert aggregate.outstanding_cents == 900_00 * len(published)
    assert aggregate.pending_dispute_count == 3
    assert all(r.outstanding_cents == 900_00 for r in reports if r.id in existing)
    assert rebuild_aggregates(resources, check_only=True) == []
    published_events = Counter(
        e.entity for e in resources.store.audit.list_events(f"company:{DEBTOR_SIREN}") if e.action == "report.published"
    )
    assert set(published_events.values()) <= {1}


def test_two_ticks_at_once_publish_each_report_once_and_send_one_notice_each(
    resources: Resources, clock: FixedClock
) -> None:
    member = verified_member(resources)
    for n in range(INVOICES):
        file(resources, member, f"F-{n}")
    clock.advance(days=15)
    counts: list[int] = []
    run_all(*(lambda: counts.append(progress.publish_due(resources)) for _ in range(3)))
    assert sum(counts) == INVOICES
    creditor_mails = [
        m for m in resources.mailer.messages() if "publié" in str(m["Subject"]) and m["To"] == "compta@durand.fr"
    ]  # type: ignore[attr-defined]
    assert len(creditor_mails) == INVOICES
    assert resources.store.reports.get_aggregate(DEBTOR_SIREN).open_published_count == INVOICES
