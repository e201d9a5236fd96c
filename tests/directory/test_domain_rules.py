"""Pure rules: the legal payment term, flags, the state machine and retention dates."""

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

import pytest

from functions.core.domain import lifecycle
from functions.core.domain.reports import (
    DebtorAction,
    Dispute,
    DisputeKind,
    DisputeReason,
    Moderation,
    ModerationDecision,
    NoticeChannel,
    NoticeMedium,
    Report,
    ReportStatus,
)
from functions.core.domain.retention import add_months, delete_on
from functions.core.domain.rules import Draft, latest_legal_due_date, term_flags
from functions.core.domain.visibility import is_listed, public_company, public_invoice, shown_name
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
    partial = lifecycle.payment_recorded(
        report, amount_cents=250_00, paid_on=date(2026, 3, 1), now=NOW, actor="m", min_listed_cents=100_00
    )
    assert (partial.status, partial.outstanding_cents) == (ReportStatus.PUBLISHED, 1_000_00)
    full = lifecycle.payment_recorded(
        partial, amount_cents=1_000_00, paid_on=date(2026, 3, 2), now=NOW, actor="m", min_listed_cents=100_00
    )
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
        lifecycle.payment_recorded(
            make_report(), amount_cents=amount, paid_on=paid_on, now=NOW, actor="m", min_listed_cents=100_00
        )
    assert [e.code for e in refused.value.errors] == [code]


def test_a_settled_report_cannot_be_withdrawn_or_disputed() -> None:
    settled = replace(make_report(), status=ReportStatus.SETTLED, outstanding_cents=0)
    with pytest.raises(Conflict):
        lifecycle.withdrawn(settled, NOW)
    dispute = Dispute(DisputeKind.DISPUTE, DisputeReason.NOT_OWED, "Pas commandé.", NOW, False)
    with pytest.raises(Conflict):
        lifecycle.disputed(settled, dispute)


def test_only_one_dispute_per_report_and_an_upheld_report_shows_only_the_debtor_public_reply() -> None:
    report = published(notified(make_report(), at=NOW - timedelta(days=20)), at=NOW - timedelta(days=5))
    report = lifecycle.replied(report, "Nous réglerons dès réception de l'avoir.")
    dispute = Dispute(DisputeKind.DISPUTE, DisputeReason.WRONG_AMOUNT, "Le montant inclut un avoir.", NOW, True)
    disputed = lifecycle.disputed(report, dispute)
    upheld = lifecycle.moderated(
        disputed, Moderation(ModerationDecision.UPHELD, "Pièces probantes.", "mod_1", NOW), NOW
    )
    assert upheld.status is ReportStatus.PUBLISHED and upheld.public_reply == "Nous réglerons dès réception de l'avoir."
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


def declaration(paid_on: date, *, at: datetime = NOW) -> Dispute:
    return Dispute(
        DisputeKind.PAYMENT_DECLARED,
        DisputeReason.ALREADY_PAID,
        "Virement du solde.",
        at,
        True,
        ("ev_virement",),
        paid_on=paid_on,
        evidence_sha256=("ab" * 32,),
    )


def upheld(report: Report, dispute: Dispute) -> Report:
    opening = lifecycle.disputed if dispute.kind is DisputeKind.DISPUTE else lifecycle.payment_declared
    opened = opening(report, dispute)
    return lifecycle.moderated(opened, Moderation(ModerationDecision.UPHELD, "Maintenu.", "mod_1", NOW), NOW)


def test_after_an_upheld_contest_the_debtor_may_still_declare_a_payment_but_not_contest_again() -> None:
    report = published(notified(make_report(), at=NOW - timedelta(days=20)), at=NOW - timedelta(days=5))
    contest = Dispute(DisputeKind.DISPUTE, DisputeReason.WRONG_AMOUNT, "Avoir non déduit.", NOW, True)
    maintained = upheld(report, contest)
    assert not lifecycle.can_contest(maintained) and lifecycle.can_declare_payment(maintained)
    declared = lifecycle.payment_declared(maintained, declaration(date(2026, 3, 1)))
    assert declared.status is ReportStatus.DISPUTED and declared.moderation is None
    assert [d.dispute.text for d in declared.earlier_disputes] == ["Avoir non déduit."]
    assert declared.cited_evidence() == {"ev_virement": "ab" * 32}


def test_a_payment_a_moderator_weighed_cannot_be_declared_again_only_a_later_one() -> None:
    report = published(notified(make_report(), at=NOW - timedelta(days=20)), at=NOW - timedelta(days=5))
    weighed = upheld(report, declaration(date(2026, 2, 20)))
    assert lifecycle.can_contest(weighed)  # a payment declaration does not use up the contest
    with pytest.raises(Conflict):
        lifecycle.payment_declared(weighed, declaration(date(2026, 2, 20)))
    later = lifecycle.payment_declared(weighed, declaration(date(2026, 2, 27)))
    assert later.dispute.paid_on == date(2026, 2, 27) and len(later.earlier_disputes) == 1


