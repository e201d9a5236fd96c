"""Members, moderators, retention, export and aggregate rebuilds, as the operator runs them."""

import json
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner
from flask.testing import FlaskClient

from functions.cli import main
from functions.cli.common import make_resources
from functions.core.clock import FixedClock
from functions.core.domain.aggregates import AggregateState
from functions.core.domain.companies import Company
from functions.core.domain.members import MemberStatus
from functions.core.domain.visibility import Presence, is_listed
from functions.core.mailer import OutboxMailer
from functions.core.resources import Resources
from functions.core.store.codec import to_data
from functions.core.store.items import Delete, Put
from functions.core.usecases.directory.aggregates import rebuild_aggregates
from functions.core.usecases.directory.listing import rebuild_listing
from functions.core.usecases.directory.members import known_member, register_member, revoke_member, verify_member
from functions.core.usecases.directory.retention import export_company, purge
from functions.directory.app import create_app
from tests.directory.conftest import VERIFICATION, World, register
from tests.directory.factories import CREDITOR_SIREN, DEBTOR_SIREN, filing_payload
from tests.directory.proof import file_report


def test_a_verification_code_serves_once_and_the_token_is_stored_hashed(
    directory: FlaskClient, mailer: OutboxMailer, resources: Resources
) -> None:
    directory.post(
        "/members",
        json={
            "siren": CREDITOR_SIREN,
            "company_name": "Menuiserie Durand",
            "contact_name": "Claire Durand",
            "email": "claire@durand.fr",
        },
    )
    code = VERIFICATION.findall(mailer.messages()[-1].get_content())[0]
    first = directory.post("/members/verify", json={"token": code})
    assert first.status_code == 201
    used = directory.post("/members/verify", json={"token": code})
    assert used.status_code == 404 and used.json["type"].endswith("/lien-inconnu")
    token = first.json["api_token"]
    member = resources.store.members.get_member(first.json["member_id"])
    assert member.status is MemberStatus.PENDING  # verified, not yet approved
    assert first.json["status"] == "pending" and "extrait Kbis" in first.json["detail"]
    assert token not in json.dumps(to_data(member))


def test_an_unverified_code_expires_after_48_hours(
    directory: FlaskClient, mailer: OutboxMailer, clock: FixedClock
) -> None:
    directory.post(
        "/members",
        json={
            "siren": CREDITOR_SIREN,
            "company_name": "Menuiserie Durand",
            "contact_name": "Claire Durand",
            "email": "claire@durand.fr",
        },
    )
    code = VERIFICATION.findall(mailer.messages()[-1].get_content())[0]
    clock.advance(hours=48)
    expired = directory.post("/members/verify", json={"token": code})
    assert expired.status_code == 410 and expired.json["type"].endswith("/lien-expire")


def test_a_well_formed_but_unknown_verification_code_is_404_not_expired(directory: FlaskClient) -> None:
    response = directory.post("/members/verify", json={"token": "ard_ver_" + "A" * 43})
    assert response.status_code == 404
    assert response.json["type"].endswith("/lien-inconnu")
    assert "inconnu" in response.json["detail"]


def test_registration_validates_the_siren(directory: FlaskClient) -> None:
    response = directory.post(
        "/members",
        json={"siren": "123456789", "company_name": "X SARL", "contact_name": "Jean Martin", "email": "j@x.fr"},
    )
    assert response.status_code == 400 and response.json["errors"][0]["code"] == "siren_invalide"


@pytest.fixture
def cli_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("ARDOISE_STORE", f"sqlite:///{tmp_path}/cli.db")
    monkeypatch.setenv("ARDOISE_MAILER", f"outbox:{tmp_path}/outbox")
    return tmp_path


def test_the_cli_revokes_a_member_and_its_token_stops_working(
    cli_env: Path, directory: FlaskClient, resources: Resources
) -> None:

    cli_services = __import__("functions.cli.common", fromlist=["make_services"]).make_resources()
    register_member(
        cli_services,
        siren=CREDITOR_SIREN,
        company_name="Menuiserie Durand",
        contact_name="Claire Durand",
        email="c@durand.fr",
    )
    code = VERIFICATION.findall(cli_services.mailer.messages()[-1].get_content())[0]  # type: ignore[attr-defined]
    credentials = verify_member(cli_services, code)
    assert known_member(cli_services, credentials.token) is not None
    listed = CliRunner().invoke(main, ["members", "list", "--siren", CREDITOR_SIREN, "--json"])
    assert listed.exit_code == 0 and json.loads(listed.stdout)[0]["status"] == "pending"
    assert credentials.token not in listed.output
    result = CliRunner().invoke(main, ["members", "revoke", credentials.member.id])
    assert result.exit_code == 0 and "revoked" in result.stderr
    assert known_member(cli_services, credentials.token) is None
    assert CliRunner().invoke(main, ["members", "revoke", "mbr_unknown"]).exit_code == 2


