"""A case that ended unpaid becomes a report in one step: Ardoise's records are its amicable steps and proofs."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime
from typing import Any

from functions.core.usecases.directory.members import create_moderator
from tests.directory.proof import PROOF, upload_document
from tests.recovery.conftest import Desk
from tests.recovery.factories import case_payload, notice_payload, step_payload
from tests.spaces.helpers import SIGN_IN_LINK, last_mail_to, submit

MODERATOR_EMAIL = "ines.moreau@ardoise.localhost"

NOTICE_STEP = 2  # the default scenario's formal notice, by letter
RECEIPT = b"%PDF-1.4\n% Avis de reception LRAR 1A 987 654 3210 9, distribue le 20/03/2026\n%%EOF\n"


def march(day: int, hour: int = 8) -> datetime:
    return datetime(2026, 3, day, hour, tzinfo=UTC)


def document(desk: Desk, kind: str, content: bytes, filename: str = "piece.pdf") -> str:
    declared = upload_document(desk.api, desk.member, kind=kind, content=content, filename=filename)
    assert declared.status_code == 201, declared.json
    return str(declared.json["document_id"])


def unpaid_case(desk: Desk, *, with_receipt: bool = True, body: dict[str, Any] | None = None, **payload: Any) -> str:
    """A default-scenario case: reminders on 4 and 11 March, the notice letter on 18 March, unpaid on 27 March.

    ``payload`` changes the opening's body (``case_payload``'s keywords: another debtor, another amount);
    ``body`` replaces it (an invoice's terms left out, to be read from its e-invoice).
    """
    opened = desk.api.post("/cases", json=case_payload(**payload) if body is None else body, headers=desk.member)
    assert opened.status_code == 201, opened.json
    case = opened.json
    for day in (4, 11, 18):
        desk.tick_at(march(day))
    if with_receipt:
        joined = desk.api.post(
            f"/cases/{case['id']}/dispatch-proofs",
            json={"step": NOTICE_STEP, "document_id": document(desk, "notice_proof", RECEIPT, "accuse.pdf")},
            headers=desk.member,
        )
        assert joined.status_code == 200, joined.json
    assert desk.tick_at(march(27))["ended"] == 1
    assert desk.case(case["id"])["status"] == "unpaid"
    return str(case["id"])


def file_from_case(desk: Desk, case_id: str, **body: Any):  # type: ignore[no-untyped-def]  # a test response
    return desk.api.post(f"/cases/{case_id}/report", json=body, headers=desk.member)


def invoice(desk: Desk) -> str:
    """The invoice, uploaded just before the filing (the tick forgets uploads no filing cited)."""
    filename, content = PROOF["invoice"]
    return document(desk, "invoice", content, filename)


def test_an_unpaid_case_is_filed_with_its_steps_and_proofs_from_the_timeline(
    desk: Desk, moderator: dict[str, str]
) -> None:
    case_id = unpaid_case(desk)
    timeline = desk.case(case_id)["timeline"]
    filed = file_from_case(desk, case_id, documents=[invoice(desk)])
    assert filed.status_code == 201, filed.json.get("errors")
    report = filed.json
    assert filed.headers["Location"].endswith(f"/reports/{report['id']}")
    assert report["status"] == "under_review" and report["case_id"] == case_id
    assert (report["invoice_number"], report["outstanding_cents"]) == ("F-2026-0117", 2_400_00)
    # Nothing typed: the reminders' and the notice's days are those Ardoise sent them on.
    assert report["reminder_dates"] == ["2026-03-04", "2026-03-11"]
    assert (report["notice_date"], report["notice_channel"]) == ("2026-03-18", "registered_letter")
    sent = [e["message"]["sha256"] for e in timeline if e["kind"] == "step_sent"]
    proofs = report["ardoise_proofs"]
    assert [p["kind"] for p in proofs] == ["reminder", "reminder", "formal_notice", "dispatch_proof"]
    assert [p["sha256"] for p in proofs[:3]] == sent
    assert proofs[3]["sha256"] == hashlib.sha256(RECEIPT).hexdigest()
    assert proofs[2]["label"] == "Mise en demeure : courrier préparé par Ardoise, posté par le créancier"
    # The notice's receipt joined to the case is one of the report's documents, beside the cited invoice.
    assert sorted(d["kind"] for d in report["documents"]) == ["invoice", "notice_proof"]

    [waiting] = desk.api.get("/reviews", headers=moderator).json["items"]
    assert waiting["report"]["id"] == report["id"]
    assert waiting["report"]["ardoise_proofs"] == proofs
    receipt = next(d for d in waiting["documents"] if d["kind"] == "notice_proof")
    downloaded = desk.api.get(receipt["url"], headers=moderator)
    assert downloaded.status_code == 200 and downloaded.data == RECEIPT


def test_the_moderation_space_shows_the_proofs_produced_by_ardoise(desk: Desk) -> None:
    case_id = unpaid_case(desk)
    report = file_from_case(desk, case_id, documents=[invoice(desk)]).json
    create_moderator(desk.resources, name="Inès Moreau", email=MODERATOR_EMAIL, actor="operator:test")
    browser = desk.api.application.test_client()
    submit(browser, "/moderation/", "/moderation/connexion", email=MODERATOR_EMAIL)
    token = SIGN_IN_LINK.findall(last_mail_to(desk.mailer, MODERATOR_EMAIL))[0]
    submit(browser, f"/moderation/connexion/{token}", "/moderation/connexion/ouvrir", jeton=token)
    page = browser.get(f"/moderation/verifications/{report['id']}")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "Preuves produites par Ardoise" in html
    for proof in report["ardoise_proofs"]:
        assert proof["sha256"] in html


def test_the_filing_rules_apply_a_case_without_the_notice_receipt_lacks_its_proof(desk: Desk) -> None:
    case_id = unpaid_case(desk, with_receipt=False)
    refused = file_from_case(desk, case_id, documents=[invoice(desk)])
    assert refused.status_code == 422
    assert [e["code"] for e in refused.json["errors"]] == ["preuve_mise_en_demeure_manquante"]


def test_the_invoice_is_cited_by_the_creditor_as_for_any_filing(desk: Desk) -> None:
    refused = file_from_case(desk, unpaid_case(desk))
    assert [e["code"] for e in refused.json["errors"]] == ["facture_manquante"]


def test_only_a_case_that_ended_unpaid_is_filed(desk: Desk) -> None:
    case = desk.api.post("/cases", json=case_payload(), headers=desk.member).json
    refused = file_from_case(desk, case["id"], documents=[invoice(desk)])
    assert refused.status_code == 409
    assert refused.json["type"].endswith("/conflit")


def test_someone_elses_case_is_not_found(desk: Desk) -> None:
    assert file_from_case(desk, "case_nope", documents=[invoice(desk)]).status_code == 404


def test_filing_again_answers_the_report_filed_and_a_key_replays_it(desk: Desk) -> None:
    case_id = unpaid_case(desk)
    invoice_id = invoice(desk)
    keyed = {**desk.member, "Idempotency-Key": "case-report-1"}
    first = desk.api.post(f"/cases/{case_id}/report", json={"documents": [invoice_id]}, headers=keyed)
    replay = desk.api.post(f"/cases/{case_id}/report", json={"documents": [invoice_id]}, headers=keyed)
    assert first.status_code == replay.status_code == 201
    assert replay.headers["Idempotent-Replayed"] == "true" and replay.json["id"] == first.json["id"]
    again = file_from_case(desk, case_id, documents=[invoice(desk)])
    assert again.status_code == 409 and again.json["report_id"] == first.json["id"]


def test_a_notice_ardoise_emailed_is_its_own_proof_of_dispatch_flagged_for_the_moderator(
    desk: Desk,
) -> None:
    scenario = desk.api.post(
        "/scenarios",
        json={"name": "Tout par e-mail", "steps": [step_payload(), notice_payload(channel="email")]},
        headers=desk.member,
    ).json
    case = desk.api.post("/cases", json=case_payload(scenario_id=scenario["id"]), headers=desk.member).json
    desk.tick_at(march(6))  # the reminder, five days after the due date
    desk.tick_at(march(16))  # the notice, ten days later, eight days to pay
    assert desk.tick_at(march(25))["ended"] == 1
    filed = file_from_case(desk, case["id"], documents=[invoice(desk)])
    assert filed.status_code == 201, filed.json
    report = filed.json
    assert (report["notice_date"], report["notice_channel"]) == ("2026-03-16", "email_with_receipt")
    assert [p["kind"] for p in report["ardoise_proofs"]] == ["reminder", "formal_notice"]
    assert [d["kind"] for d in report["documents"]] == ["invoice"]
    assert [f["code"] for f in report["flags"]] == ["mise_en_demeure_par_email_sans_accuse"]
