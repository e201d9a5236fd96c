"""The debtor's private link: unguessable, expiring, for one report only; evidence up to 5 MB."""

import base64
import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import requests
from flask.testing import FlaskClient

from functions.core.clock import FixedClock
from functions.core.domain.evidence import MAX_EVIDENCE_BYTES
from functions.core.mailer import OutboxMailer
from functions.core.resources import Resources
from functions.directory.app import create_app
from tests.directory.conftest import register, reply_token, s3_directory
from tests.directory.factories import filing_payload
from tests.directory.proof import file_report


@pytest.fixture
def token(
    directory: FlaskClient, member: dict[str, str], mailer: OutboxMailer, tmp_path: Path, monkeypatch: Any
) -> str:
    monkeypatch.chdir(tmp_path)
    assert file_report(directory, member, filing_payload()).status_code == 201
    return reply_token(mailer)


def declare(directory: FlaskClient, token: str, *, size: int = 1000, content_type: str = "application/pdf") -> Any:
    return directory.post(
        f"/replies/{token}/evidence", json={"filename": "facture.pdf", "content_type": content_type, "size": size}
    )


def test_the_link_shows_only_its_own_report_and_never_the_token_in_the_store(
    directory: FlaskClient, token: str, resources: Resources
) -> None:
    page = directory.get(f"/replies/{token}")
    assert page.status_code == 200
    assert page.json["creditor_name"] == "Menuiserie Durand SARL" and page.json["invoice_number"] == "F-2025-0412"
    assert resources.store.backend.get(f"REPLYLINK#{token}", "LINK") is None  # stored by digest only


def test_an_unknown_or_truncated_link_is_a_404(directory: FlaskClient, token: str) -> None:
    assert directory.get(f"/replies/{token[:-1]}").status_code == 404
    assert directory.get("/replies/ard_rep_0000000000000000000000000000000000000000000").status_code == 404


def test_a_link_expires(directory: FlaskClient, token: str, clock: FixedClock) -> None:
    clock.advance(days=59, hours=23)
    assert directory.get(f"/replies/{token}").status_code == 200
    clock.advance(hours=1)
    expired = directory.get(f"/replies/{token}")
    assert expired.status_code == 410 and expired.json["type"] == "https://ardoise.fr/problemes/expire"


def test_a_file_over_5_mb_is_refused_before_and_during_upload(directory: FlaskClient, token: str) -> None:
    assert declare(directory, token, size=MAX_EVIDENCE_BYTES + 1).status_code == 413
    started = declare(directory, token, size=MAX_EVIDENCE_BYTES)
    path = started.json["url"].split("/api/directory", 1)[1]
    pdf = b"%PDF-1.7\n" + b"x" * (MAX_EVIDENCE_BYTES - 9)
    too_big = directory.put(path, data=pdf + b"x", content_type="application/pdf")
    assert too_big.status_code == 413
    assert directory.put(path, data=pdf, content_type="application/pdf").status_code == 204


def test_only_documents_and_images_are_accepted(directory: FlaskClient, token: str) -> None:
    refused = declare(directory, token, content_type="application/x-msdownload")
    assert refused.status_code == 422 and refused.json["errors"][0]["code"] == "type_de_piece_refuse"


def test_a_dispute_cannot_cite_a_file_that_never_arrived(directory: FlaskClient, token: str) -> None:
    evidence_id = declare(directory, token).json["evidence_id"]
    response = directory.post(
        f"/replies/{token}",
        json={
            "action": "dispute",
            "reason": "not_owed",
            "text": "Voir la pièce jointe.",
            "evidence_ids": [evidence_id, "ev_other"],
        },
    )
    assert response.status_code == 422
    assert [e["code"] for e in response.json["errors"]] == ["piece_manquante", "piece_manquante"]