def test_a_revoked_member_gets_a_401(world: World) -> None:
    member_id = world.resources.store.members.list_members(CREDITOR_SIREN)[0].id
    revoke_member(world.resources, member_id, "operator:test")
    assert file_report(world.api, world.member, filing_payload()).status_code == 401


def test_the_cli_creates_a_moderator_whose_token_opens_the_queue(cli_env: Path) -> None:
    result = CliRunner().invoke(main, ["moderators", "create", "--name", "Inès Moreau", "--email", "ines@ardoise.fr"])
    assert result.exit_code == 0
    token = result.stdout.strip()
    res = make_resources()
    client = create_app(settings=res.settings, store=res.store, mailer=res.mailer).test_client()
    assert client.get("/moderation", headers={"Authorization": f"Bearer {token}"}).status_code == 200
    moderator_id = json.loads(CliRunner().invoke(main, ["moderators", "list", "--json"]).stdout)[0]["id"]
    assert CliRunner().invoke(main, ["moderators", "revoke", moderator_id]).exit_code == 0
    assert client.get("/moderation", headers={"Authorization": f"Bearer {token}"}).status_code == 401


@pytest.mark.parametrize(
    ("name", "email", "complaint"),
    [
        ("", "ines@ardoise.fr", "'--name': '' is not one line of 1 to 200 characters"),
        ("   ", "ines@ardoise.fr", "--name"),
        ("Inès Moreau", "notanemail", "'--email': 'notanemail' is not a usable e-mail address"),
        ("Inès\nMoreau", "ines@ardoise.fr", "is not one line"),
    ],
)
def test_the_cli_refuses_to_create_a_moderator_with_a_blank_name_or_a_bad_email(
    cli_env: Path, name: str, email: str, complaint: str
) -> None:
    result = CliRunner().invoke(main, ["moderators", "create", "--name", name, "--email", email])
    assert result.exit_code == 2
    assert "Invalid value" in result.output and complaint in result.output
    assert "Traceback" not in result.output
    assert json.loads(CliRunner().invoke(main, ["moderators", "list", "--json"]).stdout) == []


def test_the_cli_refuses_a_subscriber_with_a_bad_email(cli_env: Path) -> None:
    args = ["subscribers", "create", "--name", "Banque Rhône", "--email", "pas-une-adresse", "--plan", "pro"]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 2 and "'pas-une-adresse' is not a usable e-mail address" in result.stderr


def test_a_published_report_is_deleted_five_years_after_its_due_date(world: World) -> None:
    report_id = file_report(world.api, world.member, filing_payload()).json["id"]
    world.clock.advance(days=15)
    world.tick()
    assert is_listed(world.resources.store.reports.get_report(report_id))
    # Due 31/12/2025: held until 30/12/2030 included.
    world.clock.now = world.clock.now.replace(year=2030, month=12, day=30)
    assert purge(world.resources)["reports"] == 0
    world.clock.advance(days=1)
    assert purge(world.resources)["reports"] == 1
    assert purge(world.resources)["reports"] == 0
    assert world.api.get(f"/companies/{DEBTOR_SIREN}").status_code == 404  # as if never reported


def test_export_prints_everything_held_about_a_company(world: World) -> None:
    report_id = file_report(world.api, world.member, filing_payload()).json["id"]
    as_debtor = export_company(world.resources, DEBTOR_SIREN)
    assert [r["id"] for r in as_debtor["reports_as_debtor"]] == [report_id]
    assert as_debtor["reports_as_debtor"][0]["description"].startswith("Menuiseries posées")
    assert "report.filed" in [e["action"] for e in as_debtor["audit"]]
    as_creditor = export_company(world.resources, CREDITOR_SIREN)
    assert [r["id"] for r in as_creditor["reports_as_creditor"]] == [report_id]
    assert as_creditor["members"][0]["email"] == "compta@menuiserie-durand.fr"
    assert "token_digest" not in as_creditor["members"][0]
    # The notice's seed would give its private link to whoever also holds the secret key.
    for exported in (as_debtor["reports_as_debtor"][0], as_creditor["reports_as_creditor"][0]):
        assert exported["notice"]["dated_at"] and "seed" not in exported["notice"]
    json.dumps(as_debtor, ensure_ascii=False)


