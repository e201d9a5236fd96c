"""The summary computed from reports and experiences: what shows, what counts, the trend, the changes."""

from datetime import UTC, date, datetime

from functions.core.domain.reports import ReportStatus
from functions.core.domain.summaries import build_summary, changes_between, public_view
from tests.reports.factories import DEBTOR_SIREN, make_payment, make_report, three_creditors

TODAY = date(2026, 11, 23)
NOW = datetime(2026, 11, 23, 10, 30, tzinfo=UTC)
IDENTITY = {
    "siren": DEBTOR_SIREN,
    "name": "Société Générale d'Équipement",
    "address": "12 rue de la Paix",
    "postal_code": "75002",
    "city": "Paris",
}


def summarize(reports=(), experiences=(), charter=None, today=TODAY):  # type: ignore[no-untyped-def]
    return build_summary(
        siren=DEBTOR_SIREN,
        identity=IDENTITY,
        reports=list(reports),
        experiences=list(experiences),
        charter=charter,
        today=today,
        now=NOW,
    )


def test_a_company_without_data_has_insufficient_data_and_no_grade() -> None:
    summary = summarize()
    assert summary["insufficient_data"] is True
    assert summary["payment_index"] is None and summary["grade"] is None
    assert summary["open_reports"] == {
        "count": 0,
        "outstanding_cents": 0,
        "currency": "EUR",
        "oldest_due_date": None,
        "worst_days_beyond_terms": None,
    }
    assert summary["company"]["name"] == "Société Générale d'Équipement"
    assert summary["computed_at"] == "2026-11-23T10:30:00Z"


def test_open_published_reports_are_counted_with_their_oldest_and_worst_delay() -> None:
    reports = [
        make_report(id="r1", due_date=date(2026, 9, 1), amount_cents=2_000_00),
        make_report(
            id="r2",
            due_date=date(2026, 6, 30),
            amount_cents=500_00,
            payments=(make_payment(amount_cents=100_00, paid_on=date(2026, 8, 1)),),
        ),
    ]
    opened = summarize(reports)["open_reports"]
    assert opened["count"] == 2
    assert opened["outstanding_cents"] == 2_000_00 + 400_00
    assert opened["oldest_due_date"] == "2026-06-30"
    assert opened["worst_days_beyond_terms"] == 146  # 30 June to 23 November


def test_reports_never_published_or_rejected_do_not_show() -> None:
    reports = [
        make_report(id="r1", status=ReportStatus.NOTIFIED, published_on=None),
        make_report(id="r2", status=ReportStatus.REJECTED, published_on=None),
        make_report(id="r3", status=ReportStatus.WITHDRAWN, published_on=None),
        make_report(id="r4", status=ReportStatus.DISPUTED, published_on=None),
    ]
    summary = summarize(reports)
    assert summary["open_reports"]["count"] == 0
    assert summary["pending_disputes"] == 0
    assert summary["basis"]["reports"] == 0


def test_a_dispute_on_a_published_report_shows_as_pending() -> None:
    summary = summarize([make_report(id="r1", status=ReportStatus.DISPUTED)])
    assert summary["pending_disputes"] == 1
    assert summary["open_reports"]["count"] == 0


def test_settled_reports_over_24_months_give_the_average_time_to_settle() -> None:
    reports = [
        make_report(
            id="r1", status=ReportStatus.SETTLED, due_date=date(2026, 1, 5), settled_on=date(2026, 3, 6)
        ),  # 60 days
        make_report(
            id="r2",
            status=ReportStatus.SETTLED,
            due_date=date(2026, 4, 1),
            published_on=date(2026, 5, 10),
            settled_on=date(2026, 6, 1),
        ),  # 61 days
        make_report(
            id="r3",
            status=ReportStatus.SETTLED,
            due_date=date(2024, 1, 5),
            published_on=date(2024, 3, 1),
            settled_on=date(2024, 4, 1),
        ),  # out of window
    ]
    settled = summarize(reports)["settled_reports"]
    assert settled == {"count": 2, "window_months": 24, "average_days_to_settle": 61}  # 60.5 rounded up


def test_the_index_mixes_reports_and_eligible_experiences() -> None:
    # A report open 140 days (score 20 - 19 * 20/245) of 1,000 EUR and three experiences of 1,000 EUR at 0 days (80).
    report = make_report(id="r1", due_date=date(2026, 7, 6), amount_cents=1_000_00)
    experiences = three_creditors(0, 0, 0)
    summary = summarize([report], experiences)
    # (18.449 + 3 * 80) / 4 = 64.61
    assert summary["payment_index"] == 65
    assert summary["grade"] == "C"
    assert summary["basis"] == {"reports": 1, "experiences": 3, "window_months": 24}
    assert summary["insufficient_data"] is False


def test_two_reports_alone_are_insufficient_data() -> None:
    summary = summarize([make_report(id="r1"), make_report(id="r2", number="F-2")])
    assert summary["insufficient_data"] is True
    assert summary["payment_index"] is None


def test_the_trend_rebuilds_outstanding_and_index_as_they_stood() -> None:
    # Published in July, partly paid in October: on 23 August 1,500 EUR were owed;
    # six months ago nothing was public.
    report = make_report(
        id="r1",
        due_date=date(2026, 6, 1),
        amount_cents=1_500_00,
        published_on=date(2026, 7, 15),
        payments=(make_payment(amount_cents=500_00, paid_on=date(2026, 10, 2)),),
    )
    experiences = three_creditors(0, 10, 20)
    summary = summarize([report], experiences)
    trend = {point["months_ago"]: point for point in summary["trend"]}
    assert trend[3]["as_of"] == "2026-08-23"
    assert trend[3]["outstanding_cents"] == 1_500_00
    assert trend[6]["outstanding_cents"] == 0
    assert trend[12]["payment_index"] is None  # the experiences were paid in 2026
    assert summary["history"][-1]["outstanding_cents"] == 1_000_00
    assert summary["history"][-1]["payment_index"] == summary["payment_index"]
    assert len(summary["history"]) == 13


def test_the_charter_status_is_shown_as_given() -> None:
    summary = summarize(charter={"status": "suspended", "since": "2026-10-01"})
    assert summary["charter"] == {"status": "suspended", "since": "2026-10-01"}
    assert summarize()["charter"]["status"] == "none"


def test_the_public_view_hides_the_internal_watch_state() -> None:
    assert "watch" not in public_view(summarize([make_report()]))


def test_changes_name_new_publications_settlements_and_charter_moves() -> None:
    before = summarize([make_report(id="r1")], charter={"status": "active", "since": "2026-01-01"})
    after = summarize(
        [
            make_report(id="r1", status=ReportStatus.SETTLED, settled_on=date(2026, 11, 20)),
            make_report(id="r2", number="F-2"),
        ],
        charter={"status": "suspended", "since": "2026-11-20"},
    )
    kinds = [change.as_dict() for change in changes_between(before, after)]
    assert kinds == [
        {"kind": "report.published", "report_id": "r2"},
        {"kind": "report.settled", "report_id": "r1"},
        {"kind": "charter.changed", "before": "active", "after": "suspended"},
    ]
    assert changes_between(after, after) == []
