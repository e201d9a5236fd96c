"""Generated pages: what a company page shows, escaping of user text, French formats, the chrome."""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

from functions.site.builder import SiteBuilder
from functions.site.chrome import chrome_template, root_for
from functions.site.handwritten import HandwrittenInputs
from functions.site.render import date_fr, spaced_siren
from tests.site.factories import make_listed_report, make_record, make_signatory, make_snapshot, make_standing

GOLDEN = Path(__file__).with_name("golden")
HOSTILE = "<script>alert('x')</script> **gras** [lien](javascript:alert(1)) <img src=x onerror=alert(2)>"


def article(html: str) -> str:
    return html[html.index('<article class="md-content__inner md-typeset">') : html.index("</article>") + 10]


def build_one(make_builder: Callable[..., SiteBuilder], inputs: HandwrittenInputs, *records: object) -> SiteBuilder:
    builder = make_builder()
    builder.build(make_snapshot(*records), inputs)  # type: ignore[arg-type]
    return builder


def company_page(builder: SiteBuilder, record: Any) -> str:
    return builder.read(record.path.strip("/") + "/index.html").decode()


def test_sirens_are_spaced_and_an_unknown_date_is_left_blank() -> None:
    assert spaced_siren("552100554") == "552 100 554"
    assert date_fr(date(2026, 3, 1)) == "1er mars 2026"
    assert date_fr(None) == ""


def test_a_company_page_matches_its_golden_file(
    make_builder: Callable[..., SiteBuilder], inputs: HandwrittenInputs
) -> None:
    reply = "Nous contestons le montant : la livraison du 12 janvier était incomplète.\nUn avoir a été demandé."
    record = make_record(
        reports=(
            make_listed_report(reply=reply),
            make_listed_report(
                issue_date=date(2026, 4, 2), due_date=date(2026, 5, 2), amount_cents=310_00, outstanding_cents=310_00
            ),
        ),
        charter=make_standing(
            status="suspended",
            since=date(2026, 10, 13),
            reason="Au moins un signalement d'impayé est publié dans l'annuaire Ardoise.",
        ),
    )
    page = article(company_page(build_one(make_builder, inputs, record), record))
    golden = GOLDEN / "company_page.html"
    if os.environ.get("ARDOISE_UPDATE_GOLDEN") == "1":  # after a deliberate change: rewrite, then review the diff
        golden.write_text(page)
    assert page == golden.read_text()


def test_a_company_page_shows_what_is_still_owed_never_the_invoice_amount(
    make_builder: Callable[..., SiteBuilder], inputs: HandwrittenInputs
) -> None:
    # The debtor's notice promises that only the outstanding amount, the dates and its reply are published.
    record = make_record(reports=(make_listed_report(amount_cents=4_000_00, outstanding_cents=1_500_00),))
    html = company_page(build_one(make_builder, inputs, record), record)
    assert "1\u202f500,00\u00a0€" in html
    assert "4\u202f000,00" not in html


def test_a_company_page_shows_amounts_dates_where_the_browser_counts_days_overdue_and_the_reply(
    make_builder: Callable[..., SiteBuilder], inputs: HandwrittenInputs
) -> None:
    record = make_record(reports=(make_listed_report(reply="Un échéancier a été proposé."),))
    html = company_page(build_one(make_builder, inputs, record), record)
    for text in ("Boulangerie Martin et Fils", "552 100 554", "980,50\u00a0€",
                 "impayée depuis", "Un échéancier a été proposé."):  # fmt: skip
        assert text in html, text
    assert '<time datetime="2026-02-11">11 février 2026</time>' in html
    assert re.search(r'<script src="\.\./\.\./assets/ardoise/retard\.[0-9a-f]{8}\.js" defer></script>', html)
    assert html.count("<h1") == 1 and '<html lang="fr"' in html


