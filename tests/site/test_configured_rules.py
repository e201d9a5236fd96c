"""Every page of the site states the rules as the platform is configured, never the defaults written in prose."""

from __future__ import annotations

import html
import re
from decimal import Decimal
from pathlib import Path

from functions.site.builder import SiteBuilder
from tests.site.factories import BASE_URL, make_inputs, make_record, make_signatory, make_snapshot

EXPECTED = {
    "index.html": ["au moins 11 jours", "23 jours"],
    "signaler-un-impaye/index.html": ["11 jours", "137 €", "7,5 points", "23 jours", "26 jours"],
    "repondre-ou-contester/index.html": ["23 jours", "26 jours", "41 jours", "7,5 points"],
}
# What the defaults would say, wherever they would say it.
DEFAULTS = [r"\b8 jours", r"\b15 jours", r"\b18 jours", r"\b100 €", r"\b100,00 €", r"\b10 points", r"\b60 jours"]
# Figures that are facts, not settings: the legal payment terms (L441-10), the payment index's scale, the charter's
# own commitments (a signatory's promise, in its versioned text).
CONSTANT_FACTS = [
    r"\b60 jours (après|à compter)",  # L441-10
    r"motifs à l'appui, dans les 15 jours",  # the charter, 2026-09, commitment 4
    r"\b15 jours de retard", r"\b40 : 60 jours", r"\b15 jours 70\b", r"\b60 jours 40\b",  # the payment index scale
]  # fmt: skip


def page_text(path: Path) -> str:
    text = re.sub(r"<script.*?</script>|<style.*?</style>", " ", path.read_text(), flags=re.S)
    text = html.unescape(re.sub(r"<[^>]+>", " ", text)).replace("\u202f", " ").replace("\u00a0", " ")
    return re.sub(r"\s+", " ", text)


def test_every_page_states_the_configured_delays_and_amounts_and_none_of_the_defaults(tmp_path: Path) -> None:
    builder = SiteBuilder(tmp_path / "build", base_url=BASE_URL, workers=1)
    # Not the defaults (8, 15, 100 EUR, 10 points, 60 days), and none of them a legal figure the pages quote.
    configured = make_inputs(
        notice_days=11, grace_days=23, min_amount_cents=137_00, penalty_points=Decimal("7.5"), reply_link_days=41
    )
    builder.build(make_snapshot(make_record(), make_signatory()), configured)
    pages = sorted(builder.out.rglob("*.html"))
    assert len(pages) >= 20  # the hand-written pages, the company pages and the lists
    stated_defaults = []
    for page in pages:
        text = page_text(page)
        for fact in CONSTANT_FACTS:
            text = re.sub(fact, "", text)
        name = page.relative_to(builder.out)
        stated_defaults += [f"{name}: {found.group(0)}" for d in DEFAULTS for found in re.finditer(d, text)]
    assert stated_defaults == []
    for path, phrases in EXPECTED.items():
        text = page_text(builder.out / path)
        assert [phrase for phrase in phrases if phrase not in text] == [], path
