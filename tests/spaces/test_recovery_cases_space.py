"""'Mes dossiers de relance': a member opens and follows its recovery cases in its space, and files the report."""

from __future__ import annotations

import hashlib
import io
import re
import shutil
import subprocess
from datetime import UTC, datetime
from pathlib import Path

import pytest
from flask.testing import FlaskClient

from functions.core.clock import FixedClock
from functions.core.mailer import OutboxMailer
from functions.core.resources import Resources
from functions.core.usecases.recovery.debtor import case_token
from functions.core.usecases.registry_import import LocalFile, import_file
from tests.directory.conftest import register
from tests.directory.proof import PROOF, upload_document
from tests.einvoices.samples import facturx_pdf
from tests.recovery.conftest import Desk
from tests.recovery.factories import case_payload
from tests.recovery.test_case_report import unpaid_case
from tests.recovery.test_injunction_api import SAMPLES
from tests.registry.samples import generate as sample
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


# -- the debtor's schedule, answered from the case page ------------------------------------------

TWO = [{"due_on": "2026-03-15", "amount_cents": 1_200_00}, {"due_on": "2026-04-15", "amount_cents": 1_200_00}]
DEBTOR_EMAIL = "comptabilite@sge.fr"


def _proposed(desk: Desk, case_id: str, text: str = "Deux virements.") -> None:
    token = case_token(desk.resources, case_id)
    proposed = desk.api.post(f"/debtor-cases/{token}/schedule", json={"instalments": TWO, "text": text})
    assert proposed.status_code == 200, proposed.json


def test_a_proposed_schedule_is_shown_and_accepted_from_the_case_page(desk: Desk, browser: FlaskClient) -> None:
    case_id = _open(desk)
    _proposed(desk, case_id)
    page = f"/espace/dossiers/{case_id}"
    shown = text(browser.get(page))
    assert "Échéancier proposé par le débiteur" in shown and "Message du débiteur : « Deux virements. »" in shown
    assert "n° 1 15/03/2026 1 200,00 €" in shown and "n° 2 15/04/2026 1 200,00 €" in shown
    assert "Total 2 400,00 €" in shown
    assert "Accepter l'échéancier" in shown and "Refuser l'échéancier" in shown
    accepted = submit(browser, page, f"{page}/echeancier/acceptation")
    assert accepted.status_code == 303 and accepted.headers["Location"].endswith("?enregistre=echeancier-accepte")
    case = desk.case(case_id)
    assert (case["status"], case["schedule"]["status"]) == ("scheduled", "accepted")
    assert "votre échéancier est accepté" in str(desk.mails_to(DEBTOR_EMAIL)[-1]["Subject"])
    after = text(browser.get(accepted.headers["Location"]))
    assert "L'échéancier est accepté" in after and "Échéancier accepté" in after
    assert "n° 1 15/03/2026 1 200,00 € à venir" in after and "Accepter l'échéancier" not in after
    # The first instalment paid and recorded: the page says so, the second still to come.
    desk.clock.now = march(16)
    paid = desk.api.post(
        f"/cases/{case_id}/payments", json={"amount_cents": 1_200_00, "paid_on": "2026-03-15"}, headers=desk.member
    )
    assert paid.status_code == 200, paid.json
    later = text(signed_in(desk).get(page))
    assert "n° 1 15/03/2026 1 200,00 € payée" in later and "n° 2 15/04/2026 1 200,00 € à venir" in later


def test_a_proposed_schedule_is_refused_from_the_case_page_and_the_reminders_go_on(
    desk: Desk, browser: FlaskClient
) -> None:
    case_id = _open(desk)
    _proposed(desk, case_id)
    page = f"/espace/dossiers/{case_id}"
    refused = submit(browser, page, f"{page}/echeancier/refus")
    assert refused.status_code == 303
    case = desk.case(case_id)
    assert (case["status"], case["schedule"], case["timeline"][-1]["kind"]) == ("running", None, "schedule_refused")
    assert "n'est pas accepté" in str(desk.mails_to(DEBTOR_EMAIL)[-1]["Subject"])
    after = text(browser.get(refused.headers["Location"]))
    assert "L'échéancier est refusé : les relances continuent" in after and "Échéancier refusé" in after
    assert "Accepter l'échéancier" not in after


