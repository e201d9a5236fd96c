"""A report's whole life through the HTTP API, on both stores, with a fixed clock."""

import json
from pathlib import Path
from typing import Any

from flask.testing import FlaskClient

from functions.core.clock import FixedClock
from functions.core.mailer import OutboxMailer
from functions.core.resources import Resources
from functions.local.tick import run_local_tick
from tests.directory.conftest import World, register, reply_token, subjects_to
from tests.directory.factories import CREDITOR_NAME, CREDITOR_SIREN, DEBTOR_SIREN, filing_payload
from tests.directory.proof import file_for_review, file_report

CREDITOR_MAIL = "compta@menuiserie-durand.fr"
DEBTOR_MAIL = "comptabilite@sge.fr"
REPLY = "Nous contestons la qualité des menuiseries posées ; un expert a été mandaté."


def listing(directory: FlaskClient, siren: str = DEBTOR_SIREN) -> dict[str, Any]:
    response = directory.get(f"/companies/{siren}")
    if response.status_code == 404:  # never listed: Ardoise says it knows nothing of it
        return {"listed": False, "reports": [], "outstanding_cents": 0}
    assert response.status_code == 200
    # Never the creditor's identity or contact data on the public side.
    for secret in (CREDITOR_SIREN, CREDITOR_NAME, CREDITOR_MAIL, "F-2025-0412"):
        assert secret not in response.get_data(as_text=True)
    return response.json  # type: ignore[no-any-return]


def upload(directory: FlaskClient, token: str, content: bytes, filename: str = "releve.pdf") -> str:
    started = directory.post(
        f"/replies/{token}/evidence",
        json={"filename": filename, "content_type": "application/pdf", "size": len(content)},
    )
    assert started.status_code == 201, started.json
    assert started.json["method"] == "PUT"
    path = started.json["url"].split("/api/directory", 1)[1]
    assert directory.put(path, data=content, content_type="application/pdf").status_code == 204
    return str(started.json["evidence_id"])


