"""The timestamped record of a case (GET /cases/{id}/record): the piece n° the injonction de payer lists last.

Read with pdftotext as a judge would read it: every event with its moment, who acted and how, and the
SHA-256 digests the timeline stored for each message sent and each proof joined.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from functions.core.usecases.recovery.debtor import case_token
from tests.directory.conftest import register
from tests.directory.factories import OTHER_DEBTOR_SIREN
from tests.recovery.conftest import Desk
from tests.recovery.factories import case_payload
from tests.recovery.test_case_report import NOTICE_STEP, RECEIPT, document, march
from tests.recovery.test_injunction_api import NO_PDFTOTEXT, prepare, seat_in_registry

pytestmark = pytest.mark.skipif(shutil.which("pdftotext") is None, reason=NO_PDFTOTEXT)

TWO = [{"due_on": "2026-03-15", "amount_cents": 1_200_00}, {"due_on": "2026-04-15", "amount_cents": 1_200_00}]


def text_of(pdf: bytes, tmp_path: Path) -> str:
    path = tmp_path / "releve.pdf"
    path.write_bytes(pdf)
    text = subprocess.run(["pdftotext", str(path), "-"], check=True, capture_output=True, text=True).stdout
    # Each page's footer, where a page break cut an event, left out.
    lines = [line for line in text.splitlines() if not line.startswith("Relevé produit par Ardoise")]
    return " ".join("\n".join(lines).replace("\u202f", " ").replace("\u00a0", " ").split())


def unpaid_after_a_proposal(desk: Desk) -> str:
    """A default-scenario case whose debtor proposed a schedule on 2 March, left unanswered; unpaid on 27 March."""
    case_id = str(desk.api.post("/cases", json=case_payload(), headers=desk.member).json["id"])
    proposed = desk.api.post(
        f"/debtor-cases/{case_token(desk.resources, case_id)}/schedule",
        json={"instalments": TWO, "text": "Deux virements, le 15 de chaque mois."},
    )
    assert proposed.status_code == 200, proposed.json
    for day in (4, 11, 18):
        desk.tick_at(march(day))
    joined = desk.api.post(
        f"/cases/{case_id}/dispatch-proofs",
        json={"step": NOTICE_STEP, "document_id": document(desk, "notice_proof", RECEIPT, "accuse.pdf")},
        headers=desk.member,
    )
    assert joined.status_code == 200, joined.json
    assert desk.tick_at(march(27))["ended"] == 1
    return case_id


def test_the_record_lists_every_event_with_its_moment_actor_channel_and_the_stored_digests(
    desk: Desk, tmp_path: Path
) -> None:
    case_id = unpaid_after_a_proposal(desk)
    response = desk.api.get(f"/cases/{case_id}/record", headers=desk.member)
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert response.headers["Content-Disposition"] == f'attachment; filename="releve-{case_id}.pdf"'
    assert response.headers["Cache-Control"] == "private, no-store"
    text = text_of(response.data, tmp_path)

    timeline = desk.case(case_id)["timeline"]
    assert f"Relevé horodaté du dossier de recouvrement Ardoise {case_id}" in text
    assert f"Chronologie : {len(timeline)} événements" in text
    messages = [event["message"] for event in timeline if event["kind"] == "step_sent"]
    assert len(messages) == 3
    for message in messages:
        # Each message as the timeline stored it: its recipient and the digest of what went.
        assert f"Empreinte SHA-256 du message : {message['sha256']} ({message['size']} octets)" in text
        assert f"Destinataire : {message['recipient']}" in text
    proof = next(event for event in timeline if event["kind"] == "dispatch_proof")["document"]
    assert "accuse.pdf" in text and proof["sha256"] in text
    for expected in (
        # The identity and the amounts.
        "Menuiserie Durand SARL, SIREN 732829320",
        "n° F-2026-0117 du 30 janvier 2026, échéance le 1er mars 2026",
        "Pénalités de retard au 27 mars 2026",
        "20,77 €",
        # The proposal: by the debtor, through its link, with its instalments and words.
        "Échéancier proposé par le débiteur",
        "Canal : lien privé du dossier sur Ardoise",
        "2 échéances, 2 400,00 € au total : 15 mars 2026 : 1 200,00 € ; 15 avril 2026 : 1 200,00 €",
        "Texte du débiteur : « Deux virements, le 15 de chaque mois. »",
        # The reminder of 4 March, sent by the tick at 8:00 UTC (9:00 in Paris, winter time).
        "Le 04/03/2026 à 09:00:00 (heure de Paris), soit 2026-03-04T08:00:00Z (UTC)",
        "Par : Ardoise (traitement automatique)",
        "Canal : e-mail",
        "Étape n° 1 : Relance courtoise",
        # The notice: a letter, its deadline; then the end of the scenario.
        "Canal : courrier, préparé par Ardoise et posté par le créancier",
        "Mise en demeure (Code civil art. 1344), délai de paiement au 26 mars 2026",
        "Preuve d'envoi d'un courrier jointe",
        "Fin du scénario : facture impayée au terme de la mise en demeure",
    ):
        assert expected in text, expected


def test_the_record_shows_a_prepared_requests_digest_and_the_request_cites_the_record_and_the_proposal(
    desk: Desk, tmp_path: Path
) -> None:
    seat_in_registry(desk)
    case_id = unpaid_after_a_proposal(desk)
    prepared = prepare(desk, case_id, procedure="injonction_de_payer", court={"code": "tae-paris"})
    assert prepared.status_code == 201, prepared.json
    request = prepared.json
    record = request["exhibits"][-1]
    assert record["title"] == f"Relevé horodaté du dossier de recouvrement Ardoise {case_id}"
    assert "dont sa proposition d'échéancier du 2 mars 2026" in record["detail"]
    joined = next(item for item in request["checklist"] if item["code"] == "releve_horodate")
    assert joined["state"] == "to_do" and f"(pièce n° {record['number']})" in joined["label"]
    assert "GET /cases/{id}/record" in joined["detail"]
    assert any(
        line.startswith("Le débiteur a proposé le 2 mars 2026, par le lien privé de son dossier sur Ardoise")
        and f"(pièce n° {record['number']})" in line
        for line in request["basis"]
    )
    text = text_of(desk.api.get(f"/cases/{case_id}/record", headers=desk.member).data, tmp_path)
    assert "Requête au tribunal préparée" in text
    assert f"Empreinte SHA-256 du PDF de la requête : {request['pdf_sha256']}" in text


def test_only_the_member_who_opened_the_case_gets_its_record(desk: Desk) -> None:
    case_id = str(desk.api.post("/cases", json=case_payload(), headers=desk.member).json["id"])
    other = {"Authorization": register(desk.api, desk.mailer, siren=OTHER_DEBTOR_SIREN, name="Autre Créancier SAS")}
    for headers in (other, desk.member):
        path = f"/cases/{case_id}/record" if headers is other else "/cases/case_0123456789abcdef/record"
        refused = desk.api.get(path, headers=headers)
        assert refused.status_code == 404 and refused.mimetype == "application/problem+json"
    assert desk.api.get(f"/cases/{case_id}/record").status_code == 401
    # A case just opened has a record too: its opening.
    assert desk.api.get(f"/cases/{case_id}/record", headers=desk.member).status_code == 200