def test_answering_a_schedule_none_proposed_is_said_in_french_on_the_page(desk: Desk, browser: FlaskClient) -> None:
    case_id = _open(desk)
    page = f"/espace/dossiers/{case_id}"
    for action in ("acceptation", "refus"):
        answered = submit(browser, page, f"{page}/echeancier/{action}")
        assert answered.status_code == 409 and answered.mimetype == "text/html"
        shown = text(answered)
        assert "Le formulaire contient 1 erreur" in shown and "Aucun échéancier n'attend votre réponse" in shown
        assert "Dossier de la facture n° F-2026-0117" in shown  # the case page again, not a bare error
    _proposed(desk, case_id)
    submit(browser, page, f"{page}/retrait")
    closed = submit(browser, page, f"{page}/echeancier/acceptation")
    assert closed.status_code == 409 and "arrêté" in text(closed)
    assert desk.case(case_id)["status"] == "withdrawn"


def test_another_member_cannot_answer_the_schedule(desk: Desk) -> None:
    case_id = _open(desk)
    _proposed(desk, case_id)
    other = desk.api.application.test_client()
    register(desk.api, desk.mailer, siren="404833048", name="Garage du Centre", email="garage@exemple.fr")
    sign_in(other, desk.mailer, siren="404833048", email="garage@exemple.fr")
    for action in ("acceptation", "refus"):
        assert submit(other, "/espace/", f"/espace/dossiers/{case_id}/echeancier/{action}").status_code == 404
    assert desk.case(case_id)["schedule"]["status"] == "proposed"


def test_the_debtors_words_on_the_schedule_are_escaped(desk: Desk, browser: FlaskClient) -> None:
    case_id = _open(desk)
    _proposed(desk, case_id, text="<script>alert('échéancier')</script> Deux virements")
    body = browser.get(f"/espace/dossiers/{case_id}").get_data(as_text=True)
    assert "<script>alert(" not in body
    assert "&lt;script&gt;alert(&#39;échéancier&#39;)&lt;/script&gt; Deux virements" in body


# -- the court step of an unpaid case ---------------------------------------------------------------

COURT = "Injonction de payer / petites créances"
TAE_PARIS = "Tribunal des activités économiques de Paris"


def _pdf_text(content: bytes, tmp_path: Path) -> str:
    """The PDF as pdftotext reads it, its French spaces made plain and its runs joined."""
    path = tmp_path / "requete.pdf"
    path.write_bytes(content)
    read = subprocess.run(["pdftotext", str(path), "-"], check=True, capture_output=True, text=True).stdout
    return " ".join(read.replace("\u202f", " ").replace("\u00a0", " ").split())


def test_the_court_step_is_shown_only_once_the_case_ended_unpaid(desk: Desk) -> None:
    running = _open(desk, number="F-2026-0300")
    assert COURT not in text(signed_in(desk).get(f"/espace/dossiers/{running}"))
    case_id = _unpaid(desk, with_receipt=True)
    shown = text(signed_in(desk).get(f"/espace/dossiers/{case_id}"))
    assert COURT in shown and f"{TAE_PARIS} (cour d'appel de Paris)" in shown
    assert "Siège du débiteur retenu : adresse saisie (75002), département 75" in shown
    assert "Source de la table des juridictions" in shown and "legifrance.gouv.fr" in shown
    # 2,400 EUR owed: both procedures, each with its amounts and checklist.
    assert "Requête en injonction de payer" in shown
    assert "Procédure simplifiée de recouvrement des petites créances" in shown
    assert "Total 2 460,77 €" in shown and "Intérêts de retard 20,77 €" in shown
    assert "À faire — Un document signé par le débiteur" in shown
    assert "Préparer la requête" in shown


