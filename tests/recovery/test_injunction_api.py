"""The court step of an unpaid case through the HTTP API: the proposed court, the request kept, its PDF read back."""

from __future__ import annotations

import hashlib
import shutil
import subprocess
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from functions.core.domain.registry import CompanyIdentity, HeadOffice
from functions.core.usecases.registry_import import LocalFile, import_file
from tests.directory.conftest import register
from tests.directory.factories import CREDITOR_SIREN, DEBTOR_SIREN, OTHER_DEBTOR_SIREN
from tests.recovery.conftest import Desk
from tests.recovery.factories import case_payload
from tests.recovery.test_case_report import NOTICE_STEP, RECEIPT, document, march, unpaid_case
from tests.registry.samples import generate as sample

SAMPLES = Path(__file__).parents[1] / "registry" / "samples"
NO_PDFTOTEXT = "poppler-utils' pdftotext is not installed (make test installs it)"


def seat_in_registry(desk: Desk) -> None:
    """Both parties known to SIRENE: the creditor in Lyon 3e, the debtor in Paris 8e (one court: the TAE)."""
    desk.resources.store.registry.put_units(
        [
            CompanyIdentity(
                CREDITOR_SIREN, "MENUISERIE DURAND", "5499", True, date(2012, 5, 1), True, head_office_nic="00018"
            ),
            CompanyIdentity(
                DEBTOR_SIREN,
                "SOCIETE GENERALE D'EQUIPEMENT",
                "5710",
                True,
                date(2015, 1, 1),
                True,
                head_office_nic="00017",
            ),
        ]
    )
    desk.resources.store.registry.put_seats(
        [
            HeadOffice(CREDITOR_SIREN, "00018", "4", "RUE", "DES TONNELIERS", "69003", "LYON 3", "69383"),
            HeadOffice(DEBTOR_SIREN, "00017", "3", "AV", "DES CHAMPS", "75008", "PARIS 8", "75108"),
        ]
    )


def court_step(desk: Desk, case_id: str, headers: dict[str, str] | None = None):  # type: ignore[no-untyped-def]  # a test response
    return desk.api.get(f"/cases/{case_id}/court", headers=headers or desk.member)


def prepare(desk: Desk, case_id: str, headers: dict[str, str] | None = None, **body: Any):  # type: ignore[no-untyped-def]  # a test response
    return desk.api.post(f"/cases/{case_id}/injunction", json=body, headers={**desk.member, **(headers or {})})


def pdf_text(desk: Desk, url: str, tmp_path: Path) -> str:
    """The PDF at ``url`` as pdftotext reads it, its French spaces (narrow, non-breaking) made plain and runs joined."""
    response = desk.api.get(url, headers=desk.member)
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    path = tmp_path / "requete.pdf"
    path.write_bytes(response.data)
    text = subprocess.run(["pdftotext", str(path), "-"], check=True, capture_output=True, text=True).stdout
    return " ".join(text.replace("\u202f", " ").replace("\u00a0", " ").split())


def codes(response: Any) -> list[str]:
    return [e["code"] for e in response.json["errors"]]


# -- GET /cases/{id}/court ----------------------------------------------------------------


