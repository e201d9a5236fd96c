"""Nobody acts as a creditor on its word alone: a moderator approves each member, a report answers only its filer."""

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from flask.testing import FlaskClient

from functions.cli import main
from functions.cli.common import make_resources
from functions.core.clock import FixedClock
from functions.core.mailer import OutboxMailer
from functions.directory.app import create_app
from tests.directory.conftest import VERIFICATION, World, moderator_headers, register, register_pending
from tests.directory.factories import CREDITOR_SIREN, DEBTOR_SIREN, filing_payload
from tests.directory.proof import file_report

AWAITING = "https://ardoise.fr/problemes/membre-en-attente-de-validation"


def test_a_verified_member_awaiting_approval_may_neither_file_nor_share_experiences(
    directory: FlaskClient, mailer: OutboxMailer
) -> None:
    _, bearer = register_pending(directory, mailer)
    headers = {"Authorization": bearer}
    for response in (
        file_report(directory, headers, filing_payload()),
        file_report(directory, headers, {"not": "even a report"}),
        directory.post("/experiences", json={"experiences": []}, headers=headers),
    ):
        assert response.status_code == 403 and response.mimetype == "application/problem+json"
        assert response.json["type"] == AWAITING
        assert "extrait Kbis" in response.json["detail"] and "siège social" in response.json["detail"]
    assert directory.get(f"/companies/{DEBTOR_SIREN}").status_code == 404


def test_a_moderator_approves_a_member_who_is_told_by_email_and_may_then_file(
    directory: FlaskClient, mailer: OutboxMailer
) -> None:
    member_id, bearer = register_pending(directory, mailer)
    moderator = moderator_headers(directory)
    assert (
        directory.post(
            f"/members/{member_id}/approval", json={"decision": "approved"}, headers={"Authorization": bearer}
        ).status_code
        == 403
    )
    approved = directory.post(
        f"/members/{member_id}/approval",
        json={"decision": "approved", "note": "Extrait Kbis du 12 février 2026 reçu."},
        headers=moderator,
    )
    assert approved.status_code == 200 and approved.json["status"] == "active"
    told = mailer.messages()[-1]
    assert told["To"] == "compta@menuiserie-durand.fr" and told["Subject"] == "Ardoise : inscription validée"
    assert "Extrait Kbis du 12 février 2026 reçu." in told.get_content()
    again = directory.post(
        f"/members/{member_id}/approval", json={"decision": "refused", "note": "x"}, headers=moderator
    )
    assert again.status_code == 409
    assert file_report(directory, {"Authorization": bearer}, filing_payload()).status_code == 201


def test_a_refused_member_needs_a_reason_is_told_it_and_its_token_stops_working(
    directory: FlaskClient, mailer: OutboxMailer
) -> None:
    member_id, bearer = register_pending(directory, mailer)
    moderator = moderator_headers(directory)
    no_reason = directory.post(f"/members/{member_id}/approval", json={"decision": "refused"}, headers=moderator)
    assert no_reason.status_code == 400 and no_reason.json["errors"][0]["field"] == "note"
    refused = directory.post(
        f"/members/{member_id}/approval",
        json={"decision": "refused", "note": "Le gérant de la société ne connaît pas cette demande."},
        headers=moderator,
    )
    assert refused.status_code == 200 and refused.json["status"] == "refused"
    assert "ne connaît pas cette demande" in mailer.messages()[-1].get_content()
    assert file_report(directory, {"Authorization": bearer}, filing_payload()).status_code == 401
    assert (
        directory.post("/members/mbr_unknown/approval", json={"decision": "approved"}, headers=moderator).status_code
        == 404
    )


def test_moderators_list_the_members_awaiting_approval_oldest_first(
    directory: FlaskClient, mailer: OutboxMailer, clock: FixedClock
) -> None:
    first, _ = register_pending(directory, mailer)
    clock.advance(minutes=10)
    second, _ = register_pending(directory, mailer, siren="542065479", name="Boulangerie Étoile")
    moderator = moderator_headers(directory)
    assert directory.get("/members/pending").status_code == 401
    listed = directory.get("/members/pending", headers=moderator).json["items"]
    assert [m["id"] for m in listed] == [first, second]
    assert "api_token" not in json.dumps(listed) and "token_digest" not in json.dumps(listed)
    directory.post(f"/members/{first}/approval", json={"decision": "approved"}, headers=moderator)
    assert [m["id"] for m in directory.get("/members/pending", headers=moderator).json["items"]] == [second]