def test_beyond_5000_eur_the_page_offers_the_injunction_only_and_refuses_the_letter(desk: Desk) -> None:
    case_id = _unpaid_with(desk, amount_cents=12_000_00, outstanding_cents=12_000_00)
    browser = signed_in(desk)
    page = f"/espace/dossiers/{case_id}"
    body = browser.get(page).get_data(as_text=True)
    assert 'value="injonction_de_payer"' in body and 'value="petites_creances"' not in body
    refused = submit(browser, page, f"{page}/requete", procedure="petites_creances")
    assert refused.status_code == 422 and 'id="erreur-procedure"' in refused.get_data(as_text=True)
    assert "s'arrête à 5 000 €" in text(refused) or "demandez une injonction de payer" in text(refused)


def _unpaid_with(desk: Desk, **payload: object) -> str:
    case_id = _open(desk, **payload)
    for day in (4, 11, 18, 27):
        desk.tick_at(march(day))
    assert desk.case(case_id)["status"] == "unpaid"
    return case_id


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils' pdftotext is not installed")
def test_the_injunction_is_prepared_from_the_page_and_its_pdf_downloaded(desk: Desk, tmp_path: Path) -> None:
    case_id = _unpaid(desk, with_receipt=True)
    browser = signed_in(desk)
    page = f"/espace/dossiers/{case_id}"
    link = f"{page}/requetes/injonction_de_payer"
    assert browser.get(link).status_code == 404  # nothing prepared yet
    prepared = submit(
        browser,
        page,
        f"{page}/requete",
        **{"procedure": "injonction_de_payer", "court.code": "tae-paris", "signed_document": "Devis D-311 signé"},
    )
    assert prepared.status_code == 303, text(prepared)
    after = browser.get(prepared.headers["Location"])
    assert "La requête est préparée" in text(after) and link in after.get_data(as_text=True)
    event = desk.case(case_id)["timeline"][-1]
    assert event["kind"] == "court_request_prepared" and desk.case(case_id)["status"] == "unpaid"
    downloaded = browser.get(link)
    assert downloaded.status_code == 200 and downloaded.mimetype == "application/pdf"
    assert downloaded.headers["Content-Disposition"] == f'attachment; filename="injonction-de-payer-{case_id}.pdf"'
    assert downloaded.headers["Cache-Control"] == "private, no-store"
    api = desk.api.get(f"/cases/{case_id}/injunction/injonction_de_payer/pdf", headers=desk.member)
    assert downloaded.data == api.data  # the API's PDF to the byte
    read = _pdf_text(downloaded.data, tmp_path)
    for expected in (
        "Requête en injonction de payer",
        f"Président du {TAE_PARIS}",
        case_payload()["debtor"]["name"],
        "552100554",
        "732829320",
        "2 460,77 €",
        "Document signé par le débiteur : Devis D-311 signé",
    ):
        assert expected in read, expected
    assert browser.get(f"{page}/requetes/saisie").status_code == 404
    assert browser.get(f"{page}/requetes/petites_creances").status_code == 404  # not prepared


def test_a_case_still_running_is_refused_the_court_request_in_french(desk: Desk, browser: FlaskClient) -> None:
    case_id = _open(desk)
    page = f"/espace/dossiers/{case_id}"
    refused = submit(
        browser, page, f"{page}/requete", **{"procedure": "injonction_de_payer", "court.code": "tae-paris"}
    )
    assert refused.status_code == 409 and refused.mimetype == "text/html"
    assert "Seul un dossier resté impayé au terme de la mise en demeure peut aller en justice" in text(refused)
    assert COURT not in text(refused) and desk.case(case_id)["timeline"][-1]["kind"] == "opened"


