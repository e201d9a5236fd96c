"""Declaring a payment stays open after an upheld contest; a small remainder takes a report off the listing."""

from pathlib import Path
from typing import Any

import pytest

from tests.directory.conftest import World, reply_token, subjects_to
from tests.directory.factories import DEBTOR_SIREN, filing_payload
from tests.directory.proof import file_report

CREDITOR_MAIL = "compta@menuiserie-durand.fr"
DEBTOR_MAIL = "comptabilite@sge.fr"


@pytest.fixture
def published_report(world: World, tmp_path: Path, monkeypatch: Any) -> str:
    monkeypatch.chdir(tmp_path)
    report_id = file_report(world.api, world.member, filing_payload()).json["id"]
    world.clock.advance(days=15)
    world.tick()
    assert listed(world)
    return str(report_id)


def listed(world: World) -> bool:
    response = world.api.get(f"/companies/{DEBTOR_SIREN}")
    return response.status_code == 200 and bool(response.json["listed"])


def proof(world: World, token: str, content: bytes = b"%PDF-1.4 virement 1 250 EUR") -> str:
    started = world.api.post(
        f"/replies/{token}/evidence",
        json={"filename": "virement.pdf", "content_type": "application/pdf", "size": len(content)},
    )
    assert started.status_code == 201, started.json
    world.api.put(started.json["url"].split("/api/directory", 1)[1], data=content, content_type="application/pdf")
    return str(started.json["evidence_id"])


def test_after_an_upheld_contest_the_debtor_can_still_declare_a_payment(world: World, published_report: str) -> None:
    token = reply_token(world.mailer)
    world.api.post(
        f"/replies/{token}", json={"action": "dispute", "reason": "not_owed", "text": "Commande jamais passée."}
    )
    upheld = world.api.post(
        f"/reports/{published_report}/moderation",
        json={"decision": "upheld", "note": "Bon de commande signé."},
        headers=world.moderator,
    )
    assert upheld.json["status"] == "published" and listed(world)
    token = reply_token(world.mailer)  # the decision e-mail carries a fresh link
    assert world.api.get(f"/replies/{token}").json["actions"] == ["declare_payment", "reply"]
    again = world.api.post(f"/replies/{token}", json={"action": "dispute", "reason": "other", "text": "Encore non."})
    assert again.status_code == 409
    evidence = [proof(world, token)]
    future = world.api.post(
        f"/replies/{token}", json={"action": "declare_payment", "paid_on": "2026-03-18", "evidence_ids": evidence}
    )
    assert future.status_code == 422 and future.json["errors"][0]["code"] == "date_de_paiement_invalide"
    declared = world.api.post(
        f"/replies/{token}", json={"action": "declare_payment", "paid_on": "2026-03-16", "evidence_ids": evidence}
    )
    assert declared.status_code == 200 and declared.json["status"] == "disputed"
    assert not listed(world)
    assert subjects_to(world.mailer, CREDITOR_MAIL)[-1] == (
        "Facture F-2025-0412 (Société Générale d'Équipement) : paiement déclaré par le débiteur"
    )
    report = world.api.get(f"/reports/{published_report}", headers=world.member).json
    assert report["dispute"]["kind"] == "payment_declared"
    assert [d["dispute"]["kind"] for d in report["earlier_disputes"]] == ["dispute"]
    settled = world.api.post(
        f"/reports/{published_report}/payments",
        json={"amount_cents": 1_250_00, "paid_on": "2026-03-16"},
        headers=world.member,
    )
    assert settled.json["status"] == "settled"


def test_a_payment_declared_during_a_pending_contest_joins_it_and_the_creditor_is_told(
    world: World, published_report: str
) -> None:
    token = reply_token(world.mailer)
    world.api.post(
        f"/replies/{token}", json={"action": "dispute", "reason": "wrong_amount", "text": "Avoir non déduit."}
    )
    declared = world.api.post(
        f"/replies/{token}",
        json={
            "action": "declare_payment",
            "paid_on": "2026-03-16",
            "amount_cents": 950_00,
            "text": "Solde réglé, avoir déduit.",
            "evidence_ids": [proof(world, token)],
        },
    )
    assert declared.status_code == 200
    dispute = declared.json["dispute"]
    assert (dispute["kind"], dispute["paid_on"], dispute["declared_amount_cents"]) == ("dispute", "2026-03-16", 950_00)
    assert dispute["payment_note"] == "Solde réglé, avoir déduit."
    creditor = [m for m in world.mailer.messages() if m["To"] == CREDITOR_MAIL][-1]
    assert "déclare avoir payé le 16/03/2026" in creditor.get_body(("plain",)).get_content()
    assert [r["id"] for r in world.api.get("/moderation", headers=world.moderator).json["items"]] == [published_report]


def test_a_partial_payment_leaving_less_than_the_minimum_takes_the_report_off_the_listing(
    world: World, published_report: str
) -> None:
    paid = world.api.post(
        f"/reports/{published_report}/payments",
        json={"amount_cents": 1_150_01, "paid_on": "2026-03-16"},
        headers=world.member,
    )
    assert (paid.json["status"], paid.json["outstanding_cents"]) == ("unlisted", 99_99)
    assert not listed(world)
    assert world.resources.store.reports.get_aggregate(DEBTOR_SIREN).open_published_count == 0
    assert subjects_to(world.mailer, DEBTOR_MAIL)[-1] == "Signalement retiré de l'annuaire Ardoise"
    assert world.api.get(f"/replies/{reply_token(world.mailer)}").json["actions"] == []
    world.clock.advance(days=20)
    world.tick()
    assert not listed(world)
    rest = world.api.post(
        f"/reports/{published_report}/payments",
        json={"amount_cents": 99_99, "paid_on": "2026-03-30"},
        headers=world.member,
    )
    assert rest.json["status"] == "settled"


def test_a_partial_payment_leaving_the_minimum_or_more_keeps_the_report_listed(
    world: World, published_report: str
) -> None:
    paid = world.api.post(
        f"/reports/{published_report}/payments",
        json={"amount_cents": 1_150_00, "paid_on": "2026-03-16"},
        headers=world.member,
    )
    assert (paid.json["status"], paid.json["outstanding_cents"]) == ("published", 100_00)
    assert listed(world)


@pytest.mark.parametrize("amount_cents", [0, 1_250_01])
def test_a_declared_amount_must_be_positive_and_within_the_invoice(
    world: World, published_report: str, amount_cents: int
) -> None:
    token = reply_token(world.mailer)
    declared = world.api.post(
        f"/replies/{token}",
        json={
            "action": "declare_payment",
            "paid_on": "2026-03-10",
            "amount_cents": amount_cents,
            "evidence_ids": [proof(world, token)],
        },
    )
    assert declared.status_code == 422 and declared.json["errors"][0]["code"] == "montant_declare_invalide"
    assert world.api.get(f"/replies/{token}").json["status"] == "published"
