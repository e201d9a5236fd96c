"""The charter's versioned texts: what ships, how they are read, how the API serves them."""

from datetime import date
from pathlib import Path

import pytest
from flask.testing import FlaskClient

from functions.core.clock import FixedClock
from functions.core.domain.charter import (
    TEXTS_DIR,
    CharterCatalog,
    CharterTextError,
    load_catalog,
    load_charter,
    parse_charter,
)
from tests.charter.factories import NEXT_VERSION, VERSION


def charter_source(*, version: str = "2030-01", day: str = "2030-01-02", commitments: int = 8, start: int = 1) -> str:
    items = "\n".join(
        f"### {n}. Engagement {n}\n\nNous tenons l'engagement {n}.\n" for n in range(start, start + commitments)
    )
    head = f"---\nversion: {version}\ndate: {day}\ntitle: Charte\n---\n\nPréambule.\n\n"
    return f"{head}## Nos engagements\n\n{items}\n## Contrôle\n\nSuspension.\n"


def test_every_shipped_version_has_eight_to_ten_commitments_and_is_named_after_its_version() -> None:
    catalog = load_catalog(TEXTS_DIR)
    assert len(catalog.versions) >= 2
    for version in catalog.versions:
        assert 8 <= len(version.commitments) <= 10
        assert (TEXTS_DIR / f"{version.version}.md").exists()
        assert version.preamble and version.closing.startswith("## ")


def test_the_shipped_texts_state_the_legal_maximum_and_the_fixed_indemnity() -> None:
    for version in load_charter().versions:
        text = " ".join(c.text for c in version.commitments)
        assert "60 jours" in text and "45 jours fin de mois" in text and "40 euros" in text


def test_a_text_is_read_into_numbered_commitments_with_unwrapped_paragraphs() -> None:
    version = parse_charter(charter_source(commitments=9))
    assert (version.version, version.effective_on, version.title) == ("2030-01", date(2030, 1, 2), "Charte")
    assert [c.number for c in version.commitments] == list(range(1, 10))
    assert version.commitments[2].text == "Nous tenons l'engagement 3."
    assert version.preamble == "Préambule."
    assert version.closing == "## Contrôle\n\nSuspension."


@pytest.mark.parametrize(
    ("source", "message"),
    [
        (charter_source(commitments=7), "7 commitments"),
        (charter_source(commitments=11), "11 commitments"),
        (charter_source(start=2), "numbered"),
        (charter_source(version="janvier"), "version"),
        (charter_source(day="02/01/2030"), "date"),
        ("# Charte sans en-tête\n", "front matter"),
    ],
)
def test_a_malformed_text_is_refused(source: str, message: str) -> None:
    with pytest.raises(CharterTextError, match=message):
        parse_charter(source)


def test_a_file_must_be_named_after_its_version(tmp_path: Path) -> None:
    (tmp_path / "2030-02.md").write_text(charter_source(version="2030-01"), encoding="utf-8")
    with pytest.raises(CharterTextError, match="file name"):
        load_catalog(tmp_path)


def test_versions_must_follow_one_another_in_time() -> None:
    older, newer = parse_charter(charter_source()), parse_charter(charter_source(version="2030-06", day="2029-12-01"))
    with pytest.raises(CharterTextError, match="out of order"):
        CharterCatalog((older, newer))


def test_the_current_version_is_the_latest_whose_date_has_come() -> None:
    catalog = load_charter()
    switch = catalog.get(NEXT_VERSION).effective_on
    assert catalog.current(date(2026, 3, 2)).version == VERSION
    assert catalog.current(switch).version == NEXT_VERSION
    assert catalog.superseded_on(VERSION, date(2026, 3, 2)) is None
    assert catalog.superseded_on(VERSION, switch) == switch
    assert [v.version for v in catalog.published(date(2026, 3, 2))] == [VERSION]


def test_get_charter_returns_the_version_in_force(charter: FlaskClient) -> None:
    body = charter.get("/charter").json
    assert (body["version"], body["current"], body["superseded_on"]) == (VERSION, True, None)
    assert body["commitments"][0] == {
        "number": 1,
        "title": "Payer à l'échéance convenue",
        "text": "Nous réglons chaque facture à la date d'échéance convenue avec le fournisseur, "
        "sans attendre de relance.",
    }
    assert body["markdown"].startswith("Un retard de paiement")


def test_older_versions_stay_readable_once_a_new_one_is_in_force(charter: FlaskClient, clock: FixedClock) -> None:
    clock.now = load_charter().get(NEXT_VERSION).effective_at
    listing = charter.get("/charter/versions").json
    assert listing["current_version"] == NEXT_VERSION
    assert [(v["version"], v["current"]) for v in listing["versions"]] == [(NEXT_VERSION, True), (VERSION, False)]
    older = charter.get(f"/charter/versions/{VERSION}").json
    assert (older["current"], older["superseded_on"], len(older["commitments"])) == (False, "2026-09-01", 8)
    assert charter.get("/charter").json["version"] == NEXT_VERSION


def test_a_version_not_yet_in_force_is_not_shown(charter: FlaskClient) -> None:
    response = charter.get(f"/charter/versions/{NEXT_VERSION}")
    assert response.status_code == 404
    assert response.mimetype == "application/problem+json"
    assert charter.get("/charter/versions/1999-01").status_code == 404
