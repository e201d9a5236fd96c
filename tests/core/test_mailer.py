from pathlib import Path

import boto3
import pytest
from botocore.exceptions import ClientError
from moto.core import DEFAULT_ACCOUNT_ID
from moto.ses.models import ses_backends

from functions.core.mailer import Attachment, MailNotSent, Message, OutboxMailer, SesMailer, mailer_from_url

LETTER = Message(
    to="compta@debiteur.fr",
    subject="Facture FA-2026-001 impayée",
    text="Bonjour,\nVotre facture reste impayée.",
    attachments=(Attachment("lettre.pdf", b"%PDF-1.4 test"),),
)


def test_the_outbox_keeps_one_eml_file_per_message_in_order(tmp_path: Path) -> None:
    mailer = OutboxMailer(tmp_path / "outbox", "Ardoise <a@ardoise.localhost>")
    mailer.send(LETTER)
    mailer.send(Message(to="b@exemple.fr", subject="Deuxième", text="ok"))
    files = sorted((tmp_path / "outbox").glob("*.eml"))
    assert len(files) == 2
    first, second = mailer.messages()
    assert first["Subject"] == "Facture FA-2026-001 impayée" and second["Subject"] == "Deuxième"
    assert "reste impayée" in first.get_body(preferencelist=("plain",)).get_content()
    assert [part.get_filename() for part in first.iter_attachments()] == ["lettre.pdf"]


def test_ses_sends_the_same_message_raw(aws: None) -> None:
    client = boto3.client("ses", region_name="eu-west-3")
    client.verify_email_identity(EmailAddress="a@ardoise.fr")
    SesMailer("a@ardoise.fr", client).send(LETTER)
    sent = ses_backends[DEFAULT_ACCOUNT_ID]["eu-west-3"].sent_messages
    assert len(sent) == 1
    assert "Facture FA-2026-001" in sent[0].raw_data


def test_a_message_ses_rejects_is_not_sent_and_not_worth_retrying(aws: None) -> None:
    client = boto3.client("ses", region_name="eu-west-3")  # no verified identity: SES rejects the message
    with pytest.raises(MailNotSent) as refused:
        SesMailer("a@ardoise.fr", client).send(LETTER)
    assert (refused.value.code, refused.value.transient) == ("MessageRejected", False)


def test_ses_throttling_is_a_transient_failure() -> None:
    class Throttled:
        def send_raw_email(self, **_: object) -> None:
            raise ClientError({"Error": {"Code": "Throttling", "Message": "Maximum sending rate exceeded."}}, "Send")

    with pytest.raises(MailNotSent) as throttled:
        SesMailer("a@ardoise.fr", Throttled()).send(LETTER)
    assert (throttled.value.code, throttled.value.transient) == ("Throttling", True)


def test_the_mailer_setting_names_the_transport(tmp_path: Path) -> None:
    assert isinstance(mailer_from_url(f"outbox:{tmp_path}", "a@b.fr"), OutboxMailer)
    with pytest.raises(ValueError, match="unknown mailer"):
        mailer_from_url("smtp://x", "a@b.fr")


@pytest.mark.parametrize(
    "subject",
    [
        "Confirmez la signature de la charte pour Société Générale d'Équipement",
        "Signalement : Établissements Réunis du Sud-Ouest Européen — facture n° FA-2026-0042 — relance",
    ],
)
def test_long_accented_subjects_keep_every_space(tmp_path: Path, subject: str) -> None:
    mailer = OutboxMailer(tmp_path, "a@ardoise.localhost")
    mailer.send(Message(to="b@exemple.fr", subject=subject, text="ok"))
    assert mailer.messages()[0]["Subject"] == subject
