"""Importing the registry's files in their real layouts, on both stores: identities, proceedings, resuming."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from functions.core.domain.companies import Company
from functions.core.domain.registry import ProceedingKind, proceeding_at
from functions.core.identifiers import with_check_digit
from functions.core.resources import Resources
from functions.core.store import Store
from functions.core.store.sqlite import SqliteBackend
from functions.core.usecases.registry_import import LocalFile, UnreadableFile, import_file
from tests.faults import FaultyBackend, InjectedFault
from tests.registry.samples import generate as sample

SAMPLES = Path(__file__).with_name("samples")
UNITS = SAMPLES / "StockUniteLegale_sample.csv"
ESTABLISHMENTS = SAMPLES / "StockEtablissement_sample.csv"
DAILY = SAMPLES / "UniteLegale_daily_sample.csv"
BODACC_JSON = SAMPLES / "bodacc_annonces_sample.json"
BODACC_CSV = SAMPLES / "bodacc_annonces_sample.csv"
TODAY = date(2026, 3, 2)


CASES = [sample.SA, sample.CEASED, sample.SOLE_TRADER, sample.PROTECTED, sample.REDRESSEMENT, sample.CLOSED,
         sample.SAUVEGARDE, sample.GROUP, sample.CANCELLED]  # fmt: skip
# A slice of the filler's SIRENs, the last among them: what a resumed import wrote after its stop.
FILLER = [with_check_digit(f"{30_000_000 + n * 7919:08d}") for n in (0, 1, 2, 60, 150, 240, 290, 299)]


def registry_items(store: Store) -> dict[tuple[str, str], Any]:
    """The registry items of the samples' companies, by key: what two imports must agree on."""
    found = {}
    for siren in CASES + FILLER:
        for item in store.backend.query(f"REGISTRY#{siren}").items:
            found[(item.pk, item.sk)] = dict(item.data)
    assert found
    return found


def import_samples(resources: Resources, **options: Any) -> None:
    for path in (UNITS, ESTABLISHMENTS, BODACC_JSON):
        assert import_file(resources, LocalFile(path), **options).done


def test_the_sirene_samples_give_each_company_its_registry_identity(resources: Resources) -> None:
    import_samples(resources)
    registry = resources.store.registry
    sa = registry.get_identity(sample.SA)
    assert sa is not None and sa.name == 'SOCIETE "LES ATELIERS REUNIS", BATIMENT ET TRAVAUX'
    assert sa.head_office is not None and str(sa.head_office) == "3 bis AV DES CHAMPS, 75008 PARIS 8"
    ceased = registry.get_identity(sample.CEASED)
    assert ceased is not None and not ceased.active and ceased.ceased_on == date(2021, 3, 3)
    sole = registry.get_identity(sample.SOLE_TRADER)
    assert sole is not None and sole.sole_trader and sole.name == "CLAIRE DUMONT" and not sole.nameable
    protected = registry.get_identity(sample.PROTECTED)
    assert protected is not None and not protected.diffusible and protected.name == ""
    assert protected.head_office is not None and protected.head_office.street == ""  # [ND] is never kept as text
    moved = registry.get_identity(sample.REDRESSEMENT)
    assert moved is not None and moved.head_office is not None and moved.head_office.city == "GRENOBLE"
    assert registry.get_identity("12345") is None


def test_the_bodacc_sample_gives_each_company_its_proceedings(resources: Resources) -> None:
    import_samples(resources)
    registry = resources.store.registry
    redressement = proceeding_at(registry.list_judgments(sample.REDRESSEMENT), TODAY)
    assert redressement is not None and redressement.kind is ProceedingKind.REDRESSEMENT
    assert redressement.opened.court == "TRIBUNAL DE COMMERCE DE GRENOBLE"
    assert redressement.opened.url.endswith("A202400451201")
    group = proceeding_at(registry.list_judgments(sample.GROUP), TODAY)  # named in the same notice's registre
    assert group is not None and group.opened.notice_id == "A202400451201"
    assert proceeding_at(registry.list_judgments(sample.CLOSED), TODAY) is None
    assert proceeding_at(registry.list_judgments(sample.CLOSED), date(2023, 6, 1)) is not None
    plan = proceeding_at(registry.list_judgments(sample.SAUVEGARDE), TODAY)
    assert plan is not None and plan.under_plan
    assert proceeding_at(registry.list_judgments(sample.CANCELLED), TODAY) is None  # cancelled by a later notice
    assert registry.list_judgments(sample.SA) == []  # a modification notice, and one with broken JSON


def test_the_bodacc_csv_export_gives_the_same_proceedings_as_the_json_one(resources: Resources, tmp_path: Path) -> None:
    assert import_file(resources, LocalFile(BODACC_CSV)).done
    from_csv = registry_items(resources.store)
    assert import_file(resources, LocalFile(BODACC_JSON)).written == 0
    assert registry_items(resources.store) == from_csv


