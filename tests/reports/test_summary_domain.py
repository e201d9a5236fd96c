"""The summary computed from reports and experiences: what shows, what counts, the trend, the changes."""

from datetime import UTC, date, datetime
from typing import Any

import pytest

from functions.core.domain.reports import Report, ReportStatus
from functions.core.domain.solvency import Experience
from functions.core.domain.summaries import build_summary, changes_between, has_public_facts, public_view
from tests.reports.factories import (
    CREDITOR_SIRENS,
    DEBTOR_SIREN,
    make_experience,
    make_payment,
    make_report,
    three_creditors,
)

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


def hidden_reports() -> list[Report]:
    """Reports no one outside may know of, under a name the creditor typed."""
    typed = "Nom saisi par le créancier"
    return [
        make_report(id="h1", status=ReportStatus.NOTIFIED, published_on=None, debtor_name=typed),
        make_report(id="h2", status=ReportStatus.SUBMITTED, published_on=None, debtor_name=typed),
        make_report(id="h3", status=ReportStatus.REJECTED, published_on=None, debtor_name=typed),
        make_report(id="h4", status=ReportStatus.WITHDRAWN, published_on=None, debtor_name=typed),
        make_report(id="h5", status=ReportStatus.DISPUTED, published_on=None, debtor_name=typed),
        # Paid during its grace period: never listed.
        make_report(
            id="h6", status=ReportStatus.SETTLED, published_on=None, settled_on=date(2026, 2, 1), debtor_name=typed
        ),
    ]


def two_creditors_only() -> list[Experience]:
    return [make_experience(creditor_siren=CREDITOR_SIRENS[n % 2], reference=f"F-{n}", days_late=40) for n in range(4)]


def test_reports_never_published_or_rejected_do_not_show() -> None:
    listed = [make_report(id="r1", due_date=date(2026, 9, 1))]
    visible = build_summary(
        siren=DEBTOR_SIREN, identity=None, reports=listed, experiences=[], charter=None, today=TODAY, now=NOW
    )
    with_hidden = build_summary(
        siren=DEBTOR_SIREN,
        identity=None,
        reports=listed + hidden_reports(),
        experiences=two_creditors_only(),
        charter=None,
        today=TODAY,
        now=NOW,
    )
    # Nothing in the summary moves: not a count, not a point of the history, not the name.
    assert with_hidden == visible
    assert with_hidden["company"]["name"] == "Société Générale d'Équipement"
    assert (with_hidden["open_reports"]["count"], with_hidden["pending_disputes"]) == (1, 0)
    assert with_hidden["basis"] == {"reports": 1, "experiences": 0, "window_months": 24}


def test_a_company_with_nothing_public_is_unknown_even_by_name() -> None:
    hidden, experiences = hidden_reports(), two_creditors_only()
    assert not has_public_facts(siren=DEBTOR_SIREN, reports=hidden, experiences=experiences, charter=None, today=TODAY)
    summary = build_summary(
        siren=DEBTOR_SIREN, identity=None, reports=hidden, experiences=experiences, charter=None, today=TODAY, now=NOW
    )
    assert summary["company"] is None


@pytest.mark.parametrize(
    "public",
    [
        {"reports": [make_report(id="r1")]},
        {"reports": [make_report(id="r1", status=ReportStatus.SETTLED, settled_on=date(2026, 3, 1))]},
        {"reports": [make_report(id="r1", status=ReportStatus.DISPUTED)]},
        {"charter": {"status": "active", "since": "2026-01-01"}},
        {"experiences": three_creditors(0, 0, 0)},
    ],
    ids=["listed", "settled-after-listing", "disputed-after-listing", "charter", "three-creditors"],
)
def test_a_company_is_known_once_something_of_it_was_public(public: dict[str, Any]) -> None:
    assert has_public_facts(
        siren=DEBTOR_SIREN,
        reports=hidden_reports() + public.get("reports", []),
        experiences=two_creditors_only() + public.get("experiences", []),
        charter=public.get("charter"),
        today=TODAY,
    )


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
        {"kind": "report.published", "reference": "pub_r2"},
        {"kind": "report.settled", "reference": "pub_r1"},
        {"kind": "charter.changed", "before": "active", "after": "suspended"},
    ]
    assert changes_between(after, after) == []
