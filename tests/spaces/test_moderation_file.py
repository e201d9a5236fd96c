"""The moderators' full file of a report (documents, e-invoice cross-check, rules, registry, audit trail) and search."""

from __future__ import annotations

from flask.testing import FlaskClient

from functions.core.mailer import OutboxMailer
from functions.core.resources import Resources
from tests.directory.conftest import register
from tests.directory.factories import filing_payload
from tests.directory.proof import file_for_review, upload_document
from tests.einvoices.samples import facturx_pdf
from tests.spaces.helpers import submit, text
from tests.spaces.test_moderation_space import _signed_in

DEBTOR_SIREN = filing_payload()["debtor"]["siren"]


def _filed_with_an_e_invoice(directory: FlaskClient, headers: dict[str, str]) -> str:
    ids = []
    for kind, content in (
        ("invoice", facturx_pdf()),
        ("formal_notice", b"%PDF-1.4\n% Mise en demeure du 30/01/2026\n%%EOF\n"),
        ("notice_proof", b"%PDF-1.4\n% Avis de reception LRAR\n%%EOF\n"),
    ):
        declared = upload_document(directory, headers, kind=kind, content=content)
        assert declared.status_code == 201, declared.json
        ids.append(declared.json["document_id"])
    filed = directory.post("/reports", json={**filing_payload(), "documents": ids}, headers=headers)
    assert filed.status_code == 201, filed.json
    return str(filed.json["id"])


def test_the_full_file_shows_documents_e_invoice_check_rules_registry_and_who_did_what_when(
    directory: FlaskClient, mailer: OutboxMailer, resources: Resources
) -> None:
    headers = {"Authorization": register(directory, mailer)}
    report_id = _filed_with_an_e_invoice(directory, headers)
    browser = _signed_in(directory, mailer, resources)
    review = f"/moderation/verifications/{report_id}"
    assert f'href="/moderation/signalements/{report_id}"' in browser.get(review).get_data(as_text=True)
    assert submit(browser, review, review, decision="approved").status_code == 303
    shown = browser.get(f"/moderation/signalements/{report_id}")
    assert shown.status_code == 200 and shown.headers["Cache-Control"] == "no-store"
    page = text(shown)
    assert "SHA-256" in page and f"/moderation/signalements/{report_id}/documents/" in shown.get_data(as_text=True)
    assert "Facture électronique : contrôle croisé" in page and "numéro de facture (BT-1)" in page
    assert "concordant" in page
    assert "Règles vérifiées au dépôt" in page and "Identité au répertoire" in page
    history = page[page.index("Historique") :]
    assert history.index("Déposé") < history.index("Dossier approuvé") < history.index("Débiteur avisé")
    assert "Modérateur Inès Moreau" in history and "Le créancier" in history


def test_an_unknown_report_s_file_is_a_french_404(
    directory: FlaskClient, mailer: OutboxMailer, resources: Resources
) -> None:
    browser = _signed_in(directory, mailer, resources)
    missing = browser.get("/moderation/signalements/rpt_0000000000000000")
    assert missing.status_code == 404 and "Aucun signalement sous cet identifiant." in text(missing)


def test_a_moderator_finds_reports_by_siren_or_by_reference(
    directory: FlaskClient, mailer: OutboxMailer, resources: Resources
) -> None:
    headers = {"Authorization": register(directory, mailer)}
    report_id = file_for_review(directory, headers, filing_payload()).json["id"]
    browser = _signed_in(directory, mailer, resources)
    spaced = " ".join((DEBTOR_SIREN[:3], DEBTOR_SIREN[3:6], DEBTOR_SIREN[6:]))
    for query in (DEBTOR_SIREN, spaced, report_id, report_id.upper()):
        found = browser.get("/moderation/recherche", query_string={"q": query})
        assert found.status_code == 200 and "Résultats (1)" in text(found), query
        assert f'href="/moderation/signalements/{report_id}"' in found.get_data(as_text=True)
    creditor = resources.store.reports.get_report(report_id).creditor.siren  # type: ignore[union-attr]
    assert "Résultats (1)" in text(browser.get("/moderation/recherche", query_string={"q": creditor}))
    none = browser.get("/moderation/recherche", query_string={"q": "rpt_ffffffffffffffff"})
    assert none.status_code == 200 and "Aucun signalement ne correspond." in text(none)


def test_a_wrong_search_is_said_beside_the_box_in_french(
    directory: FlaskClient, mailer: OutboxMailer, resources: Resources
) -> None:
    browser = _signed_in(directory, mailer, resources)
    assert browser.get("/moderation/recherche").status_code == 200
    for query, message in (
        ("Durand", "Saisissez un SIREN (9 chiffres) ou la référence"),
        ("123456789", "Ce SIREN n'est pas valide"),
        ("<script>", "Saisissez un SIREN"),
    ):
        refused = browser.get("/moderation/recherche", query_string={"q": query})
        body = refused.get_data(as_text=True)
        assert refused.status_code == 400 and message in text(refused), query
        assert 'id="erreur-q"' in body and 'aria-invalid="true"' in body
        assert "<script>" not in body.split("<main", 1)[-1]


def test_a_member_session_opens_no_file_and_no_search(
    directory: FlaskClient, mailer: OutboxMailer, resources: Resources
) -> None:
    anonymous = directory.application.test_client()
    for path in ("/moderation/recherche?q=552100554", "/moderation/signalements/rpt_0000000000000000"):
        assert anonymous.get(path).status_code == 303
