"""What the public learns of a checked report (the day it was checked, never its documents), and their end."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from functions.core.clock import FixedClock
from functions.core.mailer import OutboxMailer
from functions.core.resources import Resources
from functions.core.usecases.directory.retention import purge
from tests.directory.conftest import World, register, s3_directory
from tests.directory.factories import DEBTOR_SIREN, filing_payload
from tests.directory.proof import PROOF, approve, file_for_review, reviewer
from tests.store_state import stored_state


def stored_files(tmp_path: Path) -> list[Path]:
    return sorted(path for path in (tmp_path / "var" / "evidence").rglob("*") if path.is_file())


def no_document_records(world_resources: Resources) -> bool:
    return not [key for key in stored_state(world_resources.store.backend) if key[0].startswith("MEMBERDOCS#")]


def test_the_public_page_says_the_day_invoice_and_notice_were_verified_and_never_shows_them(
    world: World, site: Callable[[], str]
) -> None:
    filed = file_for_review(world.api, world.member, filing_payload()).json
    world.clock.advance(days=3)  # checked on 5 March 2026
    approve(world.api, filed["id"])
    world.clock.advance(days=15)
    world.tick()
    listing = world.api.get(f"/companies/{DEBTOR_SIREN}")
    [listed] = listing.json["reports"]
    assert listed["verified_on"] == "2026-03-05"
    built = site()
    assert "Facture et mise en demeure vérifiées le 5 mars 2026 par la modération d'Ardoise." in built
    # Neither the JSON listing nor any page of the site carries a document: no id, name, digest or link.
    public = json.dumps(listing.json, ensure_ascii=False) + built
    for document in filed["documents"]:
        for trace in (document["id"], document["filename"], document["sha256"]):
            assert trace not in public, trace
    assert f"/reports/{filed['id']}/documents" not in public and filed["id"] not in public


def test_a_refused_report_s_documents_are_deleted_with_it_24_months_after_the_refusal(
    world: World, tmp_path: Path
) -> None:
    filed = file_for_review(world.api, world.member, filing_payload()).json
    refused = world.api.post(
        f"/reports/{filed['id']}/review",
        json={"decision": "refused", "reason": "L'accusé de réception ne porte aucune date."},
        headers=reviewer(world.api),
    )
    assert refused.status_code == 200, refused.json
    assert len(stored_files(tmp_path)) == 3
    world.clock.advance(days=365 * 2 - 1)
    assert purge(world.resources)["reports"] == 0
    assert len(stored_files(tmp_path)) == 3
    world.clock.advance(days=2)
    assert purge(world.resources)["reports"] == 1
    assert stored_files(tmp_path) == []
    assert world.resources.store.reports.get_report(filed["id"]) is None
    assert no_document_records(world.resources)


def test_a_purged_report_s_documents_are_deleted_from_the_s3_bucket(
    aws: None, resources: Resources, mailer: OutboxMailer, clock: FixedClock
) -> None:
    bucket = s3_directory(resources, mailer, "pieces")
    s3, client = bucket.s3, bucket.api
    member = {"Authorization": register(client, mailer)}
    filed = file_for_review(client, member, filing_payload())
    assert filed.status_code == 201, filed.json
    approve(client, filed.json["id"])
    objects = s3.list_objects_v2(Bucket="ardoise-pieces", Prefix="pieces/documents/")["Contents"]
    assert sorted(o["Size"] for o in objects) == sorted(len(content) for _, content in PROOF.values())
    clock.now = clock.now.replace(year=2030, month=12, day=31)  # 5 years after its due date
    assert purge(bucket.resources)["reports"] == 1
    assert s3.list_objects_v2(Bucket="ardoise-pieces", Prefix="pieces/documents/").get("KeyCount") == 0
    assert no_document_records(resources)
