"""The build: incremental (only what changed is rendered and rewritten), lists, sitemap, deletions."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import fields, replace
from datetime import date, timedelta

from functions.core.identifiers import with_check_digit
from functions.core.usecases.site_snapshot import CharterStanding, CompanyRecord, ListedReport
from functions.site.builder import SiteBuilder
from functions.site.facts import flat_record, record_digest, record_from_flat
from functions.site.handwritten import HandwrittenInputs
from functions.site.layout import pack_of
from functions.site.listing import SECTIONS, page_starts
from tests.site.factories import (
    AS_OF,
    make_listed_report,
    make_record,
    make_signatory,
    make_snapshot,
    make_standing,
    many_records,
)
from tests.site.test_pages import article


def test_every_field_of_a_record_counts_in_its_digest() -> None:
    record = make_record(reports=(make_listed_report(reply="x"),), charter=make_standing(), ceased_on=date(2021, 3, 3))
    assert record.charter is not None
    changed = {str: "autre", int: 7, date: date(2020, 1, 1)}
    for field in fields(CompanyRecord):
        if field.name in ("reports", "charter"):
            continue
        value = getattr(record, field.name)
        other = changed[type(value)] if value is not None else 3
        assert record_digest(replace(record, **{field.name: other})) != record_digest(record), field.name
    for field in fields(ListedReport):
        value = getattr(record.reports[0], field.name)
        line = replace(
            record.reports[0], **{field.name: changed[type(value)] if value is not None else date(2020, 1, 1)}
        )
        assert record_digest(replace(record, reports=(line,))) != record_digest(record), field.name
    for field in fields(CharterStanding):
        value = getattr(record.charter, field.name)
        standing = replace(record.charter, **{field.name: changed[type(value)]})
        assert record_digest(replace(record, charter=standing)) != record_digest(record), field.name


def test_a_record_kept_flat_in_the_build_state_reads_back_whole() -> None:
    record = make_record(reports=(make_listed_report(reply="x"),), charter=make_standing(), ceased_on=date(2021, 3, 3))
    assert record_from_flat(flat_record(record)) == record
    assert record_from_flat(flat_record(record)[:-1]).ceased_on is None  # kept before records carried it


def test_a_second_build_of_the_same_data_renders_and_writes_nothing(
    make_builder: Callable[..., SiteBuilder], inputs: HandwrittenInputs
) -> None:
    builder = make_builder()
    snapshot = make_snapshot(*many_records(40), make_signatory())
    first = builder.build(snapshot, inputs)
    again = builder.build(snapshot, inputs)
    assert first.written == first.files > 40
    assert (again.rendered, again.written, again.deleted) == (0, 0, 0)
    assert again.files == first.files


def test_after_one_company_changes_only_the_files_showing_it_are_rewritten(
    make_builder: Callable[..., SiteBuilder], inputs: HandwrittenInputs
) -> None:
    builder = make_builder()
    records = many_records(250)
    builder.build(make_snapshot(*records), inputs)
    before = {p: p.read_bytes() for p in builder.out.rglob("*") if p.is_file()}
    pages_before = {path: builder.read(path) for path in builder.saved_state().files}
    target = records[123]
    paid = replace(target.reports[0], outstanding_cents=100_00, reply="Un acompte a été versé.")
    changed = replace(target, reports=(paid,), outstanding_cents=100_00)
    report = builder.build(make_snapshot(*[changed if r is target else r for r in records]), inputs)
    after = {p: p.read_bytes() for p in builder.out.rglob("*") if p.is_file()}
    rewritten = sorted(str(p.relative_to(builder.out)) for p in after if before.get(p) != after[p])
    page = changed.path.strip("/") + "/index.html"
    # Company pages are kept in packs: the changed page's pack is rewritten, not the others.
    assert rewritten == sorted(pack_of(path) or path for path in report.written_paths)
    assert page in report.written_paths and pack_of(page) in rewritten
    changed_pages = sorted(path for path, data in pages_before.items() if builder.read(path) != data)
    assert changed_pages == sorted(report.written_paths)
    assert "index.html" in rewritten  # the home page's total outstanding
    assert any(path.startswith("entreprises/page/") or path == "entreprises/index.html" for path in rewritten)
    assert all(path.startswith(("recherche/", "entreprises/", "index.html")) for path in rewritten), rewritten
    assert len(rewritten) <= 10


def test_a_company_whose_reports_are_all_settled_disappears_from_the_site(
    make_builder: Callable[..., SiteBuilder], inputs: HandwrittenInputs
) -> None:
    builder = make_builder()
    listed, other = make_record(), make_record(siren="732829320", name="Garage du Centre")
    builder.build(make_snapshot(listed, other), inputs)
    page = listed.path.strip("/") + "/index.html"
    assert builder.has(page)
    report = builder.build(make_snapshot(other), inputs)
    assert not builder.has(page) and builder.has(other.path.strip("/") + "/index.html")
    assert report.deleted >= 1
    assert "552100554" not in (builder.out / "entreprises" / "index.html").read_text()
    assert not (builder.out / "sitemaps" / "entreprises-5.xml").exists()  # no SIREN starting with 5 left
    assert "552100554" not in builder.read("recherche/55.json").decode()


def test_the_directory_is_paged_by_initial_and_name_and_works_without_javascript(
    make_builder: Callable[..., SiteBuilder], inputs: HandwrittenInputs
) -> None:
    builder = make_builder()
    records = [*many_records(230), make_record(siren="404833048", name="Boulangerie Petit")]
    builder.build(make_snapshot(*records), inputs)
    first = (builder.out / "entreprises" / "index.html").read_text()
    assert "231 entreprises avec des impayés publiés" in first and "Entreprise" not in article(first)
    assert '<a href="../entreprises/page/e/">E</a>' in first and '<a href="../entreprises/page/0-9/">0-9</a>' in first
    b = (builder.out / "entreprises" / "page" / "b" / "index.html").read_text()
    assert "Boulangerie Petit" in b and "Annuaire des entreprises — B</h1>" in b
    e = (builder.out / "entreprises" / "page" / "e" / "index.html").read_text()
    names = re.findall(r'<li>\s*<div class="ardoise-ligne">\s*<a href="[^"]+">([^<]+)</a>', e)
    assert 30 <= len(names) <= 150 and names == sorted(names, key=str.lower)
    assert 'href="../../../entreprises/page/d/" rel="prev"' in e  # the previous section's last page (empty)
    following = re.search(r'href="\.\./\.\./\.\./(entreprises/page/e[0-9a-z_]+/)" rel="next"', e)
    assert following is not None, "the E section continues on a page of its own"
    rest = builder.read(following.group(1) + "index.html").decode()
    assert "Annuaire des entreprises — E, à partir de « Entreprise" in rest and rest.count("<h1") == 1
    assert '<a href="../../../entreprises/page/z/">Z</a>' in rest  # every initial, on every page
    z = (builder.out / "entreprises" / "page" / "z" / "index.html").read_text()
    assert "Aucune entreprise de l'annuaire n'a un nom qui commence par Z." in z


def test_a_company_entering_or_leaving_the_directory_rewrites_its_own_list_page_only(
    make_builder: Callable[..., SiteBuilder], inputs: HandwrittenInputs
) -> None:
    builder = make_builder()
    records = many_records(600)
    builder.build(make_snapshot(*records), inputs)
    newcomer = make_record(siren=with_check_digit("12345678"), name="Entreprise Dubois 00003 bis")
    entered = builder.build(make_snapshot(*records, newcomer), inputs)
    lists = [path for path in entered.written_paths if path.startswith("entreprises/page/")]
    assert len(lists) == 1 and "entreprises/index.html" in entered.written_paths  # its page, and the total
    assert "Entreprise Dubois 00003 bis" in builder.read(lists[0]).decode()
    left = builder.build(make_snapshot(*records[1:], newcomer), inputs)
    assert len([path for path in left.written_paths if path.startswith("entreprises/page/")]) == 1
    # Besides: the company's page, the home page's figures, its sitemap, the search shards of its name.
    assert len(entered.written_paths) <= 16 and len(left.written_paths) <= 16


def test_a_page_is_cut_past_its_size_and_merged_below_it_and_the_other_cuts_stay() -> None:
    names = [f"dupont {n:04d}" for n in range(400)] + ["martin"]
    keys = sorted(f"{name}\0{n:09d}" for n, name in enumerate(names))
    starts = page_starts(keys)
    d = [start for start in starts if start.startswith("d")]
    assert d[0] == "d" and len(d) == 4  # 400 names cut into pages of about 100
    assert all(start in SECTIONS or start.startswith("dupont ") for start in starts)
    grown = sorted([*keys, *(f"dupont 0000 {n}\0{n:09d}" for n in range(60))])
    regrown = page_starts(grown, starts)
    assert set(starts) < set(regrown) and len(regrown) == len(starts) + 1  # only the page that grew is cut
    shrunk = [key for key in keys if not key.startswith("dupont 01")]  # the second page loses most of its names
    assert len(page_starts(shrunk, starts)) == len(starts) - 1
    same = sorted(f"garage du centre\0{n:09d}" for n in range(400))
    assert page_starts(same) == list(SECTIONS)  # one name: never cut between two SIRENs


def test_the_register_lists_signatories_with_their_status(
    make_builder: Callable[..., SiteBuilder], inputs: HandwrittenInputs
) -> None:
    builder = make_builder()
    signatories = [
        make_signatory(siren="732829320", name="Garage du Centre"),
        make_signatory(siren="404833048", name="Menuiserie Dubois", status="withdrawn"),
        make_record(siren="356000000", name="La Poste", charter=make_standing(status="suspended")),
    ]
    builder.build(make_snapshot(*signatories), inputs)
    register = (builder.out / "charte" / "signataires" / "index.html").read_text()
    charter = (builder.out / "charte" / "index.html").read_text()
    assert "3 entreprises au registre" in register and "1 signature active, 1 suspendue" in register
    pages = {
        letter: (builder.out / "charte" / "signataires" / "page" / letter / "index.html").read_text()
        for letter in "glm"
    }
    for name, letter in (("Garage du Centre", "g"), ("Menuiserie Dubois", "m"), ("La Poste", "l")):
        assert name in pages[letter] and name in charter
    assert "Signature retirée" in pages["m"] and "Signature suspendue" in pages["l"]
    assert "Nos engagements" in charter  # the charter's text, from its versioned source


def test_the_sitemap_indexes_hand_written_pages_and_every_company_page(
    make_builder: Callable[..., SiteBuilder], inputs: HandwrittenInputs
) -> None:
    builder = make_builder()
    records = [make_record(), make_signatory()]
    builder.build(make_snapshot(*records), inputs)
    index = (builder.out / "sitemap.xml").read_text()
    assert "<sitemapindex" in index and "sitemaps/pages.xml" in index and "sitemaps/entreprises-5.xml" in index
    pages = (builder.out / "sitemaps" / "pages.xml").read_text()
    assert "https://ardoise.example.fr/charte/</loc>" in pages and "donnees-personnelles/" in pages
    assert (
        "https://ardoise.example.fr/entreprises/552100554-boulangerie-martin-et-fils/"
        in (builder.out / "sitemaps" / "entreprises-5.xml").read_text()
    )


def test_a_day_passing_without_a_change_rewrites_nothing(
    make_builder: Callable[..., SiteBuilder], inputs: HandwrittenInputs
) -> None:
    builder = make_builder()
    records = (*many_records(30), make_signatory())
    builder.build(make_snapshot(*records), inputs)
    for days in (1, 40):
        later = AS_OF + timedelta(days=days)
        report = builder.build(make_snapshot(*records, as_of=later), replace(inputs, today=later))
        assert (report.rendered, report.written, report.deleted, report.mkdocs_built) == (0, 0, 0, False), days
    page = builder.read(records[0].path.strip("/") + "/index.html").decode()
    assert "jours de retard" not in page  # the browser counts them (static/retard.js)
    assert '<time datetime="2026-02-11">11 février 2026</time>' in page and 'data-ardoise-echeance="2026-02-11"' in page


def test_a_lost_output_folder_means_a_full_build(
    make_builder: Callable[..., SiteBuilder], inputs: HandwrittenInputs
) -> None:
    import shutil

    builder = make_builder()
    snapshot = make_snapshot(make_record())
    first = builder.build(snapshot, inputs)
    shutil.rmtree(builder.out)
    again = builder.build(snapshot, inputs)
    assert again.written == first.written and (builder.out / "index.html").is_file()


def test_many_pages_are_rendered_by_worker_processes_with_the_same_result(
    make_builder: Callable[..., SiteBuilder], inputs: HandwrittenInputs
) -> None:
    records = many_records(2_100)
    serial, parallel = make_builder("serial", workers=1), make_builder("parallel", workers=2)
    serial.build(make_snapshot(*records), inputs)
    report = parallel.build(make_snapshot(*records), inputs)
    assert report.rendered > 2_000
    files = serial.saved_state().files
    assert files == parallel.saved_state().files
    assert [path for path in files if serial.read(path) != parallel.read(path)] == []
    # Byte for byte, the packs too: a pack is one worker's, never two workers' halves.
    packs = sorted(str(p.relative_to(serial.out)) for p in serial.out.rglob("*.zip"))
    assert len(packs) > 100 and packs == sorted(str(p.relative_to(parallel.out)) for p in parallel.out.rglob("*.zip"))
    assert [pack for pack in packs if (serial.out / pack).read_bytes() != (parallel.out / pack).read_bytes()] == []


def test_a_builder_notices_a_state_written_by_another_process(
    make_builder: Callable[..., SiteBuilder], inputs: HandwrittenInputs
) -> None:
    first, second = make_builder(), make_builder()  # same folder: two processes' builders
    listed = make_record()
    first.build(make_snapshot(listed), inputs)
    second.build(make_snapshot(listed, make_signatory()), inputs)
    report = first.build(make_snapshot(listed), inputs)  # must see the signatory's page, and delete it
    assert report.deleted >= 1 and not first.has("entreprises/732829320-garage-du-centre/index.html")
