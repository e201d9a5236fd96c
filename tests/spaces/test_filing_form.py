"""Filing a report from the creditor's space: the rules of POST /reports, each error beside its field."""

from __future__ import annotations

from io import BytesIO
from typing import Any

import boto3
import pytest
from flask.testing import FlaskClient
from moto import mock_aws

from functions.core.mailer import OutboxMailer
from functions.core.resources import Resources
from functions.core.store.evidence import EvidenceAlreadyStored, EvidenceBucket
from tests.directory.proof import PROOF
from tests.spaces.conftest import CREDITOR_SIREN, MEMBER_EMAIL
from tests.spaces.helpers import sign_in, submit, text


def form(**changes: Any) -> dict[str, Any]:
    """The form of a report that meets every rule on 2 March 2026, as a person fills it in (euros, dates)."""
    fields: dict[str, Any] = {
        "debtor.siren": "552 100 554",
        "debtor.name": "Société Générale d'Entreprises",
        "debtor.email": "comptabilite@sge.fr",
        "debtor.postal_address": "12 rue de la Paix, 75002 Paris",
        "invoice.number": "F-2025-0412",
        "invoice.issue_date": "2025-12-01",
        "invoice.due_date": "2025-12-31",
        "invoice.amount": "1 250,00",
        "invoice.outstanding": "1 250,00",
        "amicable_steps.reminder_1": "2026-01-10",
        "amicable_steps.reminder_2": "2026-01-20",
        "amicable_steps.notice_date": "2026-01-30",
        "amicable_steps.notice_channel": "registered_letter",
        "description": "Deux relances et une mise en demeure restées sans effet.",
    }
    for kind, (filename, content) in PROOF.items():
        fields[f"document.{kind}"] = (BytesIO(content), filename, "application/pdf")
    return {**fields, **changes}


def test_a_member_files_a_report_with_its_documents(
    browser: FlaskClient, mailer: OutboxMailer, resources: Resources
) -> None:
    sign_in(browser, mailer, siren=CREDITOR_SIREN, email=MEMBER_EMAIL)
    filed = submit(browser, "/espace/signaler", "/espace/signaler", **form())
    assert filed.status_code == 303, text(filed)
    shown = text(browser.get(filed.headers["Location"]))
    assert "Le signalement est déposé" in shown and "en attente de vérification" in shown
    report = resources.store.reports.list_for_creditor(CREDITOR_SIREN)[0]
    assert report.invoice.amount_cents == 1_250_00 and len(report.documents) == 3
    assert [d.kind.value for d in report.documents] == ["invoice", "formal_notice", "notice_proof"]


def test_a_rule_not_met_is_shown_beside_its_field_and_nothing_is_filed(
    browser: FlaskClient, mailer: OutboxMailer, resources: Resources
) -> None:
    sign_in(browser, mailer, siren=CREDITOR_SIREN, email=MEMBER_EMAIL)
    refused = submit(
        browser, "/espace/signaler", "/espace/signaler", **form(**{"amicable_steps.notice_date": "2026-02-27"})
    )
    assert refused.status_code == 422
    page = refused.get_data(as_text=True)
    assert 'id="erreur-amicable_steps.notice_date"' in page
    assert 'value="F-2025-0412"' in page  # what was typed stays
    assert resources.store.reports.list_for_creditor(CREDITOR_SIREN) == []


def test_fields_the_form_cannot_read_are_refused_before_any_document_is_stored(
    browser: FlaskClient, mailer: OutboxMailer, resources: Resources
) -> None:
    sign_in(browser, mailer, siren=CREDITOR_SIREN, email=MEMBER_EMAIL)
    member = resources.store.members.list_members(CREDITOR_SIREN)[0]
    changes = {"invoice.amount": "mille", "invoice.due_date": "2025-13-45", "document.invoice": (BytesIO(b""), "")}
    refused = submit(browser, "/espace/signaler", "/espace/signaler", **form(**changes))
    assert refused.status_code == 400
    page = refused.get_data(as_text=True)
    for field in ("invoice.amount", "invoice.due_date", "document.invoice"):
        assert f'id="erreur-{field}"' in page, field
    assert resources.store.documents.count_uncited(member.id) == 0


def test_a_pending_member_cannot_file_from_the_space(directory: FlaskClient, mailer: OutboxMailer) -> None:
    from tests.directory.conftest import register_pending

    register_pending(directory, mailer)
    sign_in(directory, mailer, siren=CREDITOR_SIREN, email=MEMBER_EMAIL)
    refused = submit(directory, "/espace/", "/espace/signaler", **form())
    assert refused.status_code == 403 and "en attente de validation" in text(refused)


def test_the_s3_storage_writes_a_file_the_form_received_never_over_another() -> None:
    with mock_aws():
        client = boto3.client("s3", region_name="eu-west-3")
        client.create_bucket(Bucket="ardoise-pieces", CreateBucketConfiguration={"LocationConstraint": "eu-west-3"})
        bucket = EvidenceBucket("ardoise-pieces", "pieces", client)
        bucket.write("documents/m/d", b"%PDF-1.4")
        assert bucket.read("documents/m/d") == b"%PDF-1.4"
        with pytest.raises(EvidenceAlreadyStored):
            bucket.write("documents/m/d", b"%PDF-1.4 other")
        assert bucket.read("documents/m/d") == b"%PDF-1.4"
