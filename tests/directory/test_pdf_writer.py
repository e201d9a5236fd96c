"""The tiny text-PDF writer: readable by a real PDF parser, accents kept, pages flow."""

from datetime import UTC, datetime
from io import BytesIO

from pypdf import PdfReader

from functions.core.pdf import BOLD, REGULAR, TextPdf, text_width, wrap


def read_text(data: bytes) -> list[str]:
    return [page.extract_text() for page in PdfReader(BytesIO(data)).pages]


def test_a_letter_is_a_valid_pdf_whose_text_keeps_french_accents_and_the_euro_sign() -> None:
    doc = TextPdf(title="Avis de signalement")
    doc.heading("Avis de signalement d'une facture impayée")
    doc.paragraph("Madame, Monsieur, la société Boulangerie Étoile (créancière) nous a signalé…")
    doc.rows([("Reste dû", "1 234,56\u00a0€"), ("Échéance", "15 janvier 2026")])
    text = read_text(doc.to_bytes())[0]
    assert "facture impayée" in text
    assert "Boulangerie Étoile (créancière)" in text
    assert "1 234,56" in text and "€" in text
    assert "Échéance" in text


def test_parentheses_and_backslashes_are_escaped() -> None:
    doc = TextPdf()
    doc.paragraph(r"Montant (hors taxes) \ réglé")
    assert r"Montant (hors taxes) \ réglé" in read_text(doc.to_bytes())[0]


def test_long_text_flows_onto_new_pages_with_a_numbered_footer() -> None:
    doc = TextPdf(footer="Ardoise")
    for number in range(120):
        doc.paragraph(f"Ligne numéro {number} d'un long document.")
    pages = read_text(doc.to_bytes())
    assert len(pages) >= 3
    assert "Ligne numéro 119" in pages[-1]
    assert f"page {len(pages)}/{len(pages)}" in pages[-1]


def test_the_same_input_gives_the_same_bytes_and_a_title() -> None:
    def build() -> bytes:
        doc = TextPdf(title="Résumé", created=datetime(2026, 3, 2, 9, tzinfo=UTC))
        doc.paragraph("Bonjour")
        return doc.to_bytes()

    assert build() == build()
    assert PdfReader(BytesIO(build())).metadata.title == "Résumé"


def test_lines_wrap_within_the_width_and_bold_text_is_wider() -> None:
    lines = wrap("un deux trois quatre cinq six sept huit neuf dix", REGULAR, 10, 80)
    assert len(lines) > 1
    assert all(text_width(line, REGULAR, 10) <= 80 for line in lines)
    assert text_width("Abc", BOLD, 10) > text_width("Abc", REGULAR, 10)