def test_the_court_forms_problems_are_shown_beside_their_fields_in_french(desk: Desk) -> None:
    case_id = _unpaid(desk, with_receipt=True)
    browser = signed_in(desk)
    page = f"/espace/dossiers/{case_id}"
    unknown = submit(browser, page, f"{page}/requete", procedure="saisie")
    assert unknown.status_code == 400 and 'id="erreur-procedure"' in unknown.get_data(as_text=True)
    unconfirmed = submit(browser, page, f"{page}/requete", **{"procedure": "injonction_de_payer", "court.code": ""})
    assert unconfirmed.status_code == 422 and 'id="erreur-court.code"' in unconfirmed.get_data(as_text=True)
    assert "Confirmez la juridiction" in text(unconfirmed)
    assert "court.code" not in text(unconfirmed)  # worded for a person, not naming the API's field
    typo = submit(browser, page, f"{page}/requete", **{"procedure": "injonction_de_payer", "court.code": "tc-x"})
    assert typo.status_code == 422 and "Aucune juridiction de la table sous ce code" in text(typo)
    assert not [e for e in desk.case(case_id)["timeline"] if e["kind"] == "court_request_prepared"]
    # A court typed instead, with its cour d'appel: kept as the creditor wrote it.
    typed = submit(
        browser,
        page,
        f"{page}/requete",
        **{
            "procedure": "injonction_de_payer",
            "court.name": "Tribunal de commerce de Quelque-Part",
            "court.appeal_court": "Paris",
        },
    )
    assert typed.status_code == 303, text(typed)
    assert "Tribunal de commerce de Quelque-Part" in text(browser.get(page))


def test_a_debtor_in_collective_proceedings_gets_no_court_form_but_the_reason_in_french(desk: Desk) -> None:
    case_id = _unpaid_with(desk, debtor_siren=sample.REDRESSEMENT, debtor_name="Transports Giraud et Fils")
    for name in ("StockUniteLegale_sample.csv", "StockEtablissement_sample.csv", "bodacc_annonces_sample.json"):
        assert import_file(desk.resources, LocalFile(SAMPLES / name)).done
    browser = signed_in(desk)
    page = f"/espace/dossiers/{case_id}"
    shown = text(browser.get(page))
    assert COURT in shown and "Ardoise ne peut pas préparer de requête pour ce dossier" in shown
    assert shown.count("Redressement judiciaire ouvert le 1er mars 2024") == 1
    assert "Les poursuites individuelles sont suspendues" in shown and "Préparer la requête" not in shown
    # A form posted anyway (a page opened before the BODACC's notice): refused by the same gate, in French.
    refused = submit(browser, page, f"{page}/requete", **{"procedure": "petites_creances"})
    assert refused.status_code == 422 and "Redressement judiciaire ouvert" in text(refused)
    assert not [e for e in desk.case(case_id)["timeline"] if e["kind"] == "court_request_prepared"]


def test_another_member_gets_no_court_step_nor_pdf(desk: Desk) -> None:
    case_id = _unpaid(desk, with_receipt=True)
    owner = signed_in(desk)
    page = f"/espace/dossiers/{case_id}"
    assert submit(owner, page, f"{page}/requete", procedure="petites_creances").status_code == 303
    other = desk.api.application.test_client()
    register(desk.api, desk.mailer, siren="404833048", name="Garage du Centre", email="garage@exemple.fr")
    sign_in(other, desk.mailer, siren="404833048", email="garage@exemple.fr")
    assert other.get(f"{page}/requetes/petites_creances").status_code == 404
    assert submit(other, "/espace/", f"{page}/requete", procedure="petites_creances").status_code == 404
    assert owner.get(f"{page}/requetes/petites_creances").status_code == 200


def test_the_case_record_is_downloaded_from_the_page_as_the_apis_own_and_by_its_owner_only(desk: Desk) -> None:
    case_id = _unpaid(desk, with_receipt=True)
    owner = signed_in(desk)
    page = f"/espace/dossiers/{case_id}"
    link = f"{page}/releve"
    assert f'href="{link}"' in owner.get(page).get_data(as_text=True)
    downloaded = owner.get(link)
    assert downloaded.status_code == 200 and downloaded.mimetype == "application/pdf"
    assert downloaded.headers["Content-Disposition"] == f'attachment; filename="releve-{case_id}.pdf"'
    assert set(downloaded.headers["Cache-Control"].split(", ")) == {"private", "no-store"}
    assert downloaded.data == desk.api.get(f"/cases/{case_id}/record", headers=desk.member).data
    other = desk.api.application.test_client()
    register(desk.api, desk.mailer, siren="404833048", name="Garage du Centre", email="garage@exemple.fr")
    sign_in(other, desk.mailer, siren="404833048", email="garage@exemple.fr")
    assert other.get(link).status_code == 404


# -- the debtor's proof of a declared payment ------------------------------------------------------