def test_a_payment_declared_during_a_contest_joins_it() -> None:
    report = notified(make_report(), at=NOW)
    contest = Dispute(DisputeKind.DISPUTE, DisputeReason.NOT_OWED, "Jamais commandé.", NOW, False, ("ev_1",))
    disputed = lifecycle.disputed(report, contest)
    joined = lifecycle.payment_declared(disputed, declaration(date(2026, 3, 1)))
    assert joined.status is ReportStatus.DISPUTED and joined.dispute.kind is DisputeKind.DISPUTE
    assert joined.dispute.text == "Jamais commandé." and joined.dispute.payment_note == "Virement du solde."
    assert joined.dispute.paid_on == date(2026, 3, 1) and joined.dispute.evidence_ids == ("ev_1", "ev_virement")


def test_a_partial_payment_leaving_less_than_the_minimum_takes_the_report_off_the_listing_for_good() -> None:
    report = published(notified(make_report(amount_cents=1_000_00), at=NOW), at=NOW)
    pay = lambda r, cents: lifecycle.payment_recorded(  # noqa: E731 - a local shorthand
        r, amount_cents=cents, paid_on=date(2026, 3, 1), now=NOW, actor="m", min_listed_cents=100_00
    )
    still = pay(report, 900_00)
    assert (still.status, still.outstanding_cents) == (ReportStatus.PUBLISHED, 100_00)
    unlisted = pay(still, 1)
    assert (unlisted.status, unlisted.outstanding_cents, is_listed(unlisted)) == (ReportStatus.UNLISTED, 99_99, False)
    assert unlisted.closed_at == NOW and delete_on(unlisted) == date(2028, 3, 2)
    assert pay(unlisted, 99_99).status is ReportStatus.SETTLED
    assert lifecycle.withdrawn(unlisted, NOW).status is ReportStatus.WITHDRAWN
    with pytest.raises(Conflict):
        lifecycle.payment_declared(unlisted, declaration(date(2026, 3, 1)))


def test_years_before_keeps_the_day_and_never_leaves_the_calendar() -> None:
    from functions.core.domain.windows import years_before

    assert years_before(date(2026, 3, 2), 5) == date(2021, 3, 2)
    assert years_before(date(2024, 2, 29), 5) == date(2019, 2, 28)
    assert years_before(date(3, 6, 1), 5) == date.min


def test_what_the_debtor_may_do_follows_the_report_s_life() -> None:
    report = make_report()
    listed = published(notified(report, at=NOW - timedelta(days=20)), at=NOW - timedelta(days=5))
    contested = lifecycle.disputed(
        listed, Dispute(DisputeKind.DISPUTE, DisputeReason.NOT_OWED, "Commande jamais passée.", NOW, True)
    )
    assert lifecycle.debtor_actions(report) == ()  # not yet notified
    assert lifecycle.debtor_actions(listed) == (
        DebtorAction.DISPUTE,
        DebtorAction.DECLARE_PAYMENT,
        DebtorAction.REPLY,
    )
    assert lifecycle.debtor_actions(contested) == (DebtorAction.DECLARE_PAYMENT, DebtorAction.REPLY)
    assert lifecycle.debtor_actions(replace(listed, status=ReportStatus.SETTLED)) == ()


def test_a_payment_declaration_is_told_everything_it_lacks_at_once() -> None:
    report = make_report(issue_date=date(2025, 12, 1), amount_cents=1_250_00)
    refused = lifecycle.check_payment_declaration(
        report, paid_on=date(2025, 11, 30), amount_cents=1_250_01, evidence_count=0, today=date(2026, 3, 2)
    )
    assert [(e.field, e.code) for e in refused] == [
        ("evidence_ids", "justificatif_manquant"),
        ("paid_on", "date_de_paiement_invalide"),
        ("amount_cents", "montant_declare_invalide"),
    ]
    accepted = lifecycle.check_payment_declaration(
        report, paid_on=date(2026, 3, 2), amount_cents=1_250_00, evidence_count=1, today=date(2026, 3, 2)
    )
    assert accepted == []


def test_every_public_surface_names_a_company_by_the_registry_else_by_its_latest_listed_report() -> None:
    older = published(make_report(debtor_name="SGE", due_date=date(2025, 11, 30)), at=datetime(2026, 2, 1, tzinfo=UTC))
    newer = published(
        make_report(id="rpt_0002", number="F-2", debtor_name="Société Générale d'Équipement"),
        at=datetime(2026, 2, 1, tzinfo=UTC),
    )
    invoices = [public_invoice(newer), public_invoice(older)]
    public = public_company([i for i in invoices if i is not None], signatory=False)
    assert public is not None and len(public.invoices) == 2
    assert shown_name("SOCIETE GENERALE D'EQUIPEMENT", public) == "SOCIETE GENERALE D'EQUIPEMENT"
    assert shown_name("", public, "552100554") == "Société Générale d'Équipement"
    signatory = public_company([], signatory=True)
    assert signatory is not None and shown_name("", signatory, "", "552100554") == "552100554"