def test_user_text_reaches_the_page_escaped_never_interpreted(
    make_builder: Callable[..., SiteBuilder], inputs: HandwrittenInputs
) -> None:
    record = make_record(name=f"ACME {HOSTILE}", reports=(make_listed_report(reply=HOSTILE),), charter=make_standing())
    builder = build_one(make_builder, inputs, record)
    out = builder.out
    page = company_page(builder, record)
    body = article(page)
    assert "<script>alert" not in page and "<img src=x" not in page and "<strong>gras" not in body
    assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; **gras** [lien](javascript:alert(1))" in body
    title = re.search(r"<title>(.*?)</title>", page)
    assert title is not None and "&lt;script&gt;" in title.group(1)
    for listing in ("entreprises/index.html", "charte/signataires/index.html", "charte/index.html"):
        assert "<script>alert" not in (out / listing).read_text(), listing
    # The search shards carry the name as JSON data; recherche.js writes it with textContent (browser tests).
    import json

    rows = json.loads(builder.read("recherche/ac.json"))["r"]
    assert rows[0][1] == f"ACME {HOSTILE}"


def test_a_signatory_without_reports_shows_its_charter_status_and_badge(
    make_builder: Callable[..., SiteBuilder], inputs: HandwrittenInputs
) -> None:
    record = make_signatory()
    html = company_page(build_one(make_builder, inputs, record), record)
    assert "Aucune facture impayée de cette entreprise n'est publiée" in html
    assert "Signataire de la charte" in html and "le 14 septembre 2026" in html
    assert "<svg" in html and "/api/charter/signatures/732829320/badge.svg" in html


def test_the_chrome_is_re_rooted_for_pages_deeper_than_the_one_it_was_cut_from(mkdocs_build: Path) -> None:
    source = (mkdocs_build / "entreprises" / "index.html").read_text()
    template = chrome_template(source, "entreprises/")
    from jinja2 import Environment

    html = (
        Environment(autoescape=True)
        .from_string(template)
        .render(
            title="T",
            description="D",
            canonical="C",
            topic="T",
            root=root_for("entreprises/x/"),
            base="../..",
            anchor="contenu",
        )
    )
    assert ('href="../../charte/"' in html and 'href="../../assets/' in html) or 'src="../../assets/' in html
    assert 'href="../charte/"' not in html
    assert root_for("") == "" and root_for("entreprises/") == "../" and root_for("entreprises/x/") == "../../"


def test_generated_pages_share_the_header_nav_and_footer_but_stay_out_of_the_nav(
    make_builder: Callable[..., SiteBuilder], inputs: HandwrittenInputs
) -> None:
    record = make_record()
    builder = build_one(make_builder, inputs, record)
    company = company_page(builder, record)
    handwritten = (builder.out / "signaler-un-impaye" / "index.html").read_text()
    for marker in (
        'class="md-header',
        'class="md-nav md-nav--primary"',
        "Mentions légales",
        "assets/ardoise/recherche.",
    ):
        assert marker in company and marker in handwritten, marker
    assert "552100554-" not in handwritten  # the nav names hand-written pages only
    nav = company[
        company.index('class="md-nav md-nav--primary"') : company.index("</nav>", company.index("md-nav--primary"))
    ]
    assert "entreprises/552100554" not in nav


def test_every_page_links_the_accessibility_statement_and_says_its_status(
    make_builder: Callable[..., SiteBuilder], inputs: HandwrittenInputs
) -> None:
    record = make_record()
    builder = build_one(make_builder, inputs, record)
    statement = builder.read("accessibilite/index.html").decode()
    assert "Ce site est <strong>non conforme</strong>" in statement and "Défenseur des droits" in statement
    for page in ("index.html", "entreprises/index.html", record.path.strip("/") + "/index.html", "404.html"):
        assert re.search(
            r'<a href="[./]*accessibilite/">Accessibilité : non conforme</a>', builder.read(page).decode()
        ), page