def test_the_court_step_proposes_the_court_of_the_debtors_seat_with_the_breakdown_and_the_checklist(
    desk: Desk,
) -> None:
    seat_in_registry(desk)
    case_id = unpaid_case(desk)  # unpaid on 27 March 2026
    response = court_step(desk, case_id)
    assert response.status_code == 200, response.json
    step = response.json
    proposal = step["proposal"]
    assert proposal["departement"] == "75" and proposal["default"]["code"] == "tae-paris"
    assert proposal["basis"] == "siège au répertoire SIRENE (75008 PARIS 8)"
    assert any("legifrance.gouv.fr" in line for line in proposal["table_source"])
    # 2,400 EUR owed: both procedures are offered.
    assert [p["procedure"] for p in step["procedures"]] == ["injonction_de_payer", "petites_creances"]
    injunction = step["procedures"][0]
    # 2 to 27 March, 26 days at 12.15 %: 20.77 EUR; and the 40 EUR indemnity.
    assert injunction["amounts"] == {
        "currency": "EUR",
        "principal_cents": 2_400_00,
        "interest_cents": 20_77,
        "interest_until": "2026-03-27",
        "interest_periods": [
            {
                "start": "2026-03-02",
                "end": "2026-03-27",
                "days": 26,
                "percent": "12.15",
                "cents": 20_77,
                "base_cents": 2_400_00,
            }
        ],
        "indemnity_cents": 40_00,
        "total_cents": 2_460_77,
    }
    assert injunction["court"]["code"] == "tae-paris"
    assert injunction["debtor"]["seat"] == "3 AV DES CHAMPS, 75008 PARIS 8" and injunction["debtor"]["verified"]
    checks = {c["code"]: c["state"] for c in injunction["checklist"]}
    assert checks["document_signe"] == "to_do" and checks["preuve_mise_en_demeure"] == "done"
    assert checks["avocat_en_cas_d_opposition"] == "info"
    # Nothing is kept by a preview.
    assert not [e for e in desk.case(case_id)["timeline"] if e["kind"] == "court_request_prepared"]


def test_beyond_5000_eur_only_the_injunction_is_offered_and_the_letter_refused(desk: Desk) -> None:
    case_id = unpaid_case(desk, amount_cents=12_000_00, outstanding_cents=12_000_00)
    step = court_step(desk, case_id).json
    assert [p["procedure"] for p in step["procedures"]] == ["injonction_de_payer"]
    checks = {c["code"]: c["state"] for c in step["procedures"][0]["checklist"]}
    assert checks["avocat_en_cas_d_opposition"] == "warning"
    refused = prepare(desk, case_id, procedure="petites_creances")
    assert refused.status_code == 422 and codes(refused) == ["montant_trop_eleve_petites_creances"]


def test_a_case_still_running_has_no_court_step(desk: Desk) -> None:
    case = desk.api.post("/cases", json=case_payload(), headers=desk.member).json
    for response in (
        court_step(desk, case["id"]),
        prepare(desk, case["id"], procedure="injonction_de_payer", court={"code": "tae-paris"}),
    ):
        assert response.status_code == 409
        assert response.mimetype == "application/problem+json"
        assert response.json["type"].endswith("/dossier-non-impaye") and response.json["status"] == "running"


def test_another_members_case_is_not_found(desk: Desk) -> None:
    case_id = unpaid_case(desk)
    assert prepare(desk, case_id, procedure="petites_creances").status_code == 201
    other = {"Authorization": register(desk.api, desk.mailer, siren=OTHER_DEBTOR_SIREN, name="Autre Créancier SAS")}
    assert court_step(desk, case_id, other).status_code == 404
    stolen = desk.api.post(f"/cases/{case_id}/injunction", json={"procedure": "petites_creances"}, headers=other)
    assert stolen.status_code == 404
    assert desk.api.get(f"/cases/{case_id}/injunction/petites_creances/pdf", headers=other).status_code == 404
    assert desk.api.get(f"/cases/{case_id}/court").status_code == 401


def test_a_debtor_in_collective_proceedings_since_the_case_opened_gets_no_request(desk: Desk) -> None:
    case_id = unpaid_case(desk, debtor_siren=sample.REDRESSEMENT, debtor_name="Transports Giraud et Fils")
    for name in ("StockUniteLegale_sample.csv", "StockEtablissement_sample.csv", "bodacc_annonces_sample.json"):
        assert import_file(desk.resources, LocalFile(SAMPLES / name)).done
    for response in (
        court_step(desk, case_id),
        prepare(desk, case_id, procedure="injonction_de_payer", court={"code": "tc-grenoble"}),
    ):
        assert response.status_code == 422 and codes(response) == ["procedure_collective"]


# -- POST /cases/{id}/injunction ------------------------------------------------------------