def test_a_dispute_needs_a_reason_and_an_explanation(directory: FlaskClient, token: str) -> None:
    assert (
        directory.post(f"/replies/{token}", json={"action": "dispute", "text": "Pas d'accord du tout."}).status_code
        == 400
    )
    short = directory.post(f"/replies/{token}", json={"action": "dispute", "reason": "other", "text": "Non."})
    assert short.status_code == 400
    [error] = short.json["errors"]
    assert (error["field"], error["code"]) == ("text", "string_too_short")
    assert error["message"] == "Expliquez votre contestation (10 caractères au moins)."
    missing = directory.post(f"/replies/{token}", json={"action": "dispute", "text": "Pas d'accord du tout."})
    assert missing.json["errors"][0]["field"] == "reason" and missing.json["errors"][0]["code"] == "missing"


def errors_of(response: Any) -> dict[str, str]:
    return {e["field"]: e["code"] for e in response.json["errors"]}


def test_each_action_takes_its_own_fields_and_no_other(directory: FlaskClient, token: str) -> None:
    reply = directory.post(f"/replies/{token}", json={"action": "reply", "text": "Nous payons.", "evidence_ids": []})
    assert reply.status_code == 400 and errors_of(reply) == {"evidence_ids": "extra_forbidden"}
    payment = directory.post(f"/replies/{token}", json={"action": "declare_payment", "reason": "other"})
    assert payment.status_code == 400 and errors_of(payment) == {"paid_on": "missing", "reason": "extra_forbidden"}
    empty = directory.post(f"/replies/{token}", json={"action": "reply"})
    assert empty.status_code == 400 and errors_of(empty) == {"text": "missing"}
    page = directory.get(f"/replies/{token}").json
    assert (page["status"], page["public_reply"], page["dispute"]) == ("notified", "", None)


@pytest.mark.parametrize(
    ("body", "code", "message"),
    [
        ({"text": "Nous payons demain."}, "missing", "Ce champ est obligatoire."),
        ({"action": "pay", "text": "Nous payons demain."}, "literal_error", "Valeur non reconnue."),
        ({"action": 3, "text": "Nous payons demain."}, "literal_error", "Valeur non reconnue."),
    ],
    ids=["missing", "unknown", "not-a-string"],
)
def test_a_missing_or_unknown_action_is_an_error_of_the_action_field(
    directory: FlaskClient, token: str, body: dict[str, Any], code: str, message: str
) -> None:
    response = directory.post(f"/replies/{token}", json=body)
    assert response.status_code == 400 and response.mimetype == "application/problem+json"
    assert response.json["errors"] == [{"field": "action", "code": code, "message": message}]


def test_a_refused_transition_is_explained_in_correct_french(directory: FlaskClient, member: dict[str, str]) -> None:
    report_id = file_report(directory, member, filing_payload()).json["id"]
    assert directory.post(f"/reports/{report_id}/withdraw", headers=member).status_code == 200
    refused = directory.post(
        f"/reports/{report_id}/payments", json={"amount_cents": 1000, "paid_on": "2026-03-02"}, headers=member
    )
    assert refused.status_code == 409
    assert refused.json["detail"].startswith("Impossible d'enregistrer un paiement : ")


def test_a_link_cannot_upload_to_another_reports_evidence(
    directory: FlaskClient, token: str, member: dict[str, str], mailer: OutboxMailer
) -> None:
    evidence_id = declare(directory, token).json["evidence_id"]
    file_report(directory, member, filing_payload(debtor_siren="542065479", debtor_email="gerance@etoile.fr"))
    other = reply_token(mailer, "gerance@etoile.fr")
    assert (
        directory.put(
            f"/replies/{other}/evidence/{evidence_id}", data=b"%PDF", content_type="application/pdf"
        ).status_code
        == 404
    )


