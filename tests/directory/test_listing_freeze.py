"""Collective proceedings freeze the listing: through the HTTP API, the registry import and the site build.

A company's published reports leave the public listing while a BODACC timeline
shows a proceeding open (kept, not deleted; creditors told once by e-mail), come
back when it ends if still unpaid, and stay off for good once a liquidation is
closed. Each test runs on both stores, imports real-layout BODACC records as DILA
exports them, and lets the tick refresh what the import marked.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from functions.core.resources import Resources
from functions.core.usecases.registry_import import LocalFile, import_file
from tests.directory.conftest import World
from tests.directory.factories import filing_payload
from tests.directory.proof import file_report
from tests.registry.samples.generate import notice, spaced

SIREN = "542065479"
NAME = "Boulangerie Étoile du Fournil"
FROZEN_SUBJECT = "procédure collective, signalement gelé"
RELEASED_SUBJECT = "fin de la procédure collective"


@pytest.fixture(autouse=True)
def _evidence_in_the_test_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)


def import_notices(res: Resources, folder: Path, name: str, *records: dict[str, Any]) -> None:
    path = folder / name
    path.write_text(json.dumps(list(records), ensure_ascii=False), encoding="utf-8")
    assert import_file(res, LocalFile(path)).done


def opening(kind: str, judged: str = "2026-03-18", published: str = "2026-03-25") -> dict[str, Any]:
    nature = {
        "redressement": "Jugement d'ouverture d'une procédure de redressement judiciaire",
        "liquidation": "Jugement d'ouverture de liquidation judiciaire",
    }[kind]
    return notice("A202600123401", [spaced(SIREN), SIREN], "Jugement d'ouverture", nature, judged, published)


def closure(nature: str, judged: str, published: str) -> dict[str, Any]:
    return notice("A202600987602", [spaced(SIREN), SIREN], "Jugement de clôture", nature, judged, published)


def publish(world: World) -> str:
    filed = file_report(world.api, world.member, filing_payload(debtor_siren=SIREN, debtor_name=NAME))
    assert filed.status_code == 201, filed.json
    world.clock.advance(days=15)
    world.tick()
    assert world.api.get(f"/companies/{SIREN}").json["listed"] is True
    return str(filed.json["id"])


def subjects(world: World, what: str) -> list[str]:
    return [str(m["Subject"]) for m in world.mailer.messages() if what in str(m["Subject"])]


def test_a_redressement_opened_after_publication_takes_the_report_off_every_public_surface_until_it_ends(
    world: World, tmp_path: Path, site: Callable[[], str]
) -> None:
    report_id = publish(world)
    assert SIREN in site()
    world.clock.advance(days=10)  # 2026-03-27: the opening is published
    import_notices(world.resources, tmp_path, "bodacc-1.json", opening("redressement"))
    world.tick()

    assert world.api.get(f"/companies/{SIREN}").status_code == 404
    assert world.api.get("/companies", query_string={"q": "boulangerie"}).json["items"] == []
    built = site()
    assert SIREN not in built and "Fournil" not in built
    report = world.api.get(f"/reports/{report_id}", headers=world.member).json
    assert report["status"] == "published"  # kept, not deleted: the creditor still sees it
    [mail] = [m for m in world.mailer.messages() if FROZEN_SUBJECT in str(m["Subject"])]
    body = mail.get_body().get_content()  # type: ignore[union-attr]  # a text message
    assert "Redressement judiciaire ouvert le 18 mars 2026 (TRIBUNAL DE COMMERCE DE GRENOBLE)" in body
    assert "au plus tard le 25 mai 2026" in body and "bodacc.fr" in body

    world.tick()
    world.clock.advance(days=1)
    world.tick()
    assert len(subjects(world, FROZEN_SUBJECT)) == 1  # once per report and proceeding

    world.clock.advance(days=30)
    import_notices(
        world.resources, tmp_path, "bodacc-2.json",
        closure("Jugement mettant fin à la procédure de redressement judiciaire", "2026-04-20", "2026-04-26"),
    )  # fmt: skip
    world.tick()
    page = world.api.get(f"/companies/{SIREN}").json
    assert page["listed"] is True and page["open_published_count"] == 1
    assert SIREN in site()
    assert len(subjects(world, RELEASED_SUBJECT)) == 1


def test_a_closed_liquidation_keeps_its_reports_off_the_listing_for_good(world: World, tmp_path: Path) -> None:
    publish(world)
    world.clock.advance(days=60)
    import_notices(
        world.resources, tmp_path, "bodacc.json",
        opening("liquidation"),
        closure("Jugement de clôture pour insuffisance d'actif", "2026-04-30", "2026-05-08"),
    )  # fmt: skip
    world.tick()
    assert world.api.get(f"/companies/{SIREN}").status_code == 404
    [mail] = [m for m in world.mailer.messages() if FROZEN_SUBJECT in str(m["Subject"])]
    assert "ne sera plus publié" in mail.get_body().get_content()  # type: ignore[union-attr]  # a text message
    world.clock.advance(days=90)
    world.tick()
    assert world.api.get(f"/companies/{SIREN}").status_code == 404
    assert subjects(world, RELEASED_SUBJECT) == []


def test_a_report_due_for_publication_during_a_proceeding_is_never_listed(world: World, tmp_path: Path) -> None:
    filed = file_report(world.api, world.member, filing_payload(debtor_siren=SIREN, debtor_name=NAME))
    assert filed.status_code == 201
    world.clock.advance(days=10)
    # The opening reaches the registry while the report waits in its grace period; no tick refreshed it yet.
    import_notices(world.resources, tmp_path, "bodacc.json", opening("redressement", "2026-03-05", "2026-03-10"))
    world.clock.advance(days=5)
    world.tick()
    assert world.api.get(f"/companies/{SIREN}").status_code == 404
    assert subjects(world, "signalement publié") == []
    assert len(subjects(world, FROZEN_SUBJECT)) == 1


def test_a_cancelled_opening_notice_puts_the_report_back(world: World, tmp_path: Path) -> None:
    publish(world)
    world.clock.advance(days=10)
    import_notices(world.resources, tmp_path, "bodacc-1.json", opening("redressement"))
    world.tick()
    assert world.api.get(f"/companies/{SIREN}").status_code == 404
    cancel = notice(
        "A202600123499", [spaced(SIREN), SIREN], "Jugement d'ouverture", "", "2026-03-18", "2026-03-28",
        typeavis="annulation", typeavis_lib="Avis d'annulation", jugement=None,
        parutionavisprecedent=json.dumps({"nomPublication": "BODACC A", "numeroParution": "20260012",
                                          "dateParution": "2026-03-25", "numeroAnnonce": "3401"}),
    )  # fmt: skip
    import_notices(world.resources, tmp_path, "bodacc-2.json", cancel)
    world.tick()
    assert world.api.get(f"/companies/{SIREN}").json["listed"] is True