def test_the_court_is_confirmed_by_the_creditor_never_taken_silently(desk: Desk) -> None:
    case_id = unpaid_case(desk)
    unconfirmed = prepare(desk, case_id, procedure="injonction_de_payer")
    assert unconfirmed.status_code == 422 and codes(unconfirmed) == ["tribunal_a_confirmer"]
    assert unconfirmed.json["candidates"] == [
        {"code": "tae-paris", "name": "Tribunal des activités économiques de Paris"}
    ]
    unknown = prepare(desk, case_id, procedure="injonction_de_payer", court={"code": "tc-atlantide"})
    assert unknown.status_code == 422 and codes(unknown) == ["tribunal_inconnu"]
    typed = prepare(
        desk,
        case_id,
        procedure="injonction_de_payer",
        court={"name": "Tribunal de commerce de Quelque-Part", "appeal_court": "Paris"},
    )
    assert typed.status_code == 201, typed.json
    assert typed.json["court"] == {
        "code": "autre",
        "name": "Tribunal de commerce de Quelque-Part",
        "appeal_court": "Paris",
        "address": "",
    }


@pytest.mark.parametrize(
    "body",
    [
        {"procedure": "saisie"},
        {"procedure": "injonction_de_payer", "court": "tae-paris"},
        {"procedure": "injonction_de_payer", "court": {"code": "tae-paris", "city": "Paris"}},
        {},
    ],
)
def test_a_malformed_request_is_a_400_problem(desk: Desk, body: dict[str, Any]) -> None:
    case_id = unpaid_case(desk)
    response = prepare(desk, case_id, **body)
    assert response.status_code == 400 and response.mimetype == "application/problem+json"


