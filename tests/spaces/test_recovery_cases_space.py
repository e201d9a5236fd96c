"""'Mes dossiers de relance': a member opens and follows its recovery cases in its space, and files the report."""

from __future__ import annotations

import hashlib
import io
from datetime import UTC, datetime

import pytest
from flask.testing import FlaskClient

from functions.core.clock import FixedClock
from functions.core.mailer import OutboxMailer
from functions.core.resources import Resources
from functions.core.usecases.recovery.debtor import case_token
from tests.directory.conftest import register
from tests.directory.proof import PROOF
from tests.recovery.conftest import Desk
from tests.recovery.factories import case_payload
from tests.spaces.conftest import CREDITOR_SIREN, MEMBER_EMAIL
from tests.spaces.helpers import form_tokens_of, sign_in, submit, text

RECEIPT = b"%PDF-1.4\n% Avis de reception LRAR 1A 987 654 3210 9\n%%EOF\n"


def march(day: int, hour: int = 8) -> datetime:
    return datetime(2026, 3, day, hour, tzinfo=UTC)


@pytest.fixture
def desk(directory: FlaskClient, mailer: OutboxMailer, resources: Resources, clock: FixedClock) -> Desk:
    """The recovery tests' desk: the API as an approved member (Menuiserie Durand), the tick, the outbox."""
    return Desk(directory, {"Authorization": register(directory, mailer)}, resources, clock, mailer)


@pytest.fixture
def browser(desk: Desk) -> FlaskClient:
    """A browser signed in as the desk's member (Menuiserie Durand)."""
    return signed_in(desk)


def signed_in(desk: Desk) -> FlaskClient:
    """A browser signed in now: after the tick moved the clock days on, as the member comes back."""
    client = desk.api.application.test_client()
    sign_in(client, desk.mailer, siren=CREDITOR_SIREN, email=MEMBER_EMAIL)
    return client


def _open(desk: Desk, **changes: object) -> str:
    response = desk.api.post("/cases", json=case_payload(**changes), headers=desk.member)  # type: ignore[arg-type]
    assert response.status_code == 201, response.json
    return str(response.json["id"])


def _upload(browser: FlaskClient, page: str, action: str, field: str, content: bytes, **fields: str):  # type: ignore[no-untyped-def]  # a test response
    data = {**form_tokens_of(browser, page), **fields, field: (io.BytesIO(content), "piece.pdf", "application/pdf")}
    return browser.post(action, data=data, content_type="multipart/form-data")


def test_the_list_shows_each_case_with_its_state_debtor_amount_and_next_step(desk: Desk) -> None:
    case_id = _open(desk)
    desk.tick_at(march(4))
    browser = signed_in(desk)
    listed = browser.get("/espace/dossiers")
    assert listed.status_code == 200 and f"/espace/dossiers/{case_id}" in listed.get_data(as_text=True)
    page = text(listed)
    assert "F-2026-0117" in page and case_payload()["debtor"]["name"] in page
    assert "relances en cours" in page and "2 400,00" in page
    assert "Relance ferme (e-mail)" in page and "11/03/2026" in page


def test_the_space_home_links_to_the_cases(browser: FlaskClient) -> None:
    assert 'href="/espace/dossiers"' in browser.get("/espace/").get_data(as_text=True)


def test_the_case_page_shows_every_message_sent_with_its_date_and_digest(desk: Desk) -> None:
    case_id = _open(desk)
    desk.tick_at(march(4))
    browser = signed_in(desk)
    sent = desk.case(case_id)["timeline"][1]["message"]
    page = text(browser.get(f"/espace/dossiers/{case_id}"))
    assert "Dossier ouvert (scénario «" in page
    assert "Relance courtoise : e-mail" in page and "Destinataire : comptabilite@sge.fr" in page
    assert sent["sha256"] in page and "04/03/2026" in page


def test_a_case_is_opened_from_the_form_as_the_api_opens_it(desk: Desk, browser: FlaskClient) -> None:
    opened = submit(
        browser,
        "/espace/dossiers/nouveau",
        "/espace/dossiers/nouveau",
        **{
            "debtor.siren": "552 100 554",
            "debtor.name": "Société Générale d'Exemple",
            "debtor.email": "comptabilite@sge.fr",
            "debtor.postal_address": "12 rue de la Paix, 75002 Paris",
            "invoice.number": "F-2026-0200",
            "invoice.issue_date": "2026-01-30",
            "invoice.due_date": "2026-03-01",
            "invoice.amount": "1 250,50",
            "invoice.outstanding": "1 250,50",
            "scenario_id": "default",
        },
    )
    assert opened.status_code == 303, text(opened)
    shown = browser.get(opened.headers["Location"])
    assert "Le dossier est ouvert" in text(shown) and "1 250,50" in text(shown)
    listed = desk.api.get("/cases", headers=desk.member).json["items"]
    assert [(c["invoice"]["number"], c["outstanding_cents"]) for c in listed] == [("F-2026-0200", 1_250_50)]


