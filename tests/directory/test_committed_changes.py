"""A committed change is never answered with a 5xx, and never applied twice, on both stores.

The store is wrapped in ``FaultyBackend`` so that chosen calls fail after the
payment's transaction: what fails after a commit is logged and left to the
tick, and a transaction whose answer was lost is recognised as applied.
"""

from __future__ import annotations

from typing import Any

import pytest
from flask.testing import FlaskClient

from functions.core.clock import FixedClock
from functions.core.resources import Resources
from functions.core.store import Store
from functions.core.store.items import ConditionFailed, ItemBackend, StoreUnavailable
from functions.local.tick import run_local_tick
from tests.directory.conftest import moderator_headers, reply_token
from tests.directory.factories import DEBTOR_SIREN, filing_payload
from tests.directory.proof import file_report
from tests.faults import FaultyBackend, writes_touching

INVOICE = 1_590_00
PAYMENT = {"amount_cents": 100_00, "paid_on": "2026-03-01"}


@pytest.fixture
def faulty(backend: ItemBackend) -> FaultyBackend:
    return FaultyBackend(backend)


@pytest.fixture
def store(faulty: FaultyBackend, clock: FixedClock) -> Store:
    return Store(faulty, clock)


def a_notified_report(directory: FlaskClient, member: dict[str, str], resources: Resources) -> str:
    payload = filing_payload(amount_cents=INVOICE, outstanding_cents=INVOICE)
    filed = file_report(directory, member, payload)
    assert filed.status_code == 201, filed.json
    run_local_tick(resources)  # the notice goes out
    return str(filed.json["id"])


def outstanding(resources: Resources, report_id: str) -> int:
    report = resources.store.reports.get_report(report_id)
    assert report is not None
    return report.outstanding_cents


def is_mark_read(pk: str, sk: str, *args: Any, **kwargs: Any) -> bool:
    return pk.startswith("OUTBOX#")


def test_a_payment_whose_refresh_fails_after_the_commit_is_answered_and_left_to_the_tick(
    directory: FlaskClient, member: dict[str, str], resources: Resources, faulty: FaultyBackend
) -> None:
    report_id = a_notified_report(directory, member, resources)
    faulty.fail("get", matches=is_mark_read, calls=None)

    paid = directory.post(f"/reports/{report_id}/payments", json=PAYMENT, headers=member)

    assert paid.status_code == 200, paid.json
    assert paid.json["outstanding_cents"] == 1_490_00
    assert outstanding(resources, report_id) == 1_490_00
    assert [mark.data["siren"] for mark in resources.store.outbox.list_marked()] == [DEBTOR_SIREN]
    faulty.clear()
    run_local_tick(resources)
    assert resources.store.outbox.list_marked() == []


def test_a_retry_with_the_same_key_after_a_failed_refresh_records_the_payment_once(
    directory: FlaskClient, member: dict[str, str], resources: Resources, faulty: FaultyBackend
) -> None:
    report_id = a_notified_report(directory, member, resources)
    keyed = {**member, "Idempotency-Key": "paiement-0412-1"}
    faulty.fail("get", matches=is_mark_read, calls=None)

    first = directory.post(f"/reports/{report_id}/payments", json=PAYMENT, headers=keyed)
    again = directory.post(f"/reports/{report_id}/payments", json=PAYMENT, headers=keyed)

    assert (first.status_code, again.status_code) == (200, 200), (first.json, again.json)
    assert again.headers["Idempotent-Replayed"] == "true"
    assert again.json == first.json
    assert outstanding(resources, report_id) == 1_490_00


def test_a_transaction_applied_then_reported_as_lost_race_is_not_applied_again(
    directory: FlaskClient, member: dict[str, str], resources: Resources, faulty: FaultyBackend
) -> None:
    # DynamoDB applied the payment, the SDK's retry of the same call then failed
    # its version condition: the retry must see its own change, not apply it again.
    report_id = a_notified_report(directory, member, resources)
    faulty.fail("transact", when="after", matches=writes_touching("DEBTOR#"), error=lambda: ConditionFailed("version"))

    paid = directory.post(f"/reports/{report_id}/payments", json=PAYMENT, headers=member)

    assert paid.status_code == 200, paid.json
    assert paid.json["outstanding_cents"] == 1_490_00
    assert outstanding(resources, report_id) == 1_490_00


def test_a_transaction_applied_whose_answer_was_lost_counts_as_applied(
    directory: FlaskClient, member: dict[str, str], resources: Resources, faulty: FaultyBackend
) -> None:
    report_id = a_notified_report(directory, member, resources)
    faulty.fail("transact", when="after", matches=writes_touching("DEBTOR#"))

    paid = directory.post(f"/reports/{report_id}/payments", json=PAYMENT, headers=member)

    assert paid.status_code == 200, paid.json
    assert outstanding(resources, report_id) == 1_490_00


def test_an_error_after_the_commit_is_answered_202_with_the_change_kept(
    directory: FlaskClient, member: dict[str, str], mailer: Any, resources: Resources, faulty: FaultyBackend
) -> None:
    report_id = a_notified_report(directory, member, resources)
    disputed = directory.post(
        f"/replies/{reply_token(mailer)}",
        json={"action": "dispute", "reason": "not_owed", "text": "La livraison n'a jamais eu lieu."},
    )
    assert disputed.status_code == 200, disputed.json
    # Upholding issues the debtor a fresh link after the decision's commit: that write fails.
    faulty.fail("transact", matches=writes_touching("REPLYLINK#"))

    decided = directory.post(
        f"/reports/{report_id}/moderation",
        json={"decision": "upheld", "note": "Livraison prouvée."},
        headers=moderator_headers(directory),
    )

    assert decided.status_code == 202, decided.json
    assert decided.json["status"] == "accepted"
    report = resources.store.reports.get_report(report_id)
    assert report is not None and report.moderation is not None


def test_an_upload_of_upserts_that_fails_halfway_keeps_its_error_so_that_it_is_sent_again(
    directory: FlaskClient, member: dict[str, str], resources: Resources, faulty: FaultyBackend
) -> None:
    lines = [
        {"debtor_siren": DEBTOR_SIREN, "amount_cents": 1_000_00 + n, "due_date": "2026-01-31", "paid_on": "2026-02-10"}
        for n in range(60)
    ]
    # The second transaction of the upload (lines 46 to 60) meets a throttled table.
    faulty.fail("transact", matches=writes_touching("EXPERIENCES#"), calls={2}, error=lambda: StoreUnavailable("x"))

    failed = directory.post("/experiences", json=lines, headers=member)
    assert failed.status_code == 503, failed.json
    assert len(resources.store.experiences.list_for_debtor(DEBTOR_SIREN)) == 45

    again = directory.post("/experiences", json=lines, headers=member)
    assert again.status_code == 200, again.json
    assert len(resources.store.experiences.list_for_debtor(DEBTOR_SIREN)) == 60