def test_evidence_goes_straight_to_s3_through_a_presigned_post(
    aws: None, resources: Resources, mailer: OutboxMailer, tmp_path: Path
) -> None:
    bucket = s3_directory(resources, mailer, "litiges")
    s3, client = bucket.s3, bucket.api
    member = {"Authorization": register(client, mailer)}
    file_report(client, member, filing_payload())
    token = reply_token(mailer)
    started = declare(client, token, size=23)
    assert started.json["method"] == "POST"
    assert started.json["fields"]["key"].startswith("litiges/rpt_")
    posted = requests.post(
        started.json["url"],
        data=started.json["fields"],
        files={"file": ("facture.pdf", b"%PDF-1.4 avoir n 2026-7")},
        timeout=5,
    )
    assert posted.status_code in {200, 204}
    disputed = client.post(
        f"/replies/{token}",
        json={
            "action": "dispute",
            "reason": "wrong_amount",
            "text": "L'avoir joint n'a pas été déduit.",
            "evidence_ids": [started.json["evidence_id"]],
        },
    )
    assert disputed.status_code == 200 and disputed.json["status"] == "disputed"
    stored = s3.get_object(Bucket="ardoise-pieces", Key=started.json["fields"]["key"])["Body"].read()
    assert stored == b"%PDF-1.4 avoir n 2026-7"


def test_the_s3_upload_policy_fixes_the_declared_type_and_size_and_a_dispute_refuses_other_bytes(
    aws: None, resources: Resources, mailer: OutboxMailer
) -> None:
    client = s3_directory(resources, mailer, "litiges").api
    file_report(client, {"Authorization": register(client, mailer)}, filing_payload())
    token = reply_token(mailer)
    page = b"<html><body><script>alert(1)</script></body></html>"
    started = declare(client, token, size=len(page))
    policy = json.loads(base64.b64decode(started.json["fields"]["policy"]))
    assert {"Content-Type": "application/pdf"} in policy["conditions"]
    assert ["content-length-range", len(page), len(page)] in policy["conditions"]
    # moto does not enforce the policy; S3 does. The bytes themselves are judged when a dispute cites them.
    requests.post(started.json["url"], data=started.json["fields"], files={"file": ("a.pdf", page)}, timeout=5)
    disputed = client.post(
        f"/replies/{token}",
        json={
            "action": "dispute",
            "reason": "wrong_amount",
            "text": "Voir la pièce jointe.",
            "evidence_ids": [started.json["evidence_id"]],
        },
    )
    assert disputed.status_code == 422 and disputed.json["errors"][0]["code"] == "contenu_different_du_type"
    assert client.get(f"/replies/{token}").json["status"] == "notified"


def test_a_browser_opening_the_link_gets_a_french_page_with_strict_headers(directory: FlaskClient, token: str) -> None:
    page = directory.get(f"/replies/{token}", headers={"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"})
    assert page.status_code == 200 and page.mimetype == "text/html"
    html = page.get_data(as_text=True)
    assert "Facture n° F-2025-0412 signalée par Menuiserie Durand SARL" in html
    assert "Société Générale d&#39;Équipement" in html  # escaped
    assert "jamais publiées comme dues" in html and 'data-action="dispute"' in html
    assert page.headers["Referrer-Policy"] == "no-referrer" and page.headers["Cache-Control"] == "no-store"
    nonce = page.headers["Content-Security-Policy"].split("'nonce-")[1].split("'")[0]
    assert f'<script nonce="{nonce}">' in html


def test_a_debtor_reply_is_escaped_on_its_page(directory: FlaskClient, token: str) -> None:
    directory.post(f"/replies/{token}", json={"action": "reply", "text": "<script>alert(1)</script> Nous payons."})
    html = directory.get(f"/replies/{token}", headers={"Accept": "text/html"}).get_data(as_text=True)
    assert "<script>alert(1)</script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_the_debtor_s_page_states_the_penalty_points_as_configured(
    settings: Any, resources: Resources, mailer: OutboxMailer, token: str
) -> None:
    configured = settings.replace(penalty_points=Decimal("7.5"))
    app = create_app(settings=configured, store=resources.store, mailer=mailer, clock=resources.clock)
    html = app.test_client().get(f"/replies/{token}", headers={"Accept": "text/html"}).get_data(as_text=True)
    assert "taux BCE + 7,5\u00a0points" in html and "10 points" not in html