def test_importing_the_same_files_again_changes_nothing(resources: Resources) -> None:
    import_samples(resources)
    before = registry_items(resources.store)
    again = [import_file(resources, LocalFile(path)) for path in (UNITS, ESTABLISHMENTS, BODACC_JSON)]
    assert all(result.already_imported and result.written == 0 for result in again)
    forced = [import_file(resources, LocalFile(path), again=True) for path in (UNITS, ESTABLISHMENTS, BODACC_JSON)]
    assert [result.written for result in forced] == [0, 0, 0]
    assert registry_items(resources.store) == before


def test_a_daily_file_overwrites_older_data_only(resources: Resources) -> None:
    import_samples(resources)
    result = import_file(resources, LocalFile(DAILY))
    assert result.written == 1
    registry = resources.store.registry
    renamed = registry.get_identity(sample.SA)
    assert renamed is not None and renamed.name == "ATELIERS REUNIS"
    kept = registry.get_identity(sample.SAUVEGARDE)
    assert kept is not None and kept.name == "CHARPENTES DU VERCORS"  # the daily row was stamped earlier
    # The monthly stock imported after the daily file does not bring the old name back.
    assert import_file(resources, LocalFile(UNITS), again=True).written == 0
    assert registry.get_identity(sample.SA).name == "ATELIERS REUNIS"  # type: ignore[union-attr]  # imported above


@pytest.mark.parametrize("path", [UNITS, BODACC_JSON], ids=lambda p: p.name)
def test_an_import_stopped_for_time_carries_on_to_the_same_registry(
    resources: Resources, store: Store, path: Path, tmp_path: Path
) -> None:
    # The reference: the same file imported at once, on a store of its own.
    reference = Resources(resources.settings, store=Store(SqliteBackend(tmp_path / "ref.db"), resources.clock))
    whole = import_file(reference, LocalFile(path))
    calls = iter(range(1000))
    first = import_file(resources, LocalFile(path), batch=40, out_of_time=lambda: next(calls) >= 1)
    assert not first.done and first.records == 80
    rest = import_file(resources, LocalFile(path), batch=40)
    assert rest.done and rest.resumed_from > 0 and rest.records == whole.records
    assert registry_items(resources.store) == registry_items(reference.store)


@pytest.mark.parametrize("path", [ESTABLISHMENTS, BODACC_CSV], ids=lambda p: p.name)
def test_an_import_killed_by_a_store_failure_carries_on_to_the_same_registry(
    resources: Resources, store: Store, path: Path
) -> None:
    faulty = FaultyBackend(store.backend)
    faulty.fail("put_newer", when="after", calls={3})  # applied, then the answer lost
    broken = Resources(resources.settings, store=Store(faulty, resources.clock), clock=resources.clock)
    with pytest.raises(InjectedFault):
        import_file(broken, LocalFile(path), batch=40)
    faulty.clear()
    resumed = import_file(broken, LocalFile(path), batch=40)
    assert resumed.done and resumed.resumed_from > 0
    assert import_file(resources, LocalFile(path), again=True).written == 0  # nothing was missing
    whole = import_file(resources, LocalFile(path), again=True)
    assert whole.records == resumed.records


def test_a_company_the_directory_knows_is_marked_stale_when_its_registry_data_changes(resources: Resources) -> None:
    resources.store.companies.record_company(Company(sample.CEASED, "Menuiserie Bertin"), "test")
    for mark in resources.store.outbox.list_marked():
        resources.store.outbox.clear(mark)
    import_file(resources, LocalFile(UNITS))
    assert resources.store.outbox.get_mark(sample.CEASED) is not None
    assert resources.store.outbox.get_mark(sample.SA) is None  # unknown to the directory: no page to refresh


def test_each_source_says_when_it_was_last_imported_and_how_fresh_its_data_is(resources: Resources) -> None:
    import_samples(resources)
    last = resources.store.registry.last_imports()
    assert set(last) == {"sirene_unites", "sirene_etablissements", "bodacc"}
    assert last["sirene_unites"].file_date == "2024-03-22" and last["bodacc"].file_date == "2024-03-27"
    assert last["sirene_unites"].finished_at.startswith("2026-03-02")


def test_a_file_in_no_known_layout_is_refused(resources: Resources, tmp_path: Path) -> None:
    other = tmp_path / "clients.csv"
    other.write_text("numero,nom\n1,Dupont\n")
    with pytest.raises(UnreadableFile, match=r"clients\.csv"):
        import_file(resources, LocalFile(other))


def test_columns_are_read_by_name_whatever_their_order(resources: Resources, tmp_path: Path) -> None:
    shuffled = tmp_path / "StockUniteLegale_reordered.csv"
    lines = UNITS.read_text().splitlines()
    import csv

    rows = list(csv.reader(lines))
    order = list(reversed(range(len(rows[0]))))
    with shuffled.open("w", newline="") as handle:
        csv.writer(handle, lineterminator="\n").writerows([[row[i] for i in order] for row in rows])
    import_file(resources, LocalFile(shuffled))
    sa = resources.store.registry.get_identity(sample.SA)
    assert sa is not None and sa.name.startswith('SOCIETE "LES ATELIERS REUNIS"')
    shutil.rmtree(tmp_path, ignore_errors=True)