def test_a_report_is_notified_published_replied_to_paid_disputed_upheld_settled_and_deleted(
    world: World, tmp_path: Path, monkeypatch: Any
) -> None:
    directory, member, moderator, mailer, clock, resources = (
        world.api,
        world.member,
        world.moderator,
        world.mailer,
        world.clock,
        world.resources,
    )
    monkeypatch.chdir(tmp_path)  # evidence goes to var/evidence under the test's folder
    filed = file_for_review(directory, member, filing_payload())
    assert filed.status_code == 201 and filed.json["status"] == "under_review"
    report_id = filed.json["id"]
    assert filed.headers["Location"].endswith(f"/reports/{report_id}")
    assert subjects_to(mailer, "comptabilite@sge.fr") == []  # nobody told before a moderator checked the file
    clock.advance(hours=2)
    approved = directory.post(f"/reports/{report_id}/review", json={"decision": "approved"}, headers=moderator)
    assert approved.status_code == 200 and approved.json["status"] == "notified"
    assert approved.json["publish_after"] == "2026-03-17T11:00:00Z"  # 15 days from the approval

    # Grace period: nothing public, even one minute before it ends.
    assert listing(directory)["listed"] is False
    clock.advance(days=15, minutes=-1)
    run_local_tick(resources)
    assert listing(directory)["reports"] == []
    clock.advance(minutes=1)
    assert run_local_tick(resources)["directory_publication"] == 1
    page = listing(directory)
    assert page["listed"] is True and page["open_published_count"] == 1
    assert page["reports"][0]["outstanding_cents"] == 1_250_00
    assert page["reports"][0]["due_date"] == "2025-12-31"
    assert page["reports"][0]["days_overdue"] == 76
    assert (
        subjects_to(mailer, CREDITOR_MAIL)[-1]
        == "Facture F-2025-0412 (Société Générale d'Équipement) : signalement publié"
    )
    assert subjects_to(mailer, DEBTOR_MAIL)[-1] == "Signalement publié sur l'annuaire Ardoise"

    # The debtor replies: the reply shows next to the report.
    token = reply_token(mailer)
    assert directory.post(f"/replies/{token}", json={"action": "reply", "text": REPLY}).status_code == 200
    assert listing(directory)["reports"][0]["debtor_reply"] == REPLY

    # A partial payment lowers what is published.
    paid = directory.post(
        f"/reports/{report_id}/payments", json={"amount_cents": 500_00, "paid_on": "2026-03-16"}, headers=member
    )
    assert (paid.json["status"], paid.json["outstanding_cents"]) == ("published", 750_00)
    assert listing(directory)["outstanding_cents"] == 750_00

    # The debtor disputes with evidence: off the listing at once, the creditor is told.
    evidence = upload(directory, token, b"%PDF-1.4 releve bancaire")
    disputed = directory.post(
        f"/replies/{token}",
        json={
            "action": "dispute",
            "reason": "wrong_amount",
            "text": "Un avoir de 300 EUR n'a pas été déduit.",
            "evidence_ids": [evidence],
        },
    )
    assert disputed.status_code == 200 and disputed.json["status"] == "disputed"
    assert listing(directory)["listed"] is False
    assert subjects_to(mailer, CREDITOR_MAIL)[-1] == (
        "Facture F-2025-0412 (Société Générale d'Équipement) : contestée par le débiteur"
    )
    assert (
        directory.post(
            f"/replies/{token}", json={"action": "dispute", "reason": "other", "text": "Encore une fois."}
        ).status_code
        == 409
    )

    # The moderator sees it in the queue, reads the evidence, upholds with a note.
    assert directory.get("/moderation", headers=member).status_code == 403
    queue = directory.get("/moderation", headers=moderator).json
    assert [item["id"] for item in queue["items"]] == [report_id]
    downloaded = directory.get(f"/reports/{report_id}/evidence/{evidence}", headers=moderator)
    assert downloaded.data == b"%PDF-1.4 releve bancaire"
    decided = directory.post(
        f"/reports/{report_id}/moderation",
        json={"decision": "upheld", "note": "L'avoir porte sur une autre facture."},
        headers=moderator,
    )
    assert decided.status_code == 200 and decided.json["status"] == "published"
    assert directory.get("/moderation", headers=moderator).json["items"] == []
    for to in (CREDITOR_MAIL, DEBTOR_MAIL):
        decision = [m for m in mailer.messages() if m["To"] == to][-1]
        assert "L'avoir porte sur une autre facture." in decision.get_body(("plain",)).get_content()
    page = listing(directory)
    assert page["listed"] is True and page["reports"][0]["debtor_reply"] == REPLY

    # Full payment: settled, off the listing at once, kept for the history.
    settled = directory.post(
        f"/reports/{report_id}/payments", json={"amount_cents": 750_00, "paid_on": "2026-03-17"}, headers=member
    )
    assert (settled.json["status"], settled.json["outstanding_cents"], settled.json["settled_on"]) == (
        "settled",
        0,
        "2026-03-17",
    )
    assert listing(directory)["listed"] is False
    assert resources.store.reports.get_aggregate(DEBTOR_SIREN).outstanding_cents == 0
    assert [r.id for r in resources.store.reports.list_for_debtor(DEBTOR_SIREN)] == [report_id]
    assert subjects_to(mailer, DEBTOR_MAIL)[-1] == "Signalement clos : règlement enregistré"

    # Deleted 24 months after settlement, with its evidence; the audit log keeps no free text.
    clock.advance(days=730)
    run_local_tick(resources)
    assert directory.get(f"/reports/{report_id}", headers=member).status_code == 200
    clock.advance(days=2)
    assert run_local_tick(resources)["directory_retention"]["reports"] == 1
    assert directory.get(f"/reports/{report_id}", headers=member).status_code == 404
    assert not list((tmp_path / "var" / "evidence").rglob("ev_*"))
    assert resources.store.reports.get_aggregate(DEBTOR_SIREN) is None
    events = resources.store.audit.list_events(f"company:{DEBTOR_SIREN}")
    assert [e.action for e in events if e.entity == f"report:{report_id}"][-1] == "report.deleted"
    audit_text = json.dumps([e.__dict__ for e in events], ensure_ascii=False)
    for free_text in (REPLY, "avoir", "Menuiseries posées", "autre facture"):
        assert free_text not in audit_text


def test_a_dispute_in_the_grace_period_freezes_publication_until_a_moderator_rejects_it(world: World) -> None:
    directory, member, moderator, mailer, clock, resources = (
        world.api,
        world.member,
        world.moderator,
        world.mailer,
        world.clock,
        world.resources,
    )
    report_id = file_report(directory, member, filing_payload()).json["id"]
    token = reply_token(mailer)
    clock.advance(days=3)
    response = directory.post(
        f"/replies/{token}",
        json={"action": "dispute", "reason": "not_owed", "text": "Commande annulée par écrit le 2 décembre."},
    )
    assert response.json["status"] == "disputed"
    clock.advance(days=30)
    run_local_tick(resources)
    assert listing(directory)["listed"] is False
    rejected = directory.post(
        f"/reports/{report_id}/moderation",
        json={"decision": "rejected", "note": "Annulation prouvée."},
        headers=moderator,
    )
    assert rejected.json["status"] == "rejected"
    run_local_tick(resources)
    assert listing(directory)["listed"] is False
    assert directory.get(f"/replies/{token}").json["actions"] == []
    assert "Décision de modération sur votre contestation" in subjects_to(mailer, DEBTOR_MAIL)