TRANSFER = b"%PDF-1.4 virement VIR-0412 du 04/03/2026"


def _declared_with_proof(desk: Desk, case_id: str) -> str:
    """The debtor uploads its transfer's receipt by its link and cites it in its declaration: the proof's id."""
    token = case_token(desk.resources, case_id)
    started = desk.api.post(
        f"/debtor-cases/{token}/evidence",
        json={"filename": "virement <b>mars</b>.pdf", "content_type": "application/pdf", "size": len(TRANSFER)},
    )
    assert started.status_code == 201, started.json
    sent = desk.api.put(
        started.json["url"].split("/api/directory", 1)[1], data=TRANSFER, content_type="application/pdf"
    )
    assert sent.status_code == 204, sent.json
    evidence_id = str(started.json["evidence_id"])
    declared = desk.api.post(
        f"/debtor-cases/{token}/payment",
        json={"amount_cents": 2_400_00, "paid_on": "2026-03-02", "text": "VIR-0412", "evidence_id": evidence_id},
    )
    assert declared.status_code == 200, declared.json
    return evidence_id


def test_the_creditor_downloads_the_debtors_proof_from_the_timeline(desk: Desk, browser: FlaskClient) -> None:
    case_id = _open(desk)
    evidence_id = _declared_with_proof(desk, case_id)
    link = f"/espace/dossiers/{case_id}/justificatifs/{evidence_id}"
    body = browser.get(f"/espace/dossiers/{case_id}").get_data(as_text=True)
    assert link in body and hashlib.sha256(TRANSFER).hexdigest() in body
    assert "virement &lt;b&gt;mars&lt;/b&gt;.pdf" in body and "<b>mars</b>" not in body
    downloaded = browser.get(link)
    assert downloaded.status_code == 200 and downloaded.data == TRANSFER and downloaded.mimetype == "application/pdf"
    assert downloaded.headers["Content-Disposition"].startswith(f'attachment; filename="{evidence_id}"')
    assert downloaded.headers["X-Content-SHA256"] == hashlib.sha256(TRANSFER).hexdigest()
    assert downloaded.headers["Cache-Control"] == "private, no-store"
    assert browser.get(f"/espace/dossiers/{case_id}/justificatifs/ev_inconnu").status_code == 404


def test_another_member_gets_404_for_the_debtors_proof_in_the_space_and_the_api(desk: Desk) -> None:
    case_id = _open(desk)
    evidence_id = _declared_with_proof(desk, case_id)
    other = desk.api.application.test_client()
    headers = {"Authorization": register(desk.api, desk.mailer, siren="404833048", name="Garage", email="g@exemple.fr")}
    sign_in(other, desk.mailer, siren="404833048", email="g@exemple.fr")
    assert other.get(f"/espace/dossiers/{case_id}/justificatifs/{evidence_id}").status_code == 404
    refused = desk.api.get(f"/cases/{case_id}/evidence/{evidence_id}", headers=headers)
    assert refused.status_code == 404 and refused.mimetype == "application/problem+json"
    mine = desk.api.get(f"/cases/{case_id}/evidence/{evidence_id}", headers=desk.member)
    assert mine.status_code == 200 and mine.data == TRANSFER
    assert mine.headers["X-Content-SHA256"] == hashlib.sha256(TRANSFER).hexdigest()


def test_an_upload_no_declaration_cited_is_not_produced_to_the_creditor(desk: Desk) -> None:
    case_id = _open(desk)
    token = case_token(desk.resources, case_id)
    started = desk.api.post(
        f"/debtor-cases/{token}/evidence",
        json={"filename": "brouillon.pdf", "content_type": "application/pdf", "size": len(TRANSFER)},
    )
    assert started.status_code == 201, started.json
    desk.api.put(started.json["url"].split("/api/directory", 1)[1], data=TRANSFER, content_type="application/pdf")
    answered = desk.api.get(f"/cases/{case_id}/evidence/{started.json['evidence_id']}", headers=desk.member)
    assert answered.status_code == 404 and answered.mimetype == "application/problem+json"