def test_the_opening_forms_problems_are_shown_beside_their_fields_in_french(desk: Desk, browser: FlaskClient) -> None:
    fields = {
        "debtor.siren": "12345678",
        "debtor.name": "Société Générale d'Exemple",
        "debtor.email": "",
        "debtor.postal_address": "",
        "invoice.number": "F-2026-0200",
        "invoice.issue_date": "2026-01-30",
        "invoice.due_date": "2026-03-01",
        "invoice.amount": "mille euros",
        "invoice.outstanding": "100",
    }
    refused = submit(browser, "/espace/dossiers/nouveau", "/espace/dossiers/nouveau", **fields)
    body = refused.get_data(as_text=True)
    assert refused.status_code == 400
    assert 'id="erreur-invoice.amount"' in body and "Montant non reconnu" in text(refused)
    # The model holds; the use case's rules then answer, beside their fields: the SIREN, the scenario's contacts.
    fields.update({"invoice.amount": "100"})
    refused = submit(browser, "/espace/dossiers/nouveau", "/espace/dossiers/nouveau", **fields)
    body = refused.get_data(as_text=True)
    assert refused.status_code == 422 and 'id="erreur-debtor.siren"' in body and 'id="erreur-debtor.email"' in body
    assert "indiquez son adresse e-mail" in text(refused)
    assert desk.api.get("/cases", headers=desk.member).json["items"] == []


def test_a_payment_is_recorded_from_the_case_page(desk: Desk, browser: FlaskClient) -> None:
    case_id = _open(desk)
    page = f"/espace/dossiers/{case_id}"
    unreadable = submit(browser, page, f"{page}/paiement", paid_on="2026-03-01", amount="deux cents")
    assert unreadable.status_code == 400 and 'id="erreur-amount"' in unreadable.get_data(as_text=True)
    recorded = submit(browser, page, f"{page}/paiement", paid_on="2026-03-02", amount="2 400,00")
    assert recorded.status_code == 303
    shown = text(browser.get(recorded.headers["Location"]))
    assert "Le paiement est enregistré." in shown and "Paiement enregistré : 2 400,00" in shown
    assert desk.case(case_id)["status"] == "paid" and "Enregistrer le paiement" not in shown


def test_a_case_is_withdrawn_from_its_page(desk: Desk, browser: FlaskClient) -> None:
    case_id = _open(desk)
    page = f"/espace/dossiers/{case_id}"
    withdrawn = submit(browser, page, f"{page}/retrait")
    assert withdrawn.status_code == 303 and desk.case(case_id)["status"] == "withdrawn"
    assert "Dossier arrêté par le créancier" in text(browser.get(withdrawn.headers["Location"]))


def test_the_reminders_resume_after_a_declared_payment_never_received(desk: Desk, browser: FlaskClient) -> None:
    case_id = _open(desk)
    token = case_token(desk.resources, case_id)
    declared = desk.api.post(
        f"/debtor-cases/{token}/payment",
        json={"amount_cents": 2_400_00, "paid_on": "2026-03-02", "text": "Virement <b>fait</b>"},
    )
    assert declared.status_code == 200, declared.json
    page = f"/espace/dossiers/{case_id}"
    shown = browser.get(page).get_data(as_text=True)
    assert "Reprendre les relances" in shown and "Virement &lt;b&gt;fait&lt;/b&gt;" in shown
    resumed = submit(browser, page, f"{page}/reprise")
    assert resumed.status_code == 303 and desk.case(case_id)["status"] == "running"
    assert "Les relances reprennent." in text(browser.get(resumed.headers["Location"]))


def _unpaid(desk: Desk, *, with_receipt: bool) -> str:
    """A default-scenario case: reminders on 4 and 11 March, the notice letter on 18 March, unpaid on 27 March."""
    case_id = _open(desk)
    for day in (4, 11, 18):
        desk.tick_at(march(day))
    if with_receipt:
        browser = signed_in(desk)
        page = f"/espace/dossiers/{case_id}"
        assert "Joindre une preuve d'envoi" in text(browser.get(page))
        joined = _upload(browser, page, f"{page}/preuve-envoi", "preuve", RECEIPT, step="2")
        assert joined.status_code == 303, text(joined)
    desk.tick_at(march(27))
    assert desk.case(case_id)["status"] == "unpaid"
    return case_id


def test_a_letters_proof_of_dispatch_is_uploaded_and_pinned_on_the_timeline(desk: Desk) -> None:
    case_id = _unpaid(desk, with_receipt=True)
    browser = signed_in(desk)
    timeline = desk.case(case_id)["timeline"]
    proof = next(e for e in timeline if e["kind"] == "dispatch_proof")
    page = text(browser.get(f"/espace/dossiers/{case_id}"))
    assert "Preuve d'envoi jointe pour « Mise en demeure »" in page and proof["document"]["sha256"] in page
    assert "Joindre une preuve d'envoi" not in page  # the only letter has its proof