def test_rebuild_finds_and_repairs_a_tampered_aggregate(world: World) -> None:
    file_report(world.api, world.member, filing_payload())
    world.clock.advance(days=15)
    world.tick()
    assert rebuild_aggregates(world.resources, check_only=True) == []
    good = world.resources.store.reports.get_aggregate_state(DEBTOR_SIREN)
    tampered = replace(good, outstanding_cents=1, due_dates={date(2020, 1, 1).isoformat(): 1})
    world.resources.store.reports.write_aggregate_state(DEBTOR_SIREN, tampered, actor="test:tamper")
    [difference] = rebuild_aggregates(world.resources, check_only=True)
    assert (difference.siren, difference.stored, difference.replayed) == (DEBTOR_SIREN, tampered, good)
    assert world.resources.store.reports.get_aggregate_state(DEBTOR_SIREN) == tampered
    rebuild_aggregates(world.resources, check_only=False)
    assert world.resources.store.reports.get_aggregate_state(DEBTOR_SIREN) == good
    assert rebuild_aggregates(world.resources, check_only=True) == []


def test_rebuild_check_exits_with_1_on_a_difference(cli_env: Path) -> None:
    make_resources().store.reports.write_aggregate_state(
        DEBTOR_SIREN, AggregateState(held_report_count=1), actor="test"
    )
    checked = CliRunner().invoke(main, ["rebuild-aggregates", "--check", "--json"])
    assert checked.exit_code == 1 and [d["siren"] for d in json.loads(checked.stdout)] == [DEBTOR_SIREN]
    assert json.loads(checked.stdout)[0]["stored"]["held_report_count"] == 1
    repaired = CliRunner().invoke(main, ["rebuild-aggregates"])
    assert repaired.exit_code == 0 and repaired.stdout.split()[:4] == ["siren", "stored", "audit_log", DEBTOR_SIREN]
    assert "aggregates repaired: 1" in repaired.stderr
    assert CliRunner().invoke(main, ["rebuild-aggregates", "--check"]).exit_code == 0
    purged = CliRunner().invoke(main, ["purge", "--json"])
    assert json.loads(purged.stdout) == {"reports": 0, "cases": 0, "expired_records": 0}
    exported = CliRunner().invoke(main, ["export", DEBTOR_SIREN])
    assert json.loads(exported.stdout)["siren"] == DEBTOR_SIREN
    assert CliRunner().invoke(main, ["export", "123"]).exit_code == 2


def test_registering_twice_five_minutes_apart_makes_two_members_each_verified_separately(
    directory: FlaskClient, mailer: OutboxMailer, clock: FixedClock
) -> None:
    first = register(directory, mailer)
    clock.advance(minutes=5)
    second = register(directory, mailer)
    assert first != second


def test_rebuild_listing_restores_what_the_public_sees_in_a_store_written_before_it_was_kept_apart(
    world: World,
) -> None:
    file_report(world.api, world.member, filing_payload())
    world.clock.advance(days=15)
    world.tick()
    assert rebuild_listing(world.resources, check_only=True) == []
    backend = world.resources.store.backend
    # As an older version wrote it: no public projections, a profile without its presence.
    listing_items = backend.query(f"DEBTOR#{DEBTOR_SIREN}", sk_prefix="LISTING#").items
    profile = backend.get(f"COMPANY#{DEBTOR_SIREN}", "PROFILE")
    assert profile is not None and len(listing_items) == 1
    identity = {k: v for k, v in profile.data.items() if k not in ("listed", "signatory")}
    backend.transact(
        [Delete(i.pk, i.sk, unconditional=True) for i in listing_items]
        + [Put(profile.bumped(identity), profile.version)]
    )
    assert world.api.get(f"/companies/{DEBTOR_SIREN}").status_code == 404
    [difference] = rebuild_listing(world.resources, check_only=True)
    assert (difference.siren, difference.what) == (DEBTOR_SIREN, ("invoices", "presence"))
    rebuild_listing(world.resources, check_only=False)
    page = world.api.get(f"/companies/{DEBTOR_SIREN}").json
    assert page["listed"] is True and page["outstanding_cents"] == 1_250_00
    assert [h["siren"] for h in world.api.get("/companies", query_string={"q": "5521"}).json["items"]] == [DEBTOR_SIREN]
    assert rebuild_listing(world.resources, check_only=True) == []


def test_rebuild_listing_check_exits_with_1_on_a_difference(cli_env: Path) -> None:
    make_resources().store.companies.write_presence(Company(DEBTOR_SIREN, "SGE"), Presence(listed=True), actor="test")
    checked = CliRunner().invoke(main, ["rebuild-listing", "--check", "--json"])
    assert checked.exit_code == 1 and json.loads(checked.stdout) == [{"siren": DEBTOR_SIREN, "differs": ["presence"]}]
    assert "public listings differing: 1" in checked.stderr
    repaired = CliRunner().invoke(main, ["rebuild-listing"])
    assert repaired.exit_code == 0 and "repaired: 1" in repaired.stderr
    assert repaired.stdout.split() == ["siren", "differs", DEBTOR_SIREN, "presence"]
    assert CliRunner().invoke(main, ["rebuild-listing", "--check"]).exit_code == 0