def _opening_with_file(browser: FlaskClient, content: bytes, media: str, **fields: str):  # type: ignore[no-untyped-def]  # a test response
    typed = {
        "debtor.siren": "552100554",
        "debtor.name": "Société Générale d'Exemple",
        "debtor.email": "comptabilite@sge.fr",
        "debtor.postal_address": "12 rue de la Paix, 75002 Paris",
        "invoice.outstanding": "1 250,00",
        "scenario_id": "default",
        **fields,
    }
    upload = {"document.invoice": (io.BytesIO(content), "facture.pdf", media)}
    return submit(browser, "/espace/dossiers/nouveau", "/espace/dossiers/nouveau", **typed, **upload)


def test_a_case_is_opened_from_the_form_with_its_e_invoice_which_gives_the_terms_left_blank(
    desk: Desk, browser: FlaskClient
) -> None:
    content = facturx_pdf()
    opened = _opening_with_file(browser, content, "application/pdf")
    assert opened.status_code == 303, text(opened)
    [case] = desk.api.get("/cases", headers=desk.member).json["items"]
    assert (case["invoice"]["number"], case["invoice"]["due_date"]) == ("F-2025-0412", "2025-12-31")
    assert case["einvoice"]["syntax"] == "factur-x"
    assert [(d["kind"], d["sha256"]) for d in case["documents"]] == [("invoice", hashlib.sha256(content).hexdigest())]


def test_the_form_s_invoice_file_problems_are_said_beside_it_in_french(desk: Desk, browser: FlaskClient) -> None:
    broken = _opening_with_file(browser, b"<?xml version='1.0'?><Invoice>pas une facture</Invoice>", "application/xml")
    body = broken.get_data(as_text=True)
    assert broken.status_code == 422 and 'id="erreur-document.invoice"' in body
    assert "Facture électronique invalide" in text(broken)
    assert 'name="document.invoice.id"' not in body  # a refused file is not cited again
    # A mismatching e-invoice: each term beside its field; the file stored is kept for the corrected form.
    mismatching = _opening_with_file(browser, facturx_pdf(), "application/pdf", **{"invoice.number": "F-1"})
    body = mismatching.get_data(as_text=True)
    assert mismatching.status_code == 422 and 'id="erreur-invoice.number"' in body
    kept = re.search(r'name="document.invoice.id" value="([^"]+)"', body)
    assert kept is not None
    assert desk.api.get("/cases", headers=desk.member).json["items"] == []
    corrected = submit(
        browser,
        "/espace/dossiers/nouveau",
        "/espace/dossiers/nouveau",
        **{
            "debtor.siren": "552100554",
            "debtor.name": "Société Générale d'Exemple",
            "debtor.email": "comptabilite@sge.fr",
            "debtor.postal_address": "12 rue de la Paix, 75002 Paris",
            "invoice.outstanding": "1 250,00",
            "scenario_id": "default",
            "document.invoice.id": kept.group(1),
        },
    )
    assert corrected.status_code == 303, text(corrected)
    [case] = desk.api.get("/cases", headers=desk.member).json["items"]
    assert [d["id"] for d in case["documents"]] == [kept.group(1)]


def test_a_case_opened_with_its_invoice_is_filed_from_its_page_without_uploading_it_again(desk: Desk) -> None:
    filename, content = PROOF["invoice"]
    declared = upload_document(desk.api, desk.member, kind="invoice", content=content, filename=filename)
    case_id = unpaid_case(desk, documents=[declared.json["document_id"]])
    browser = signed_in(desk)
    page = f"/espace/dossiers/{case_id}"
    shown = browser.get(page)
    assert "la facture jointe à l'ouverture du dossier (« facture-F-2025-0412.pdf »)" in text(shown)
    html = shown.get_data(as_text=True)
    assert hashlib.sha256(content).hexdigest() in html and 'name="facture"' not in html
    filed = submit(browser, page, f"{page}/signalement")
    assert filed.status_code == 303, text(filed)
    report_id = filed.headers["Location"].split("/espace/signalements/")[1].split("?")[0]
    report = desk.api.get(f"/reports/{report_id}", headers=desk.member).json
    assert [d["id"] for d in report["documents"] if d["kind"] == "invoice"] == [declared.json["document_id"]]