@pytest.fixture
def cli_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("ARDOISE_STORE", f"sqlite:///{tmp_path}/cli.db")
    monkeypatch.setenv("ARDOISE_MAILER", f"outbox:{tmp_path}/outbox")
    return tmp_path


def test_the_operator_lists_pending_members_and_approves_one_from_the_command_line(cli_env: Path) -> None:
    res = make_resources()
    client = create_app(settings=res.settings, store=res.store, mailer=res.mailer).test_client()
    member_id, bearer = register_pending(client, res.mailer)  # type: ignore[arg-type]
    pending = CliRunner().invoke(main, ["members", "list", "--pending", "--json"])
    assert pending.exit_code == 0 and [m["id"] for m in json.loads(pending.stdout)] == [member_id]
    approved = CliRunner().invoke(main, ["members", "approve", member_id, "--note", "Kbis vérifié."])
    assert approved.exit_code == 0 and approved.stdout == ""
    assert f"member {member_id} (" in approved.stderr and approved.stderr.endswith("): active\n")
    assert json.loads(CliRunner().invoke(main, ["members", "list", "--pending", "--json"]).stdout) == []
    assert file_report(client, {"Authorization": bearer}, filing_payload()).status_code == 201
    again = CliRunner().invoke(main, ["members", "approve", member_id])
    assert again.exit_code == 1 and f"member {member_id} is not awaiting approval" in again.stderr
    unknown = CliRunner().invoke(main, ["members", "refuse", "mbr_unknown", "--note", "?"])
    assert unknown.exit_code == 2 and "no member mbr_unknown" in unknown.stderr


def test_another_member_claiming_the_same_siren_cannot_reach_a_report_it_did_not_file(
    world: World, clock: FixedClock
) -> None:
    report_id = file_report(world.api, world.member, filing_payload()).json["id"]
    clock.advance(minutes=10)
    impostor = {"Authorization": register(world.api, world.mailer, siren=CREDITOR_SIREN, email="faux@exemple.fr")}
    assert world.api.get(f"/reports/{report_id}", headers=impostor).status_code == 404
    paid = world.api.post(
        f"/reports/{report_id}/payments", json={"amount_cents": 1_250_00, "paid_on": "2026-03-01"}, headers=impostor
    )
    assert paid.status_code == 404
    assert world.api.post(f"/reports/{report_id}/withdraw", headers=impostor).status_code == 404
    duplicate = file_report(world.api, impostor, filing_payload())
    assert duplicate.status_code == 409 and report_id not in duplicate.get_data(as_text=True)
    mine = world.api.get(f"/reports/{report_id}", headers=world.member)
    assert mine.status_code == 200 and mine.json["status"] == "notified"


def test_the_public_listing_shows_an_opaque_reference_never_the_report_id(world: World) -> None:
    filed = file_report(world.api, world.member, filing_payload()).json
    world.clock.advance(days=15)
    world.tick()
    page = world.api.get(f"/companies/{DEBTOR_SIREN}")
    [listed] = page.json["reports"]
    assert listed["reference"] == filed["public_reference"] and listed["reference"].startswith("pub_")
    assert filed["id"] not in page.get_data(as_text=True)
    other = file_report(world.api, world.member, filing_payload(number="F-2025-0413")).json
    assert other["public_reference"] != filed["public_reference"]


def test_the_verification_email_says_a_moderator_will_check_the_company(
    directory: FlaskClient, mailer: OutboxMailer
) -> None:
    directory.post(
        "/members",
        json={
            "siren": CREDITOR_SIREN,
            "company_name": "Menuiserie Durand",
            "contact_name": "Claire",
            "email": "c@d.fr",
        },
    )
    text = mailer.messages()[-1].get_content()
    assert VERIFICATION.findall(text) and "extrait Kbis" in text
