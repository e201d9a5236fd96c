"""A moderator checks a report's file before the debtor hears of it; a refused report is never seen."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from functions.cli import main
from functions.cli.common import make_resources
from functions.core.usecases.directory.members import authenticate_moderator
from functions.directory.app import create_app
from tests.directory.conftest import World, register, reply_token, subjects_to
from tests.directory.factories import DEBTOR_SIREN, filing_payload
from tests.directory.proof import PROOF, file_for_review
from tests.store_state import stored_state

DEBTOR_MAIL = "comptabilite@sge.fr"
CREDITOR_MAIL = "compta@menuiserie-durand.fr"
REASON = "La preuve d'envoi jointe ne porte ni date ni numéro de recommandé : joignez l'avis de réception."


def review(world: World, report_id: str, decision: str, reason: str = "", **headers: str) -> object:
    return world.api.post(
        f"/reports/{report_id}/review",
        json={"decision": decision, "reason": reason},
        headers={**world.moderator, **headers},
    )


def moderator_id(world: World) -> str:
    """The id of the moderator deciding in these tests (``world.moderator``)."""
    return authenticate_moderator(world.resources, world.moderator["Authorization"].split()[1]).id


def test_a_filed_report_waits_unseen_for_a_moderator_and_the_tick_never_tells_the_debtor(world: World) -> None:
    filed = file_for_review(world.api, world.member, filing_payload())
    assert filed.status_code == 201 and filed.json["status"] == "under_review" and filed.json["review"] is None
    world.clock.advance(days=40)  # far past any grace period
    world.tick()
    assert world.api.get(f"/reports/{filed.json['id']}", headers=world.member).json["status"] == "under_review"
    assert subjects_to(world.mailer, DEBTOR_MAIL) == []
    assert world.api.get(f"/companies/{DEBTOR_SIREN}").status_code == 404
    assert not any(key[0].startswith("REPLYLINK#") for key in stored_state(world.resources.store.backend))


def test_the_queue_shows_the_oldest_first_with_its_age_documents_registry_identity_and_rules(
    world: World,
) -> None:
    first = file_for_review(world.api, world.member, filing_payload()).json["id"]
    world.clock.advance(hours=5)
    second = file_for_review(world.api, world.member, filing_payload(number="F-2025-0413")).json["id"]
    world.clock.advance(hours=1)
    queue = world.api.get("/reviews", headers=world.moderator)
    assert queue.status_code == 200
    items = queue.json["items"]
    assert [(i["report"]["id"], i["age_hours"]) for i in items] == [(first, 6), (second, 1)]
    item = items[0]
    assert [d["kind"] for d in item["documents"]] == ["invoice", "formal_notice", "notice_proof"]
    assert item["registry"] == {
        "known": False, "name": None, "address": None, "active": None, "sole_trader": None, "proceeding": None
    }  # fmt: skip
    assert any("mise en demeure" in rule for rule in item["rules_checked"])
    invoice = item["documents"][0]
    download = world.api.get(invoice["url"], headers=world.moderator)
    assert download.status_code == 200 and download.data == PROOF["invoice"][1]
    assert download.headers["X-Content-SHA256"] == invoice["sha256"] == hashlib.sha256(download.data).hexdigest()
    assert world.api.get("/reviews", headers=world.member).status_code == 403
    # Its creditor downloads its own documents too; another member finds nothing.
    assert world.api.get(invoice["url"], headers=world.member).status_code == 200


def test_approval_sends_the_notice_listing_the_documents_and_starts_the_grace_period_then(
    world: World,
) -> None:
    report_id = file_for_review(world.api, world.member, filing_payload()).json["id"]
    world.clock.advance(days=3)
    approved = review(world, report_id, "approved")
    assert approved.status_code == 200 and approved.json["status"] == "notified"  # type: ignore[attr-defined]
    assert approved.json["publish_after"] == "2026-03-20T09:00:00Z"  # type: ignore[attr-defined]
    [notice] = [m for m in world.mailer.messages() if m["To"] == DEBTOR_MAIL]
    text = notice.get_body(("plain",)).get_content()
    assert "vérifiées par la modération d'Ardoise le 5 mars 2026" in text
    assert "Facture : facture-F-2025-0412.pdf" in text and "Preuve d'envoi de la mise en demeure" in text
    token = reply_token(world.mailer)
    page = world.api.get(f"/replies/{token}").json
    assert page["verified_on"] == "2026-03-05"
    [invoice, *_] = page["documents"]
    got = world.api.get(invoice["url"])
    assert got.status_code == 200 and got.data == PROOF["invoice"][1]
    assert got.headers["X-Content-SHA256"] == invoice["sha256"]
    html = world.api.get(f"/replies/{token}", headers={"Accept": "text/html"}).get_data(as_text=True)
    assert "Pièces fournies par le créancier" in html and f'href="{invoice["url"]}"' in html
    events = world.resources.store.audit.list_events(f"company:{DEBTOR_SIREN}")
    [checked] = [e for e in events if e.action == "report.approved"]
    assert checked.actor == f"moderator:{moderator_id(world)}"
    world.clock.advance(days=15)
    world.tick()
    [listed] = world.api.get(f"/companies/{DEBTOR_SIREN}").json["reports"]
    assert listed["verified_on"] == "2026-03-05"


def test_a_refused_report_tells_its_creditor_why_never_the_debtor_and_frees_the_invoice(world: World) -> None:
    report_id = file_for_review(world.api, world.member, filing_payload()).json["id"]
    without_reason = review(world, report_id, "refused")
    assert without_reason.status_code == 400  # type: ignore[attr-defined]
    refused = review(world, report_id, "refused", REASON)
    assert refused.json["status"] == "refused" and refused.json["review"]["reason"] == REASON  # type: ignore[attr-defined]
    assert subjects_to(world.mailer, CREDITOR_MAIL)[-1] == (
        "Facture F-2025-0412 (Société Générale d'Équipement) : signalement refusé"
    )
    assert REASON in world.mailer.messages()[-1].get_content()
    world.clock.advance(days=30)
    world.tick()
    assert subjects_to(world.mailer, DEBTOR_MAIL) == []
    assert world.api.get(f"/companies/{DEBTOR_SIREN}").status_code == 404
    again = review(world, report_id, "approved")
    assert again.status_code == 409  # type: ignore[attr-defined]
    events = world.resources.store.audit.list_events(f"company:{DEBTOR_SIREN}")
    [decision] = [e for e in events if e.action == "report.refused"]
    assert decision.actor == f"moderator:{moderator_id(world)}" and REASON not in str(decision.after)
    # The invoice may be filed again with better proof.
    assert file_for_review(world.api, world.member, filing_payload()).status_code == 201


def test_a_decision_sent_again_under_its_key_is_replayed_and_applied_once(world: World) -> None:
    report_id = file_for_review(world.api, world.member, filing_payload()).json["id"]
    first = review(world, report_id, "approved", **{"Idempotency-Key": "rev-1"})
    again = review(world, report_id, "approved", **{"Idempotency-Key": "rev-1"})
    assert first.status_code == again.status_code == 200  # type: ignore[attr-defined]
    assert again.headers["Idempotent-Replayed"] == "true"  # type: ignore[attr-defined]
    assert len(subjects_to(world.mailer, DEBTOR_MAIL)) == 1


def test_a_document_changed_after_filing_is_refused_as_proof(world: World, tmp_path: Path) -> None:
    filed = file_for_review(world.api, world.member, filing_payload()).json
    invoice = filed["documents"][0]
    [stored] = (tmp_path / "var" / "evidence").rglob(invoice["id"])
    stored.write_bytes(b"%PDF-1.4 facture retouchee")
    url = f"/reports/{filed['id']}/documents/{invoice['id']}"
    altered = world.api.get(url, headers=world.moderator)
    assert altered.status_code == 409 and altered.json["sha256_cited"] == invoice["sha256"]
    assert world.api.get(f"/reports/{filed['id']}/documents/doc_unknown", headers=world.moderator).status_code == 404


def test_the_operator_lists_reports_to_check_and_decides_from_the_command_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ARDOISE_STORE", f"sqlite:///{tmp_path}/cli.db")
    monkeypatch.setenv("ARDOISE_MAILER", f"outbox:{tmp_path}/outbox")
    monkeypatch.setenv("ARDOISE_EVIDENCE", f"folder:{tmp_path}/evidence")
    res = make_resources()
    client = create_app(settings=res.settings, store=res.store, mailer=res.mailer).test_client()
    member = {"Authorization": register(client, res.mailer)}  # type: ignore[arg-type]
    first = file_for_review(client, member, filing_payload()).json["id"]
    second = file_for_review(client, member, filing_payload(number="F-2025-0413")).json["id"]
    listed = CliRunner().invoke(main, ["reviews", "list", "--json"])
    assert listed.exit_code == 0 and [r["id"] for r in json.loads(listed.stdout)] == [first, second]
    assert json.loads(listed.stdout)[0]["documents"].startswith("invoice:")
    approved = CliRunner().invoke(main, ["reviews", "approve", first])
    assert approved.exit_code == 0 and approved.stderr.endswith(": notified\n")
    refused = CliRunner().invoke(main, ["reviews", "refuse", second, "--reason", "Mise en demeure illisible."])
    assert refused.exit_code == 0 and refused.stderr.endswith(": refused\n")
    again = CliRunner().invoke(main, ["reviews", "approve", second])
    assert again.exit_code == 1 and "is not awaiting a check" in again.stderr
    unknown = CliRunner().invoke(main, ["reviews", "approve", "rpt_unknown"])
    assert unknown.exit_code == 2 and "no report rpt_unknown" in unknown.stderr
    events = res.store.audit.list_events(f"company:{DEBTOR_SIREN}")
    assert {e.actor for e in events if e.action in {"report.approved", "report.refused"}} == {"operator:cli"}


def test_a_dispute_status_of_its_e_invoice_before_the_check_is_shown_to_the_moderator_who_decides(
    world: World,
) -> None:
    report_id = file_for_review(world.api, world.member, filing_payload()).json["id"]
    sent = world.api.post(
        f"/reports/{report_id}/invoice-status", json={"code": 207, "date": "2026-03-01"}, headers=world.member
    )
    assert sent.status_code == 200, sent.json
    assert (sent.json["effect"], sent.json["report"]["status"]) == ("recorded", "under_review")  # nobody told yet
    [item] = world.api.get("/reviews", headers=world.moderator).json["items"]
    assert [s["code"] for s in item["report"]["invoice_statuses"]] == [207]
    refused = review(world, report_id, "refused", "La facture est en litige chez le débiteur (statut 207).")
    assert refused.json["status"] == "refused"  # type: ignore[attr-defined]
    assert subjects_to(world.mailer, DEBTOR_MAIL) == []
