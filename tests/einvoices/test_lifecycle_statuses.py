"""The lifecycle transitions of a reported e-invoice, as pure functions (the HTTP tests are in tests/directory)."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from functions.core.domain import lifecycle
from functions.core.domain.einvoice import InvoiceStatus
from functions.core.domain.reports import DisputeKind, Moderation, ModerationDecision, ReportStatus
from functions.core.errors import Conflict
from tests.directory.factories import make_report, notified

NOW = datetime(2026, 3, 2, 9, tzinfo=UTC)


def status(code: int, on: date = date(2026, 3, 1)) -> InvoiceStatus:
    return InvoiceStatus(code=code, on=on, received_at=NOW, received_by="member:mbr_test")


def test_a_dispute_status_before_the_notice_freezes_the_report_and_upheld_it_goes_back_to_its_notice() -> None:
    frozen = lifecycle.invoice_status_received(make_report(), status(207), min_listed_cents=100_00)
    assert frozen is not None and frozen.status is ReportStatus.DISPUTED
    assert frozen.dispute is not None and frozen.dispute.kind is DisputeKind.INVOICE_STATUS
    upheld = lifecycle.moderated(frozen, Moderation(ModerationDecision.UPHELD, "Vu.", "mod_1", NOW), NOW)
    assert upheld.status is ReportStatus.SUBMITTED  # never published without its notice


def test_a_status_recorded_on_a_disputed_report_joins_it_without_a_new_dispute() -> None:
    frozen = lifecycle.invoice_status_received(notified(make_report(), at=NOW), status(210), min_listed_cents=100_00)
    assert frozen is not None
    again = lifecycle.invoice_status_received(frozen, status(207), min_listed_cents=100_00)
    assert again is not None and again.dispute == frozen.dispute
    assert [s.code for s in again.invoice_statuses] == [210, 207]


def test_the_same_status_twice_is_no_change() -> None:
    once = lifecycle.invoice_status_received(make_report(), status(205), min_listed_cents=100_00)
    assert once is not None
    assert lifecycle.invoice_status_received(once, status(205), min_listed_cents=100_00) is None


def test_a_closed_report_is_neither_frozen_nor_settled_but_keeps_other_statuses() -> None:
    settled = lifecycle.invoice_status_received(make_report(), status(212), min_listed_cents=100_00)
    assert settled is not None and settled.status is ReportStatus.SETTLED and settled.settled_on == date(2026, 3, 1)
    for code in (207, 211):
        with pytest.raises(Conflict):
            lifecycle.invoice_status_received(settled, status(code, date(2026, 3, 2)), min_listed_cents=100_00)
    kept = lifecycle.invoice_status_received(settled, status(213), min_listed_cents=100_00)
    assert kept is not None and kept.status is ReportStatus.SETTLED