def test_a_keyed_request_sent_again_replays_the_first_and_keeps_one_event(desk: Desk) -> None:
    case_id = unpaid_case(desk)
    key = {"Idempotency-Key": "injonction-1"}
    body = {"procedure": "injonction_de_payer", "court": {"code": "tae-paris"}}
    first = prepare(desk, case_id, key, **body)
    again = prepare(desk, case_id, key, **body)
    assert (first.status_code, again.status_code) == (201, 201)
    assert again.json == first.json and again.headers["Idempotent-Replayed"] == "true"
    events = [e for e in desk.case(case_id)["timeline"] if e["kind"] == "court_request_prepared"]
    assert len(events) == 1


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason=NO_PDFTOTEXT)
def test_the_injunction_request_pdf_holds_the_parties_amounts_court_pieces_and_checklist(
    desk: Desk, tmp_path: Path
) -> None:
    seat_in_registry(desk)
    case_id = unpaid_case(desk)
    desk.clock.now = march(30)  # three days later, interest to 30 March: 29 days, 23.17 EUR
    prepared = prepare(
        desk,
        case_id,
        procedure="injonction_de_payer",
        court={"code": "tae-paris"},
        signed_document="Devis n° D-2025-311 accepté et signé le 12 décembre 2025",
    )
    assert prepared.status_code == 201, prepared.json
    request = prepared.json
    assert prepared.headers["Location"].endswith(f"/cases/{case_id}/injunction/injonction_de_payer/pdf")
    assert request["pdf_url"] == f"/cases/{case_id}/injunction/injonction_de_payer/pdf"
    assert (request["amounts"]["interest_cents"], request["amounts"]["total_cents"]) == (23_17, 2_463_17)
    assert request["prepared_at"].startswith("2026-03-30")
    # Kept on the timeline, the case still unpaid.
    case = desk.case(case_id)
    assert case["status"] == "unpaid" and case["timeline"][-1]["kind"] == "court_request_prepared"

    pdf = desk.api.get(request["pdf_url"], headers=desk.member)
    assert hashlib.sha256(pdf.data).hexdigest() == request["pdf_sha256"] and len(pdf.data) == request["pdf_size"]
    assert pdf.headers["Cache-Control"] == "private, no-store"
    text = pdf_text(desk, request["pdf_url"], tmp_path)
    for expected in (
        "Requête en injonction de payer",
        "À Monsieur ou Madame le Président du Tribunal des activités économiques de Paris",
        # Both parties: name, form, SIREN and seat, from the registry.
        "MENUISERIE DURAND",
        "Société à responsabilité limitée (SARL)",
        "732829320",
        "4 RUE DES TONNELIERS, 69003 LYON 3",
        "SOCIETE GENERALE D'EQUIPEMENT",
        "Société par actions simplifiée (SAS)",
        "552100554",
        "3 AV DES CHAMPS, 75008 PARIS 8",
        # The amounts in French.
        "Principal restant dû",
        "2 400,00 €",
        "Intérêts de retard au 30 mars 2026",
        "23,17 €",
        "Indemnité forfaitaire (D. 441-5)",
        "40,00 €",
        "Total",
        "de lui payer 2 463,17 €",
        "taux BCE majoré de 10 points, soit 12,15 % l'an",
        "facture n° F-2026-0117",
        # The pieces.
        "Bordereau des pièces produites",
        "Pièce n° 1 : Facture n° F-2026-0117",
        "Pièce n° 2 : Document signé par le débiteur : Devis n° D-2025-311",
        "Mise en demeure du 18 mars 2026 par courrier",
        "Preuve d'envoi de « Mise en demeure » (accuse.pdf)",
        "Relevé horodaté du dossier de recouvrement Ardoise",
        # The checklist.
        "Avant de déposer : requête en injonction de payer",
        "[Fait] Un document signé par le débiteur",
        "[Fait] Aucune procédure collective ouverte contre le débiteur",
        "[Fait] Juridiction : Tribunal des activités économiques de Paris",
        "Frais de greffe",
        "opposition dans le mois",
        "un avocat est obligatoire au-delà de 10 000 €",
    ):
        assert expected in text, expected


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason=NO_PDFTOTEXT)
def test_the_petites_creances_letter_holds_the_parties_amounts_ressort_and_checklist(
    desk: Desk, tmp_path: Path
) -> None:
    seat_in_registry(desk)
    case_id = unpaid_case(desk)
    prepared = prepare(
        desk, case_id, procedure="petites_creances", commissaire="Maître Anne Roux, commissaire de justice"
    )
    assert prepared.status_code == 201, prepared.json
    letter = prepared.json
    assert letter["court"] is None and letter["appeal_court"] == "Paris"
    assert letter["commissaire"] == "Maître Anne Roux, commissaire de justice"
    text = pdf_text(desk, letter["pdf_url"], tmp_path)
    for expected in (
        "Demande de procédure simplifiée de recouvrement",
        "À Maître Anne Roux, commissaire de justice (ressort de la cour d'appel de Paris)",
        "MENUISERIE DURAND",
        "732829320",
        "4 RUE DES TONNELIERS, 69003 LYON 3",
        "SOCIETE GENERALE D'EQUIPEMENT",
        "552100554",
        "3 AV DES CHAMPS, 75008 PARIS 8",
        "Principal restant dû",
        "2 400,00 €",
        "Intérêts de retard au 27 mars 2026",
        "20,77 €",
        "Indemnité forfaitaire (D. 441-5)",
        "40,00 €",
        "Total",
        "2 460,77 €",
        "Pièce n° 1 : Facture n° F-2026-0117",
        "Avant de déposer : procédure simplifiée de recouvrement des petites créances",
        "[Fait] Au plus 5 000 € en principal et intérêts",
        "[Fait] Un commissaire de justice du ressort de la cour d'appel de Paris",
    ):
        assert expected in text, expected
    # The injunction was not prepared: its PDF is not there.
    assert desk.api.get(f"/cases/{case_id}/injunction/injonction_de_payer/pdf", headers=desk.member).status_code == 404


def test_the_pdf_of_an_unknown_procedure_is_not_found(desk: Desk) -> None:
    case_id = unpaid_case(desk)
    response = desk.api.get(f"/cases/{case_id}/injunction/saisie/pdf", headers=desk.member)
    assert response.status_code in {400, 404} and response.mimetype == "application/problem+json"


