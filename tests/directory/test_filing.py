"""Duplicates and idempotent replays of POST /reports."""

from flask.testing import FlaskClient

from functions.core.clock import FixedClock
from functions.core.mailer import OutboxMailer
from functions.core.resources import Resources
from tests.directory.conftest import register, subjects_to
from tests.directory.factories import DEBTOR_SIREN, filing_payload
from tests.directory.proof import file_report, with_documents


def keyed(member: dict[str, str], key: str) -> dict[str, str]:
    return {**member, "Idempotency-Key": key}


def test_the_same_invoice_reported_twice_is_a_409(directory: FlaskClient, member: dict[str, str]) -> None:
    first = file_report(directory, member, filing_payload(number="F-2025-0412"))
    again = file_report(
        directory, member, filing_payload(number="f 2025 0412", amount_cents=1_300_00, outstanding_cents=1_300_00)
    )
    assert again.status_code == 409
    assert again.json["type"] == "https://ardoise.fr/problemes/doublon"
    assert again.json["report_id"] == first.json["id"]


def test_another_invoice_of_the_same_debtor_is_a_new_report(directory: FlaskClient, member: dict[str, str]) -> None:
    file_report(directory, member, filing_payload(number="F-2025-0412"))
    assert file_report(directory, member, filing_payload(number="F-2025-0413")).status_code == 201


def test_a_keyed_request_sent_again_replays_the_first_response_without_a_second_report(
    directory: FlaskClient, member: dict[str, str], mailer: OutboxMailer, resources: Resources
) -> None:
    body = with_documents(directory, member, filing_payload())
    first = directory.post("/reports", json=body, headers=keyed(member, "0b7c3c2e-1"))
    again = directory.post("/reports", json=body, headers=keyed(member, "0b7c3c2e-1"))
    assert (first.status_code, again.status_code) == (201, 201)
    assert again.json == first.json
    assert again.headers["Idempotent-Replayed"] == "true" and "Idempotent-Replayed" not in first.headers
    assert again.headers["Location"] == first.headers["Location"]
    assert len(resources.store.reports.list_for_debtor(DEBTOR_SIREN)) == 1
    assert subjects_to(mailer, "comptabilite@sge.fr") == []  # told only once a moderator approves


def test_the_replay_is_the_first_response_even_after_the_report_changed(
    directory: FlaskClient, member: dict[str, str]
) -> None:
    body = with_documents(directory, member, filing_payload())
    first = directory.post("/reports", json=body, headers=keyed(member, "k-42"))
    directory.post(f"/reports/{first.json['id']}/withdraw", headers=member)
    assert directory.post("/reports", json=body, headers=keyed(member, "k-42")).json["status"] == "under_review"


def test_a_key_reused_for_another_body_is_refused(directory: FlaskClient, member: dict[str, str]) -> None:
    body = with_documents(directory, member, filing_payload())
    directory.post("/reports", json=body, headers=keyed(member, "k-1"))
    other_body = with_documents(directory, member, filing_payload(number="F-2025-0999"))
    other = directory.post("/reports", json=other_body, headers=keyed(member, "k-1"))
    assert other.status_code == 422
    assert other.json["type"] == "https://ardoise.fr/problemes/cle-idempotence-reutilisee"


def test_a_refused_request_records_nothing_so_it_can_be_corrected_under_the_same_key(
    directory: FlaskClient, member: dict[str, str]
) -> None:
    body = with_documents(directory, member, filing_payload(reminder_dates=()))
    refused = directory.post("/reports", json=body, headers=keyed(member, "k-2"))
    assert refused.status_code == 422
    # Same key, same (still wrong) body: evaluated again, not replayed.
    assert directory.post("/reports", json=body, headers=keyed(member, "k-2")).status_code == 422


def test_replays_last_24_hours(directory: FlaskClient, member: dict[str, str], clock: FixedClock) -> None:
    body = with_documents(directory, member, filing_payload())
    directory.post("/reports", json=body, headers=keyed(member, "k-3"))
    clock.advance(hours=23, minutes=59)
    assert directory.post("/reports", json=body, headers=keyed(member, "k-3")).status_code == 201
    clock.advance(minutes=2)
    # The key has expired: the request is new again, and its invoice a duplicate (its documents, fresh ones).
    again = directory.post("/reports", json=body, headers=keyed(member, "k-3"))
    assert "document_deja_cite" in [error["code"] for error in again.json["errors"]]
    assert file_report(directory, keyed(member, "k-3")).status_code == 409


def test_keys_belong_to_one_member(directory: FlaskClient, member: dict[str, str], mailer: OutboxMailer) -> None:
    body = with_documents(directory, member, filing_payload())
    directory.post("/reports", json=body, headers=keyed(member, "shared-key"))
    other = {"Authorization": register(directory, mailer, siren="542065479", name="Boulangerie Étoile")}
    response = directory.post("/reports", json=with_documents(directory, other), headers=keyed(other, "shared-key"))
    assert response.status_code == 201 and response.json["creditor_siren"] == "542065479"


def test_a_term_longer_than_the_law_allows_is_accepted_with_a_flag(
    directory: FlaskClient, member: dict[str, str]
) -> None:
    response = file_report(directory, member, filing_payload(issue_date="2025-10-01", due_date="2025-12-31"))
    assert response.status_code == 201
    assert [flag["code"] for flag in response.json["flags"]] == ["delai_superieur_au_maximum_legal"]
