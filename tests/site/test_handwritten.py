"""The hand-written pages' generated parts: the charter from its versioned texts, the API references, values."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from functions.core.domain.charter import load_charter
from functions.site.handwritten import (
    HandwrittenInputs,
    PageSourceError,
    charter_markdown,
    fill_markers,
    old_version_markdown,
    substitute,
    token_values,
)
from functions.site.openapi_md import cell, openapi_markdown, type_of

OPERATOR = {"name": "Association Ardoise", "email": "contact@ardoise.example.fr"}


def test_the_charter_page_shows_the_version_in_force_and_links_the_earlier_ones() -> None:
    catalog = load_charter()
    text = charter_markdown(catalog, date(2026, 11, 23))
    current = catalog.current(date(2026, 11, 23))
    assert f"Version {current.version}, en vigueur depuis le" in text
    assert "### 1. " in text and current.commitments[0].title in text
    for older in catalog.older_than(current.version):
        assert f"(versions/{older.version}.md)" in text
        page = old_version_markdown(older, catalog, date(2026, 11, 23))
        assert "Version remplacée le" in page and older.commitments[0].title in page


def test_a_charter_version_not_yet_in_force_stays_hidden() -> None:
    catalog = load_charter()
    first = catalog.versions[0]
    text = charter_markdown(catalog, first.effective_on)
    assert f"Version {first.version}," in text and "versions précédentes" not in text.lower()


def test_each_function_s_openapi_document_becomes_a_readable_reference(inputs: HandwrittenInputs) -> None:
    for name, document in inputs.openapi.items():
        text = openapi_markdown(document)
        for path, item in document["paths"].items():
            for method in item:
                assert f"### `{method.upper()} {path}`" in text, (name, method, path)
        for schema in document["components"]["schemas"]:
            assert f"### {schema} {{ #schema-" in text, (name, schema)


def test_schema_types_are_described_in_french_and_table_cells_are_escaped() -> None:
    assert type_of({"$ref": "#/components/schemas/Report"}) == "[`Report`](#schema-report)"
    assert type_of({"anyOf": [{"type": "string", "format": "date"}, {"type": "null"}]}) == "texte (date) ou null"
    assert type_of({"type": "array", "items": {"type": "integer"}}) == "liste de entier"
    assert cell("a | b <script>\nc") == "a \\| b &lt;script&gt; c"


def test_values_and_markers_are_filled_and_unknown_ones_fail_the_build(inputs: HandwrittenInputs) -> None:
    values = token_values(inputs, OPERATOR)
    assert substitute("au moins {{ min_amount }}, {{ grace_days }} jours", values) == "au moins 100\u00a0€, 15 jours"
    assert "contact@ardoise.example.fr" in substitute("[{{ operator.email }}]", values)
    with pytest.raises(PageSourceError):
        substitute("{{ nulle_part }}", values)
    with pytest.raises(PageSourceError):
        fill_markers("<!-- ardoise:inconnu -->", inputs, OPERATOR)
    assert "| `pro` | 1\u202f000 |" in fill_markers("<!-- ardoise:forfaits -->", inputs, OPERATOR)


def test_the_hand_written_pages_are_french_and_named_in_the_navigation(mkdocs_build: Path) -> None:
    pages = ["", "entreprises/", "signaler-un-impaye/", "repondre-ou-contester/", "charte/", "charte/signer/",
             "charte/signataires/", "abonnes-et-api/", "abonnes-et-api/annuaire/", "abonnes-et-api/charte/",
             "abonnes-et-api/syntheses/", "mentions-legales/", "donnees-personnelles/"]  # fmt: skip
    for page in pages:
        html = (mkdocs_build / page / "index.html").read_text()
        assert '<html lang="fr"' in html and html.count("<h1") == 1, page
        assert "{{" not in html and "<!-- ardoise:" not in html, page
    privacy = (mkdocs_build / "donnees-personnelles" / "index.html").read_text()
    for text in ("Finalités et bases légales", "Intérêt légitime", "24 mois", "5 ans après l'échéance", "CNIL",
                 "accès", "rectification", "opposition", "dpo@ardoise.example.fr"):  # fmt: skip
        assert text in privacy, text
    legal = (mkdocs_build / "mentions-legales" / "index.html").read_text()
    assert "Directeur de la publication" in legal and "Amazon Web Services" in legal
    api = (mkdocs_build / "abonnes-et-api" / "annuaire" / "index.html").read_text()
    assert "GET /companies/{siren}" in api and "Schémas" in api


def test_the_how_to_report_page_explains_the_documents_the_e_invoice_and_the_moderator_s_check(
    mkdocs_build: Path,
) -> None:
    html = (mkdocs_build / "signaler-un-impaye" / "index.html").read_text()
    for text in ("facture_manquante", "preuve_mise_en_demeure_manquante", "preuve de son envoi",
                 "preuve de l'engagement", "Factur-X", "UBL", "CII", "facture-incoherente",
                 "facture-electronique-invalide", "BT-115", "Un modérateur vérifie votre dossier",
                 "son empreinte", "recoupement", "n'est visible nulle part", "207", "212",
                 "télécharger par son lien personnel", "jamais les"):  # fmt: skip
        assert text in html.replace("&#39;", "'").replace("’", "'"), text
