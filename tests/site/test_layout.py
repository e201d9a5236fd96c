"""The build folder's packs: standard ZIP archives any reader opens, the same bytes for the same pages."""

import io
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest

from functions.site import layout
from functions.site.layout import BuiltFiles, pack_of, write_pack, zip_stored

PAGES = {
    "entreprises/552100554-acme/index.html": b"<h1>ACME</h1>" * 50,
    "entreprises/552999999-societe-generale-des-eaux/index.html": "é".encode(),
    "entreprises/552000000-vide/index.html": b"",
}


def test_company_pages_and_search_shards_are_packed_and_the_other_files_are_not() -> None:
    assert pack_of("entreprises/552100554-acme/index.html") == "entreprises/552.zip"
    assert pack_of("recherche/ma.json") == "recherche/m.zip"
    assert pack_of("recherche/a_b.json") == "recherche/a.zip"
    assert pack_of("recherche/9z_x.json") == "recherche/9.zip"
    for path in ("entreprises/index.html", "recherche.js", "recherche/index.html", "sitemap.xml", "index.html"):
        assert pack_of(path) is None, path


def test_a_pack_is_a_zip_archive_that_zipfile_reads_whole_and_checks() -> None:
    archive = zipfile.ZipFile(io.BytesIO(zip_stored(PAGES)))
    assert archive.testzip() is None
    assert archive.namelist() == sorted(PAGES)
    assert {name: archive.read(name) for name in archive.namelist()} == PAGES
    assert {info.compress_type for info in archive.infolist()} == {zipfile.ZIP_STORED}
    assert {info.date_time for info in archive.infolist()} == {(1980, 1, 1, 0, 0, 0)}


def test_a_name_beyond_ascii_is_flagged_utf8_as_the_zip_format_asks() -> None:
    archive = zipfile.ZipFile(io.BytesIO(zip_stored({"recherche/é.json": b"{}", "a.json": b"[]"})))
    flags = {info.filename: info.flag_bits & 0x800 for info in archive.infolist()}
    assert flags == {"a.json": 0, "recherche/é.json": 0x800}
    assert archive.read("recherche/é.json") == b"{}"


def test_the_same_pages_make_the_same_bytes_whatever_their_order() -> None:
    assert zip_stored(PAGES) == zip_stored(dict(reversed(list(PAGES.items()))))


@pytest.mark.skipif(shutil.which("unzip") is None, reason="Info-ZIP's unzip is not installed")
def test_info_zip_lists_and_tests_a_pack(tmp_path: Path) -> None:
    write_pack(tmp_path, "entreprises/552.zip", PAGES)
    pack = str(tmp_path / "entreprises/552.zip")
    checked = subprocess.run(["unzip", "-t", pack], check=False, capture_output=True, text=True)
    assert checked.returncode == 0 and "No errors detected" in checked.stdout, checked.stdout


def test_an_archive_too_big_for_the_32_bit_format_is_left_to_zipfile(monkeypatch: pytest.MonkeyPatch) -> None:
    plain = zip_stored(PAGES)
    monkeypatch.setattr(layout, "_ZIP32_LIMIT", 10)  # a few bytes stand for 4 GiB
    data = zip_stored(PAGES)
    assert data != plain  # zipfile's own headers (it may write ZIP64 records where sizes need them)
    archive = zipfile.ZipFile(io.BytesIO(data))
    assert {name: archive.read(name) for name in archive.namelist()} == PAGES


def test_built_files_read_packed_and_plain_files_by_their_published_path(tmp_path: Path) -> None:
    write_pack(tmp_path, "recherche/m.zip", {"recherche/ma.json": b'{"k":"ma"}'})
    (tmp_path / "sitemap.xml").write_bytes(b"<urlset/>")
    with BuiltFiles(tmp_path) as built:
        assert built.read("recherche/ma.json") == b'{"k":"ma"}' and built.read("sitemap.xml") == b"<urlset/>"
        assert built.exists("recherche/ma.json") and not built.exists("recherche/mb.json")
        with pytest.raises(FileNotFoundError):
            built.read("recherche/mb.json")
