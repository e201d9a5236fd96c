"""Pure rules: the legal payment term, flags, the state machine and retention dates."""

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

import pytest

from functions.core.domain import lifecycle
from functions.core.domain.reports import (
    Dispute,
    DisputeKind,
    DisputeReason,
    Moderation,
    ModerationDecision,
    NoticeChannel,
    NoticeMedium,
    ReportStatus,
)
from functions.core.domain.retention import add_months, delete_on
from functions.core.domain.rules import Draft, latest_legal_due_date, term_flags
from functions.core.errors import Conflict, RuleNotMet
from tests.directory.factories import make_report, notified, published

NOW = datetime(2026, 3, 2, 9, tzinfo=UTC)


def draft(*, issue_date: date, due_date: date) -> Draft:
    return Draft(
        member_siren="732829320",
        claimed_creditor_siren=None,
        debtor_siren="552100554",
        debtor_email="a@b.fr",
        debtor_postal_address="",
        issue_date=issue_date,
        due_date=due_date,
        amount_cents=1_000_00,
        outstanding_cents=1_000_00,
        reminder_dates=(),
        notice_date=None,
        notice_channel=NoticeChannel.BAILIFF,
    )


def test_the_legal_term_is_sixty_days_or_forty_five_days_end_of_month_whichever_is_later() -> None:
    # 5 Jan: 60 days -> 6 Mar; 45 days then end of month -> 28 Feb; end of month then 45 days -> 17 Mar.
    assert latest_legal_due_date(date(2026, 1, 5)) == date(2026, 3, 17)


def test_a_longer_agreed_term_is_accepted_but_flagged() -> None:
    assert term_flags(draft(issue_date=date(2026, 1, 5), due_date=date(2026, 3, 17))) == ()
    assert term_flags(draft(issue_date=date(2026, 1, 5), due_date=date(2026, 3, 18))) == (
        "delai_superieur_au_maximum_legal",
    )


def test_a_letter_gives_the_debtor_three_more_days() -> None:
    by_post = lifecycle.notified(make_report(), NOW, 15, NoticeMedium.POST)
    assert by_post.publish_after == NOW + timedelta(days=18)


def test_publication_waits_for_the_end_of_the_grace_period() -> None:
    report = notified(make_report(), at=NOW)
    assert not lifecycle.is_due_for_publication(report, NOW + timedelta(days=15) - timedelta(seconds=1))
    with pytest.raises(Conflict):
        lifecycle.published(report, NOW)
    assert lifecycle.published(report, NOW + timedelta(days=15)).status is ReportStatus.PUBLISHED


def test_a_partial_payment_lowers_the_outstanding_amount_and_a_full_one_settles() -> None:
    report = published(notified(make_report(), at=NOW), at=NOW)
    partial = lifecycle.payment_recorded(report, amount_cents=250_00, paid_on=date(2026, 3, 1), now=NOW, actor="m")
    assert (partial.status, partial.outstanding_cents) == (ReportStatus.PUBLISHED, 1_000_00)
    full = lifecycle.payment_recorded(partial, amount_cents=1_000_00, paid_on=date(2026, 3, 2), now=NOW, actor="m")
    assert (full.status, full.outstanding_cents, full.settled_on) == (ReportStatus.SETTLED, 0, date(2026, 3, 2))
    assert full.days_beyond_terms(date(2027, 1, 1)) == (date(2026, 3, 2) - date(2025, 12, 31)).days


@pytest.mark.parametrize(
    ("amount", "paid_on", "code"),
    [
        (2_000_00, date(2026, 3, 1), "paiement_superieur_au_reste_du"),
        (100_00, date(2026, 3, 3), "date_de_paiement_invalide"),
    ],
)
def test_a_payment_that_does_not_fit_is_refused(amount: int, paid_on: date, code: str) -> None:
    with pytest.raises(RuleNotMet) as refused:
        lifecycle.payment_recorded(make_report(), amount_cents=amount, paid_on=paid_on, now=NOW, actor="m")
    assert [e.code for e in refused.value.errors] == [code]


def test_a_settled_report_cannot_be_withdrawn_or_disputed() -> None:
    settled = replace(make_report(), status=ReportStatus.SETTLED, outstanding_cents=0)
    with pytest.raises(Conflict):
        lifecycle.withdrawn(settled, NOW)
    dispute = Dispute(DisputeKind.DISPUTE, DisputeReason.NOT_OWED, "Pas commandé.", NOW, False)
    with pytest.raises(Conflict):
        lifecycle.disputed(settled, dispute)


def test_only_one_dispute_per_report_and_an_upheld_report_shows_the_debtor_text() -> None:
    report = published(notified(make_report(), at=NOW - timedelta(days=20)), at=NOW - timedelta(days=5))
    dispute = Dispute(DisputeKind.DISPUTE, DisputeReason.WRONG_AMOUNT, "Le montant inclut un avoir.", NOW, True)
    disputed = lifecycle.disputed(report, dispute)
    upheld = lifecycle.moderated(
        disputed, Moderation(ModerationDecision.UPHELD, "Pièces probantes.", "mod_1", NOW), NOW
    )
    assert upheld.status is ReportStatus.PUBLISHED and upheld.public_reply == "Le montant inclut un avoir."
    with pytest.raises(Conflict):
        lifecycle.disputed(upheld, dispute)


def test_an_upheld_report_in_its_grace_period_goes_back_to_waiting() -> None:
    report = notified(make_report(), at=NOW)
    dispute = Dispute(DisputeKind.DISPUTE, DisputeReason.OTHER, "Texte.", NOW, False)
    upheld = lifecycle.moderated(
        lifecycle.disputed(report, dispute), Moderation(ModerationDecision.UPHELD, "Non fondé.", "m", NOW), NOW
    )
    assert upheld.status is ReportStatus.NOTIFIED and upheld.publish_after == report.publish_after


def test_retention_is_24_months_after_closing_and_never_beyond_5_years_after_the_due_date() -> None:
    report = make_report(due_date=date(2025, 12, 31))
    assert delete_on(published(report, at=NOW)) == date(2030, 12, 31)
    settled = replace(report, status=ReportStatus.SETTLED, closed_at=NOW)
    assert delete_on(settled) == date(2028, 3, 2)
    old = replace(make_report(due_date=date(2022, 1, 15)), status=ReportStatus.SETTLED, closed_at=NOW)
    assert delete_on(old) == date(2027, 1, 15)


def test_adding_months_keeps_the_day_or_takes_the_last_of_a_shorter_month() -> None:
    assert add_months(date(2024, 2, 29), 24) == date(2026, 2, 28)
    assert add_months(date(2026, 1, 31), 1) == date(2026, 2, 28)
    assert add_months(date(2026, 11, 30), 3) == date(2027, 2, 28)