def test_a_letter_prepared_by_ardoise_is_downloaded_as_the_pdf_whose_digest_is_on_the_timeline(desk: Desk) -> None:
    case_id = _open(desk)
    for day in (4, 11, 18):
        desk.tick_at(march(day))
    browser = signed_in(desk)
    letter = next(e["message"] for e in desk.case(case_id)["timeline"] if e["kind"] == "step_sent" and e["step"] == 2)
    page = browser.get(f"/espace/dossiers/{case_id}").get_data(as_text=True)
    link = f"/espace/dossiers/{case_id}/courriers/{letter['id']}"
    assert link in page and "Mise en demeure : courrier préparé par Ardoise" in page
    downloaded = browser.get(link)
    assert downloaded.status_code == 200 and downloaded.mimetype == "application/pdf"
    assert 'filename="mise-en-demeure-F-2026-0117.pdf"' in downloaded.headers["Content-Disposition"]
    assert hashlib.sha256(downloaded.data).hexdigest() == letter["sha256"]
    assert browser.get(f"/espace/dossiers/{case_id}/courriers/ltr_inconnu").status_code == 404


def test_the_report_is_filed_from_an_unpaid_case_with_the_invoice(desk: Desk) -> None:
    case_id = _unpaid(desk, with_receipt=True)
    browser = signed_in(desk)
    page = f"/espace/dossiers/{case_id}"
    assert "Déposer le signalement" in text(browser.get(page))
    _, content = PROOF["invoice"]
    filed = _upload(browser, page, f"{page}/signalement", "facture", content, description="Escalier posé.")
    assert filed.status_code == 303, text(filed)
    assert filed.headers["Location"].startswith("/espace/signalements/")
    report = text(browser.get(filed.headers["Location"]))
    assert "Le signalement est déposé" in report
    after = text(browser.get(page))
    assert "voir le signalement" in after and "Déposer le signalement" not in after.split("Chronologie")[1]


def test_the_reports_problems_are_shown_in_french(desk: Desk) -> None:
    case_id = _unpaid(desk, with_receipt=False)
    browser = signed_in(desk)
    page = f"/espace/dossiers/{case_id}"
    refused = submit(browser, page, f"{page}/signalement")
    assert refused.status_code == 422
    shown = text(refused)
    assert "Le formulaire contient" in shown and "facture" in shown.lower()
    assert "preuve" in shown.lower()  # the letter's proof of dispatch is missing as well
    assert "Déposer le signalement" in shown  # the form is still there


def test_every_form_refuses_a_missing_or_wrong_csrf_token(desk: Desk, browser: FlaskClient) -> None:
    case_id = _open(desk)
    actions = ("paiement", "retrait", "reprise", "preuve-envoi", "signalement")
    for action in ("nouveau", *(f"{case_id}/{name}" for name in actions)):
        assert browser.post(f"/espace/dossiers/{action}", data={}).status_code == 403
        assert browser.post(f"/espace/dossiers/{action}", data={"csrf": "faux"}).status_code == 403
    assert desk.case(case_id)["status"] == "running"


def test_a_member_never_sees_another_members_case(desk: Desk, browser: FlaskClient) -> None:
    case_id = _open(desk)
    other = desk.api.application.test_client()
    register(desk.api, desk.mailer, siren="404833048", name="Garage du Centre", email="garage@exemple.fr")
    sign_in(other, desk.mailer, siren="404833048", email="garage@exemple.fr")
    assert case_id not in other.get("/espace/dossiers").get_data(as_text=True)
    assert other.get(f"/espace/dossiers/{case_id}").status_code == 404
    assert submit(other, "/espace/", f"/espace/dossiers/{case_id}/retrait").status_code == 404
    assert desk.case(case_id)["status"] == "running"


def test_a_signed_out_browser_is_sent_to_sign_in(desk: Desk) -> None:
    answered = desk.api.get("/espace/dossiers")
    assert answered.status_code == 303 and answered.headers["Location"] == "/espace/?connexion=requise"


def test_what_the_creditor_typed_is_escaped(desk: Desk, browser: FlaskClient) -> None:
    case_id = _open(desk, debtor_name="<script>alert(1)</script> SARL", number="<i>F-1</i>")
    for path in ("/espace/dossiers", f"/espace/dossiers/{case_id}"):
        body = browser.get(path).get_data(as_text=True)
        assert "<script>alert(1)" not in body and "&lt;script&gt;alert(1)&lt;/script&gt; SARL" in body
        assert "<i>F-1</i>" not in body
