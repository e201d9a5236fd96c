"""The debtor's notice: amounts against a hand computation, the printable letter, SES in production."""

import re
from decimal import Decimal
from email.message import EmailMessage
from io import BytesIO
from pathlib import Path

import boto3
from flask import Flask
from moto.core import DEFAULT_ACCOUNT_ID
from moto.ses.models import ses_backends
from pypdf import PdfReader

from functions.core.clock import FixedClock
from functions.core.domain.penalties import parse_rate_table
from functions.core.mailer import OutboxMailer, SesMailer
from functions.core.resources import Resources
from functions.directory.app import create_app
from tests.directory.conftest import register
from tests.directory.factories import filing_payload
from tests.directory.proof import file_report

# The ECB cut its rate on 17 December 2025 in this table: H2 2025 keeps the 1 July rate.
RATES = "2025-06-11:2.15,2025-12-17:2.00"


def app_with(resources: Resources, **changes: object) -> Flask:
    settings = resources.settings.replace(**changes)
    app = create_app(settings=settings, store=resources.store, mailer=resources.mailer, clock=resources.clock)
    app.config["TESTING"] = True
    return app


def notice_of(mailer: OutboxMailer, to: str) -> EmailMessage:
    return [m for m in mailer.messages() if m["To"] == to][-1]


def test_the_notice_states_the_amounts_computed_by_hand(resources: Resources, mailer: OutboxMailer) -> None:
    client = app_with(resources, ecb_rates=parse_rate_table(RATES)).test_client()
    member = {"Authorization": register(client, mailer)}
    response = file_report(client, member, filing_payload(issue_date="2025-10-16", due_date="2025-11-15"))
    assert response.status_code == 201
    notice = notice_of(mailer, "comptabilite@sge.fr")
    text = notice.get_content()
    assert notice["Subject"] == "Avant publication : une facture impayée vous est signalée sur Ardoise"
    # 16/11-31/12/2025: 46 days at 12.15 % on 1 250,00 = 19,14 ; 01/01-02/03/2026: 61 days at 12.00 % = 25,07.
    assert "du 16/11/2025 au 31/12/2025 (46 jours à 12,15\u00a0%) : 19,14\u00a0€" in text
    assert "du 01/01/2026 au 02/03/2026 (61 jours à 12,00\u00a0%) : 25,07\u00a0€" in text
    assert "soit 44,21\u00a0€ au 02/03/2026" in text
    assert "indemnité forfaitaire pour frais de recouvrement de 40,00\u00a0€" in text
    assert "Reste dû déclaré : 1\u202f250,00\u00a0€" in text
    assert "jamais publiés comme dus" in text
    assert "publié sur l'annuaire public le 17 mars 2026" in text
    assert "Menuiserie Durand SARL (SIREN 732829320)" in text
    assert re.search(r"/api/directory/replies/ard_rep_[A-Za-z0-9_-]{43}\b", text)


def test_the_debtor_sees_the_same_penalties_behind_its_link(resources: Resources, mailer: OutboxMailer) -> None:
    client = app_with(resources, ecb_rates=parse_rate_table(RATES)).test_client()
    member = {"Authorization": register(client, mailer)}
    file_report(client, member, filing_payload(issue_date="2025-10-16", due_date="2025-11-15"))
    token = re.findall(r"ard_rep_[A-Za-z0-9_-]+", notice_of(mailer, "comptabilite@sge.fr").get_content())[0]
    page = client.get(f"/replies/{token}").json
    assert (page["penalties_cents"], page["fixed_indemnity_cents"]) == (4421, 4000)
    assert [p["amount_cents"] for p in page["penalty_periods"]] == [1914, 2507]
    assert page["actions"] == ["dispute", "declare_payment", "reply"]


def test_the_notice_and_the_letter_state_the_configured_penalty_points(
    resources: Resources, mailer: OutboxMailer
) -> None:
    client = app_with(resources, ecb_rates=parse_rate_table(RATES), penalty_points=Decimal("7.5")).test_client()
    member = {"Authorization": register(client, mailer)}
    dates = {"issue_date": "2025-10-16", "due_date": "2025-11-15"}
    file_report(client, member, filing_payload(**dates))
    posted = filing_payload(**dates, number="F-2025-0413", debtor_email=None, postal_address="69001 Lyon")
    assert file_report(client, member, posted).status_code == 201
    text = notice_of(mailer, "comptabilite@sge.fr").get_content()
    pdf = next(notice_of(mailer, resources.settings.letters_to).iter_attachments()).get_content()
    letter = " ".join(page.extract_text() for page in PdfReader(BytesIO(pdf)).pages)
    for notice in (" ".join(text.split()), " ".join(letter.split())):  # no-break spaces and line breaks as spaces
        assert "taux de la BCE majoré de 7,5 points" in notice and "10 points" not in notice
        # 2.15 + 7.5 from 16/11 to 31/12/2025.
        assert "(46 jours à 9,65 %)" in notice


def test_a_debtor_known_only_by_its_address_gets_a_printable_letter(
    directory: object, member: dict[str, str], mailer: OutboxMailer, resources: Resources, clock: FixedClock
) -> None:
    payload = filing_payload(
        debtor_email=None, postal_address="Société Générale d'Équipement\n3 quai Saint-Vincent\n69001 Lyon"
    )
    response = file_report(directory, member, payload)  # type: ignore[arg-type]
    assert response.status_code == 201
    report = directory.get(f"/reports/{response.json['id']}", headers=member).json  # type: ignore[attr-defined]
    assert report["notice_medium"] == "post"
    letter_mail = notice_of(mailer, resources.settings.letters_to)
    assert "3 quai Saint-Vincent" in letter_mail.get_body(("plain",)).get_content()
    attachment = next(letter_mail.iter_attachments())
    assert attachment.get_content_type() == "application/pdf"
    pages = PdfReader(BytesIO(attachment.get_content())).pages
    text = " ".join(page.extract_text() for page in pages)
    assert "69001 Lyon" in text
    assert "Avis avant publication" in text
    assert "Menuiserie Durand SARL" in text and "40,00" in text
    assert f"{resources.settings.base_url}/r/" in text and "ard_rep_" not in text
    # The post takes time: the debtor gets three more days before publication.
    assert report["publish_after"] == "2026-03-20T09:00:00Z"


def test_in_production_the_notice_leaves_through_ses(aws: None, resources: Resources, tmp_path: Path) -> None:
    ses = boto3.client("ses", region_name="eu-west-3")
    ses.verify_email_identity(EmailAddress="ne-pas-repondre@ardoise.fr")
    outbox = OutboxMailer(tmp_path / "verification", "x")
    client = create_app(
        settings=resources.settings, store=resources.store, mailer=outbox, clock=resources.clock
    ).test_client()
    member = {"Authorization": register(client, outbox)}
    ses_app = create_app(
        settings=resources.settings,
        store=resources.store,
        mailer=SesMailer("ne-pas-repondre@ardoise.fr", ses),
        clock=resources.clock,
    )
    assert file_report(ses_app.test_client(), member, filing_payload()).status_code == 201
    sent = ses_backends[DEFAULT_ACCOUNT_ID]["eu-west-3"].sent_messages
    assert len(sent) == 1 and set(sent[0].destinations) == {"comptabilite@sge.fr"}
    assert "Avant publication" in sent[0].raw_data
