"""The charter's pure rules: signing outcomes, suspension, status precedence."""

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

from functions.core.domain.charter import (
    SignatureStatus,
    SigningOutcome,
    Standing,
    apply_report_count,
    apply_signing,
    apply_withdrawal,
    company_page_path,
    load_charter,
    public_status,
)
from tests.charter.factories import NEXT_VERSION, VERSION, make_request, make_signature

NOW = datetime(2026, 3, 2, 9, tzinfo=UTC)
LATER = NOW + timedelta(days=30)


def test_a_first_signature_is_active_or_suspended_at_once_by_the_reports() -> None:
    signature, outcome = apply_signing(None, make_request(), NOW, 0)
    assert (outcome, signature.standing, signature.signed_at) == (SigningOutcome.SIGNED, Standing.ACTIVE, NOW)
    signature, _ = apply_signing(None, make_request(), NOW, 2)
    assert (signature.standing, signature.standing_since) == (Standing.SUSPENDED, NOW)


def test_signing_the_same_version_again_changes_nothing() -> None:
    existing = make_signature(signed_at=NOW)
    signature, outcome = apply_signing(existing, make_request(email="autre@sge-equipement.fr"), LATER, 0)
    assert (signature, outcome) == (existing, SigningOutcome.UNCHANGED)


def test_a_newer_version_renews_and_keeps_a_suspension() -> None:
    existing = make_signature(signed_at=NOW, standing=Standing.SUSPENDED, standing_since=NOW)
    signature, outcome = apply_signing(existing, make_request(charter_version=NEXT_VERSION), LATER, 0)
    assert outcome is SigningOutcome.RENEWED
    assert (signature.charter_version, signature.signed_at, signature.standing) == (
        NEXT_VERSION,
        LATER,
        Standing.SUSPENDED,
    )
    assert [(p.charter_version, p.signed_at, p.ended_at) for p in signature.history] == [(VERSION, NOW, LATER)]


def test_signing_after_a_withdrawal_starts_afresh_and_keeps_the_history() -> None:
    withdrawn = make_signature(signed_at=NOW, standing=Standing.WITHDRAWN, standing_since=NOW + timedelta(days=1))
    signature, outcome = apply_signing(withdrawn, make_request(), LATER, 0)
    assert (outcome, signature.standing, signature.signed_at) == (SigningOutcome.SIGNED, Standing.ACTIVE, LATER)
    assert [(p.signed_at, p.ended_at) for p in signature.history] == [(NOW, NOW + timedelta(days=1))]


def test_published_reports_suspend_and_their_absence_reinstates() -> None:
    active = make_signature(signed_at=NOW)
    suspended = apply_report_count(active, 1, LATER)
    assert suspended is not None and (suspended.standing, suspended.standing_since) == (Standing.SUSPENDED, LATER)
    assert apply_report_count(suspended, 3, LATER) is None
    reinstated = apply_report_count(suspended, 0, LATER + timedelta(days=1))
    assert reinstated is not None and reinstated.standing is Standing.ACTIVE
    assert apply_report_count(active, 0, LATER) is None


def test_a_withdrawn_signature_is_never_suspended_nor_withdrawn_twice() -> None:
    withdrawn = apply_withdrawal(make_signature(signed_at=NOW), LATER)
    assert withdrawn is not None and withdrawn.standing is Standing.WITHDRAWN
    assert apply_report_count(withdrawn, 2, LATER) is None
    assert apply_withdrawal(withdrawn, LATER) is None


def test_withdrawn_beats_suspended_which_beats_outdated() -> None:
    catalog = load_charter()
    after_switch = catalog.get(NEXT_VERSION).effective_on + timedelta(days=1)
    active = make_signature(signed_at=NOW)
    assert public_status(active, catalog, date(2026, 3, 2)).status is SignatureStatus.ACTIVE
    assert public_status(active, catalog, after_switch).status is SignatureStatus.OUTDATED
    suspended = replace(active, standing=Standing.SUSPENDED, standing_since=LATER)
    status = public_status(suspended, catalog, after_switch)
    assert (status.status, status.since, status.reason) == (SignatureStatus.SUSPENDED, LATER, "unpaid_report_published")
    withdrawn = replace(active, standing=Standing.WITHDRAWN, standing_since=LATER)
    assert public_status(withdrawn, catalog, after_switch).status is SignatureStatus.WITHDRAWN


def test_page_paths_are_slugged() -> None:
    assert (
        company_page_path("552100554", "Société Générale d'Équipement")
        == "/entreprises/552100554-societe-generale-d-equipement/"
    )