# -- after a partial payment: the penalties run on the balance before it ---------------------------


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason=NO_PDFTOTEXT)
def test_after_a_partial_payment_the_reminder_and_the_request_claim_the_penalties_on_each_balance(
    desk: Desk, tmp_path: Path
) -> None:
    seat_in_registry(desk)
    case_id = desk.api.post("/cases", json=case_payload(), headers=desk.member).json["id"]
    desk.tick_at(march(4))
    desk.clock.now = march(10)
    recorded = desk.api.post(
        f"/cases/{case_id}/payments", json={"amount_cents": 400_00, "paid_on": "2026-03-06"}, headers=desk.member
    )
    assert recorded.status_code == 200, recorded.json
    desk.tick_at(march(11))
    # The firm reminder of 11 March: 2 - 6 Mar on 2 400,00 (3,99 EUR), 7 - 11 Mar on 2 000,00 (3,33 EUR).
    firm = " ".join(desk.mails_to("comptabilite@sge.fr")[-1].get_content().replace("\u202f", " ").split())
    assert "7,32 € (sur 2 400,00 € du 02/03/2026 au 06/03/2026, puis sur 2 000,00 € du 07/03/2026 au 11/03/2026)" in (
        firm.replace("\u00a0", " ")
    )
    desk.tick_at(march(18))
    # The formal notice's letter of 18 March: 399 on 2 400,00, then 12 days on 2 000,00 (798.90 -> 799).
    (letter,) = list(desk.mails_to("compta@menuiserie-durand.fr")[-1].iter_attachments())
    path = tmp_path / "mise-en-demeure.pdf"
    path.write_bytes(letter.get_content())
    notice = subprocess.run(["pdftotext", str(path), "-"], check=True, capture_output=True, text=True).stdout
    notice = " ".join(notice.replace("\u202f", " ").replace("\u00a0", " ").split())
    for expected in (
        "Principal restant dû : 2 000,00 €",
        "11,98 € (sur 2 400,00 € du 02/03/2026 au 06/03/2026, puis sur 2 000,00 € du 07/03/2026 au 18/03/2026)",
        "Total : 2 051,98 €",
    ):
        assert expected in notice, expected
    joined = desk.api.post(
        f"/cases/{case_id}/dispatch-proofs",
        json={"step": NOTICE_STEP, "document_id": document(desk, "notice_proof", RECEIPT, "accuse.pdf")},
        headers=desk.member,
    )
    assert joined.status_code == 200, joined.json
    assert desk.tick_at(march(27))["ended"] == 1

    amounts = court_step(desk, case_id).json["procedures"][0]["amounts"]
    # To 27 Mar: 5 days on 2 400,00 (399) and 21 days on 2 000,00 (200000 x 0.1215 x 21 / 365 = 1398.08 -> 1398).
    assert [(p["start"], p["end"], p["cents"], p["base_cents"]) for p in amounts["interest_periods"]] == [
        ("2026-03-02", "2026-03-06", 3_99, 2_400_00),
        ("2026-03-07", "2026-03-27", 13_98, 2_000_00),
    ]
    assert (amounts["principal_cents"], amounts["interest_cents"], amounts["total_cents"]) == (
        2_000_00,
        17_97,
        2_000_00 + 17_97 + 40_00,
    )
    prepared = prepare(desk, case_id, procedure="injonction_de_payer", court={"code": "tae-paris"})
    assert prepared.status_code == 201, prepared.json
    text = pdf_text(desk, prepared.json["pdf_url"], tmp_path)
    for expected in (
        "Après 400,00 € de paiements partiels (400,00 € le 6 mars 2026), il reste dû 2 000,00 €.",
        "de lui payer 2 057,97 €",
        "du 2 mars 2026 au 6 mars 2026, 5 jours à 12,15 % l'an sur 2 400,00 € : 3,99 €",
        "du 7 mars 2026 au 27 mars 2026, 21 jours à 12,15 % l'an sur 2 000,00 € : 13,98 €",
    ):
        assert expected in text, expected
