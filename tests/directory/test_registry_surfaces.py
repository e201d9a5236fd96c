"""The registry's gates on what is already published: the HTTP API and the built site, on both stores.

A company SIRENE says ceased keeps its listing and says "entreprise cessée le …";
a sole trader or a record closed to diffusion is never named, on the company
page, the search, or any file of the site. (Collective proceedings:
``test_listing_freeze.py``; the gates at filing: ``tests/registry/test_gates.py``.)
"""

from __future__ import annotations

import csv
from collections.abc import Callable
from pathlib import Path

import pytest

from functions.core.resources import Resources
from functions.core.usecases.registry_import import LocalFile, import_file
from tests.directory.conftest import World
from tests.directory.factories import filing_payload
from tests.directory.proof import file_report
from tests.registry.samples import generate as sample

SAMPLES = Path(__file__).parents[1] / "registry" / "samples"
SIREN = "542065479"


@pytest.fixture(autouse=True)
def _evidence_in_the_test_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)


def import_units(res: Resources, path: Path, *units: dict[str, str]) -> None:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, sample.UNIT_HEADER, lineterminator="\n")
        writer.writeheader()
        writer.writerows(units)
    assert import_file(res, LocalFile(path)).done


def publish(world: World, siren: str, name: str) -> None:
    filed = file_report(world.api, world.member, filing_payload(debtor_siren=siren, debtor_name=name))
    assert filed.status_code == 201, filed.json
    world.clock.advance(days=15)
    world.tick()
    assert world.api.get(f"/companies/{siren}").json["listed"] is True


def test_a_listed_company_that_ceases_stays_listed_and_says_since_when(
    world: World, tmp_path: Path, site: Callable[[], str]
) -> None:
    publish(world, SIREN, "Boulangerie du Fournil")
    assert world.api.get(f"/companies/{SIREN}").json["ceased_on"] is None
    import_units(
        world.resources, tmp_path / "StockUniteLegale_utf8.csv",
        sample.unit(SIREN, denominationUniteLegale="BOULANGERIE DU FOURNIL", etatAdministratifUniteLegale="C",
                    dateDebut="2026-03-10", dateDernierTraitementUniteLegale="2026-03-12T08:00:00"),
    )  # fmt: skip
    world.tick()
    page = world.api.get(f"/companies/{SIREN}").json
    assert page["listed"] is True and page["name"] == "BOULANGERIE DU FOURNIL"
    assert page["ceased_on"] == "2026-03-10" and page["registry_notice"] == "entreprise cessée le 10 mars 2026"
    built = site()
    assert "Entreprise cessée le 10 mars 2026" in built


def test_the_sources_page_names_the_registries_and_the_last_imports_dates(
    world: World, tmp_path: Path, site: Callable[[], str]
) -> None:
    assert "Aucun registre n'a encore été importé" in site()
    for name in ("StockUniteLegale_sample.csv", "StockEtablissement_sample.csv", "bodacc_annonces_sample.json"):
        assert import_file(world.resources, LocalFile(SAMPLES / name)).done
    site()
    page = (tmp_path / "site-build" / "out" / "sources" / "index.html").read_text()
    for link in ("https://www.sirene.fr/", "https://www.bodacc.fr/", "https://www.etalab.gouv.fr/licence-ouverte"):
        assert f'href="{link}' in page
    assert "Licence Ouverte / Open Licence version 2.0" in page
    assert "StockUniteLegale_sample.csv" in page and "bodacc_annonces_sample.json" in page
    assert "2 mars 2026" in page  # imported today (the test clock)
    assert "22 mars 2024" in page  # SIRENE's latest update stamp in the sample (dateDernierTraitementUniteLegale)
    assert 'href="sources/"' in (tmp_path / "site-build" / "out" / "index.html").read_text()  # the footer


@pytest.mark.parametrize(
    ("siren", "label"),
    [
        (sample.SOLE_TRADER, "Entrepreneur individuel (nom non diffusé)"),
        (sample.PROTECTED, "Entrepreneur individuel (nom non diffusé)"),  # a natural person who objected
    ],
)
def test_a_sole_trader_or_a_protected_record_is_never_named_on_the_api_nor_the_site(
    world: World, site: Callable[[], str], siren: str, label: str
) -> None:
    for name in ("StockUniteLegale_sample.csv", "StockEtablissement_sample.csv"):
        assert import_file(world.resources, LocalFile(SAMPLES / name)).done
    publish(world, siren, "Claire Dumont")
    page = world.api.get(f"/companies/{siren}").json
    assert page["name"] == label and page["city"] == ""
    found = world.api.get("/companies", query_string={"q": "dumont"}).json["items"]
    assert found == []
    built = site()
    assert label in built
    assert "DUMONT" not in built.upper()  # neither the registry's name nor what the creditor typed
