"""'Mes signalements': a member sees its own reports only, follows each one's timeline, records a payment, withdraws."""

from __future__ import annotations

from flask.testing import FlaskClient

from functions.core.mailer import OutboxMailer
from tests.directory.conftest import register
from tests.directory.factories import filing_payload
from tests.directory.proof import file_report
from tests.spaces.conftest import CREDITOR_SIREN, MEMBER_EMAIL
from tests.spaces.helpers import sign_in, submit, text


def _filed(directory: FlaskClient, mailer: OutboxMailer) -> tuple[FlaskClient, str]:
    """A member's report, filed and approved through the API; a browser signed in as that member."""
    headers = {"Authorization": register(directory, mailer)}
    filed = file_report(directory, headers, filing_payload())
    assert filed.status_code == 201, filed.json
    browser = directory.application.test_client()
    sign_in(browser, mailer, siren=CREDITOR_SIREN, email=MEMBER_EMAIL)
    return browser, filed.json["id"]


def test_a_member_lists_its_reports_and_follows_one(directory: FlaskClient, mailer: OutboxMailer) -> None:
    browser, report_id = _filed(directory, mailer)
    listed = browser.get("/espace/signalements")
    assert f"/espace/signalements/{report_id}" in listed.get_data(as_text=True)
    shown = browser.get(f"/espace/signalements/{report_id}")
    assert shown.status_code == 200
    page = text(shown)
    assert "Signalement déposé" in page and "Dossier vérifié par la modération" in page and "Débiteur prévenu" in page
    assert "Facture" in page and "SHA-256" in page  # the documents it was filed with, with their digests
    document = shown.get_data(as_text=True).split(f"/espace/signalements/{report_id}/documents/")[1].split('"')[0]
    downloaded = browser.get(f"/espace/signalements/{report_id}/documents/{document}")
    assert downloaded.status_code == 200 and downloaded.headers["Cache-Control"] == "no-store"
    assert downloaded.headers["Content-Disposition"].startswith("attachment")


def test_a_member_never_sees_another_members_report(directory: FlaskClient, mailer: OutboxMailer) -> None:
    _, report_id = _filed(directory, mailer)
    other = directory.application.test_client()
    register(directory, mailer, siren="404833048", name="Garage du Centre", email="garage@exemple.fr")
    sign_in(other, mailer, siren="404833048", email="garage@exemple.fr")
    assert report_id not in other.get("/espace/signalements").get_data(as_text=True)
    assert other.get(f"/espace/signalements/{report_id}").status_code == 404
    assert submit(other, "/espace/", f"/espace/signalements/{report_id}/retrait").status_code == 404
    # Nor its documents, nor a payment on it: the same 404 as an unknown report, and the report untouched.
    report = directory.application.extensions["ardoise"].store.reports.get_report(report_id)
    document = report.documents[0].id
    assert other.get(f"/espace/signalements/{report_id}/documents/{document}").status_code == 404
    paid = submit(other, "/espace/", f"/espace/signalements/{report_id}/paiement", paid_on="2026-03-01", amount="10")
    assert paid.status_code == 404
    after = directory.application.extensions["ardoise"].store.reports.get_report(report_id)
    assert after.payments == report.payments and after.status == report.status


def test_a_page_of_the_space_sends_a_signed_out_browser_to_sign_in(directory: FlaskClient) -> None:
    answered = directory.get("/espace/signalements")
    assert answered.status_code == 303 and answered.headers["Location"] == "/espace/?connexion=requise"


def test_a_payment_is_recorded_in_euros_as_the_api_does(directory: FlaskClient, mailer: OutboxMailer) -> None:
    browser, report_id = _filed(directory, mailer)
    page = f"/espace/signalements/{report_id}"
    recorded = submit(browser, page, f"{page}/paiement", paid_on="2026-03-01", amount="250,00")
    assert recorded.status_code == 303
    shown = text(browser.get(recorded.headers["Location"]))
    assert "Le paiement est enregistré." in shown and "Paiement de 250,00" in shown


def test_a_wrong_payment_is_shown_beside_its_field(directory: FlaskClient, mailer: OutboxMailer) -> None:
    browser, report_id = _filed(directory, mailer)
    page = f"/espace/signalements/{report_id}"
    unreadable = submit(browser, page, f"{page}/paiement", paid_on="2026-03-01", amount="deux cents")
    assert unreadable.status_code == 400 and 'id="erreur-amount"' in unreadable.get_data(as_text=True)
    future = submit(browser, page, f"{page}/paiement", paid_on="2030-01-01", amount="10")
    assert future.status_code in (400, 422) and 'id="erreur-paid_on"' in future.get_data(as_text=True)


def test_a_member_withdraws_its_report(directory: FlaskClient, mailer: OutboxMailer) -> None:
    browser, report_id = _filed(directory, mailer)
    page = f"/espace/signalements/{report_id}"
    withdrawn = submit(browser, page, f"{page}/retrait")
    assert withdrawn.status_code == 303
    shown = text(browser.get(withdrawn.headers["Location"]))
    assert "Le signalement est retiré." in shown and "Clos" in shown
    assert "Enregistrer le paiement" not in shown


def test_a_member_shares_experiences_by_csv_and_sees_each_refused_line(
    browser: FlaskClient, mailer: OutboxMailer
) -> None:
    sign_in(browser, mailer, siren=CREDITOR_SIREN, email=MEMBER_EMAIL)
    csv = (
        "debtor_siren,amount_cents,due_date,paid_on,reference\n"
        "552100554,120000,2026-01-31,2026-02-10,F-1\n"
        "552100555,120000,2026-01-31,2026-02-10,F-2\n"
        "552100554,abc,2026-01-31,2026-02-10,F-3\n"
    )
    from io import BytesIO

    sent = submit(
        browser, "/espace/experiences", "/espace/experiences", fichier=(BytesIO(csv.encode()), "factures.csv")
    )
    assert sent.status_code == 200
    shown = text(sent)
    assert "1 facture enregistrée sur 3 lignes reçues" in shown
    assert "3 debtor_siren" in shown and "4 amount_cents" in shown


def test_a_csv_without_its_header_is_refused_beside_the_file_field(browser: FlaskClient, mailer: OutboxMailer) -> None:
    sign_in(browser, mailer, siren=CREDITOR_SIREN, email=MEMBER_EMAIL)
    from io import BytesIO

    sent = submit(browser, "/espace/experiences", "/espace/experiences", fichier=(BytesIO(b"a;b\n1;2\n"), "x.csv"))
    assert sent.status_code == 400
    assert 'id="erreur-fichier"' in sent.get_data(as_text=True) and "Colonnes manquantes" in text(sent)
