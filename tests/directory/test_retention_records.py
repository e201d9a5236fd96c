"""Retention on both stores: unverified members and expired records go at the tick; export shows everything held."""

import json

from flask.testing import FlaskClient

from functions.core.clock import FixedClock
from functions.core.resources import Resources
from functions.core.usecases.directory.retention import export_company
from functions.local.tick import run_local_tick
from tests.charter.factories import make_signature
from tests.directory.conftest import World
from tests.directory.factories import CREDITOR_SIREN, DEBTOR_SIREN, filing_payload
from tests.directory.proof import file_report
from tests.reports.factories import make_experience


def test_an_unverified_member_and_its_code_are_deleted_by_the_tick_after_48_hours(
    directory: FlaskClient, resources: Resources, clock: FixedClock
) -> None:
    directory.post(
        "/members",
        json={
            "siren": CREDITOR_SIREN,
            "company_name": "Menuiserie Durand SARL",
            "contact_name": "Claire Durand",
            "email": "compta@menuiserie-durand.fr",
        },
    )
    [member] = resources.store.members.list_members(CREDITOR_SIREN)
    clock.advance(hours=47)
    assert run_local_tick(resources)["directory_retention"]["expired_records"] == 2  # the two registration cooldowns
    assert resources.store.members.get_member(member.id) is not None
    clock.advance(hours=1)
    assert run_local_tick(resources)["directory_retention"]["expired_records"] == 2  # the member and its code
    assert resources.store.members.list_members(CREDITOR_SIREN) == []
    assert resources.store.audit.list_events(f"member:{member.id}")[-1].action == "member.expired"


def test_idempotency_records_and_expired_reply_links_are_deleted_by_the_tick(world: World) -> None:
    headers = {**world.member, "Idempotency-Key": "facture-0412"}
    assert file_report(world.api, headers, filing_payload()).status_code == 201
    backend = world.resources.store.backend
    assert len(backend.scan_partitions("IDEMPOTENCY#")) == 1
    world.clock.advance(hours=24)
    world.tick()
    assert backend.scan_partitions("IDEMPOTENCY#") == []
    world.clock.advance(days=14)
    world.tick()  # published: the debtor gets a fresh link, valid 60 days from today
    assert len(backend.scan_partitions("REPLYLINK#")) == 2
    world.clock.advance(days=60)
    world.tick()  # the notice's link expired 15 days ago: kept, so that a late click says "expired"
    assert len(backend.scan_partitions("REPLYLINK#")) == 2
    world.clock.advance(days=16)
    world.tick()
    assert len(backend.scan_partitions("REPLYLINK#")) == 1
    world.clock.advance(days=15)
    world.tick()
    assert backend.scan_partitions("REPLYLINK#") == []
    report = world.resources.store.reports.list_for_debtor(DEBTOR_SIREN)[0]
    assert world.resources.store.reports.list_partition(DEBTOR_SIREN, f"LINK#{report.id}#") == []


def test_export_holds_the_experiences_the_charter_signature_and_the_summary(world: World) -> None:
    resources = world.resources
    file_report(world.api, world.member, filing_payload())
    world.clock.advance(days=15)
    world.tick()
    resources.store.experiences.share_experiences(
        "542065479",
        [make_experience(creditor_siren="542065479", debtor_siren=DEBTOR_SIREN, days_late=12)],
        actor="member:test",
    )
    resources.store.signatures.record_signature(make_signature(), None, action="signature.signed", actor="test")
    world.clock.advance(minutes=1)
    world.tick()
    exported = export_company(resources, DEBTOR_SIREN)
    [experience] = exported["experiences_as_debtor"]
    assert (experience["creditor_siren"], experience["paid_on"]) == ("542065479", "2026-02-12")
    assert exported["charter_signature"]["email"] == "direction@sge-equipement.fr"
    assert exported["summary"] is not None and exported["summary"]["siren"] == DEBTOR_SIREN
    json.dumps(exported, ensure_ascii=False)