def test_an_upheld_dispute_in_the_grace_period_is_published_when_the_grace_period_ends_without_its_text(
    world: World,
) -> None:
    directory, member, moderator, mailer, clock, resources = (
        world.api,
        world.member,
        world.moderator,
        world.mailer,
        world.clock,
        world.resources,
    )
    report_id = file_report(directory, member, filing_payload()).json["id"]
    directory.post(
        f"/replies/{reply_token(mailer)}",
        json={"action": "dispute", "reason": "other", "text": "Nous ne comprenons pas."},
    )
    clock.advance(days=5)
    upheld = directory.post(
        f"/reports/{report_id}/moderation",
        json={"decision": "upheld", "note": "Contestation non étayée."},
        headers=moderator,
    )
    assert upheld.json["status"] == "notified"
    clock.advance(days=9)
    run_local_tick(resources)
    assert listing(directory)["listed"] is False
    clock.advance(days=1)
    run_local_tick(resources)
    published = listing(directory)
    assert published["listed"] is True and published["reports"][0]["debtor_reply"] == ""  # written for the moderator


def test_a_debtor_declaring_payment_with_proof_freezes_publication_and_the_creditor_settles(
    world: World, tmp_path: Path, monkeypatch: Any
) -> None:
    directory, member, mailer, clock, resources = world.api, world.member, world.mailer, world.clock, world.resources
    monkeypatch.chdir(tmp_path)
    report_id = file_report(directory, member, filing_payload()).json["id"]
    token = reply_token(mailer)
    without_proof = directory.post(f"/replies/{token}", json={"action": "declare_payment", "paid_on": "2026-03-01"})
    assert without_proof.status_code == 422 and without_proof.json["errors"][0]["code"] == "justificatif_manquant"
    proof = upload(directory, token, b"%PDF-1.4 virement 1250 EUR")
    declared = directory.post(
        f"/replies/{token}",
        json={"action": "declare_payment", "paid_on": "2026-03-01", "amount_cents": 1_250_00, "evidence_ids": [proof]},
    )
    assert declared.json["status"] == "disputed" and declared.json["dispute"]["kind"] == "payment_declared"
    body = [m for m in mailer.messages() if m["To"] == CREDITOR_MAIL][-1].get_body(("plain",)).get_content()
    assert "déclare avoir payé le 01/03/2026" in body
    clock.advance(days=20)
    run_local_tick(resources)
    assert listing(directory)["listed"] is False
    settled = directory.post(
        f"/reports/{report_id}/payments", json={"amount_cents": 1_250_00, "paid_on": "2026-03-01"}, headers=member
    )
    assert settled.json["status"] == "settled"


def test_the_creditor_may_withdraw_a_published_report_and_nothing_else_happens_after(
    directory: FlaskClient, member: dict[str, str], mailer: OutboxMailer, clock: FixedClock, resources: Resources
) -> None:
    report_id = file_report(directory, member, filing_payload()).json["id"]
    clock.advance(days=16)
    run_local_tick(resources)
    assert listing(directory)["listed"] is True
    withdrawn = directory.post(f"/reports/{report_id}/withdraw", headers=member)
    assert withdrawn.json["status"] == "withdrawn"
    assert listing(directory)["listed"] is False
    assert subjects_to(mailer, DEBTOR_MAIL)[-1] == "Signalement clos : retiré par le créancier"
    assert directory.post(f"/reports/{report_id}/withdraw", headers=member).status_code == 409
    late = directory.post(
        f"/reports/{report_id}/payments", json={"amount_cents": 100_00, "paid_on": "2026-03-10"}, headers=member
    )
    assert late.status_code == 409


def test_another_member_can_neither_see_nor_change_a_report(
    directory: FlaskClient, member: dict[str, str], mailer: OutboxMailer
) -> None:
    report_id = file_report(directory, member, filing_payload()).json["id"]
    other = {"Authorization": register(directory, mailer, siren="542065479", name="Boulangerie Étoile")}
    assert directory.get(f"/reports/{report_id}", headers=other).status_code == 404
    assert directory.post(f"/reports/{report_id}/withdraw", headers=other).status_code == 404
    paid = directory.post(
        f"/reports/{report_id}/payments", json={"amount_cents": 100_00, "paid_on": "2026-03-01"}, headers=other
    )
    assert paid.status_code == 404
    assert directory.get(f"/reports/{report_id}", headers=member).status_code == 200
