"""Jinja2 rendering of the generated pages inside the chrome of the MkDocs-built pages.

Autoescaping is on for every template: company names, replies and any other
text that users typed reach the HTML escaped, never interpreted (no Markdown
step either: generated pages go straight from records to HTML).
"""

from __future__ import annotations

import re
from datetime import date
from html import escape
from pathlib import Path
from typing import Any

from jinja2 import ChoiceLoader, DictLoader, Environment, FileSystemLoader, StrictUndefined
from markupsafe import Markup

from functions.core.badge import render_badge
from functions.core.domain.charter import SignatureStatus
from functions.core.french import format_eur, long_date, number
from functions.core.usecases.charter.mails import badge_url
from functions.core.usecases.site_snapshot import CompanyRecord
from functions.site.chrome import root_for

TEMPLATES = Path(__file__).with_name("templates")


def date_fr(day: date | None) -> str:
    """The templates' ``date_fr`` filter: ``1er mars 2026``, nothing for a date not known."""
    return long_date(day) if day is not None else ""


def overdue(day: date) -> Markup:
    """The ``overdue`` filter: a due date, and where the browser writes the days overdue as of today.

    ``static/retard.js`` fills the empty span: the page itself states dates only, so that it does
    not change every night. A filter rather than a macro: a macro call costs a company page more
    than all its other values (``bench/site_build.py``).
    """
    iso = day.isoformat()
    return Markup(  # noqa: S704 - the ISO date is digits and dashes; the French date is escaped
        f'<time datetime="{iso}">{escape(long_date(day))}</time>'
        f'<span class="ardoise-retard" data-ardoise-echeance="{iso}" hidden></span>'
    )


CHARTER_LABELS = {
    "active": "Signataire de la charte",
    "suspended": "Signature suspendue",
    "outdated": "Version dépassée",
    "withdrawn": "Signature retirée",
}


def charter_label(status: str) -> str:
    """The ``charter_label`` filter: what a signature's status is called on the site."""
    return CHARTER_LABELS[status]


def spaced_siren(siren: str) -> str:
    """Write a SIREN in groups of three digits, as on a Kbis: ``552 100 554``."""
    return " ".join(siren[i : i + 3] for i in range(0, len(siren), 3))


def page_file(url: str) -> str:
    """Return the file that serves a page URL: ``entreprises/x/`` -> ``entreprises/x/index.html``."""
    return url + "index.html" if url == "" or url.endswith("/") else url


def base_for(root: str) -> str:
    """Material's ``__config.base``: the root as a path without its trailing slash."""
    return root.rstrip("/") or "."


class Renderer:
    """The templates of one build: the chromes cut from MkDocs pages plus the generator's own.

    Nothing rendered depends on the day of the build (no "as of" date, no count
    of days): a page changes when its data does, so a quiet day uploads nothing.
    """

    def __init__(self, chromes: dict[str, str], *, base_url: str, charter_version: str) -> None:
        self.base_url = base_url.rstrip("/")
        self.charter_version = charter_version
        self.chromes = dict(chromes)
        loader = ChoiceLoader(
            [
                DictLoader({f"chrome/{name}.html": source for name, source in chromes.items()}),
                FileSystemLoader(TEMPLATES),
            ]
        )
        self.env = Environment(
            loader=loader, autoescape=True, trim_blocks=True, lstrip_blocks=True, undefined=StrictUndefined
        )
        self.env.filters.update(
            eur=format_eur, date_fr=date_fr, siren=spaced_siren, number=number, overdue=overdue,
            charter_label=charter_label,
        )  # fmt: skip
        self._company = self.env.get_template("company.html")
        self._frame = self.env.get_template("frame.html")
        self._frames: dict[str, list[str]] = {}
        self._list_page = self.env.get_template("list_page.html")

    def page_context(self, url: str, *, title: str, description: str) -> dict[str, Any]:
        root = root_for(url)
        return {
            "root": root,
            "base": base_for(root),
            "canonical": f"{self.base_url}/{url}",
            "title": title,
            "topic": title,
            "description": description,
            "anchor": "contenu",
            "charter_version": self.charter_version,
        }

    def company_page(self, record: CompanyRecord) -> str:
        """Render one company's page."""
        url = record.path.lstrip("/")
        if record.reports:
            description = (
                f"{record.name} (SIREN {spaced_siren(record.siren)}) : {len(record.reports)} facture(s) impayée(s) "
                f"publiée(s), {format_eur(record.outstanding_cents)} restant dus."
            )
        else:
            description = f"{record.name} (SIREN {spaced_siren(record.siren)}) : aucun impayé publié."
        context = self.page_context(url, title=record.name, description=description)
        context.update(c=record, badge_snippet=self.badge_snippet(record), badge=self.badge(record))
        values = {
            "title": escape(record.name),
            "description": escape(description),
            "canonical": escape(context["canonical"]),
            "content": self._company.render(context),
        }
        return "".join(values[part[1:-1]] if part[:1] == "\0" else part for part in self.frame(context["root"]))

    def frame(self, root: str) -> list[str]:
        """The company pages' chrome at one depth, rendered once, cut where each page puts its own values.

        Every company page sits at the same depth: rendering the chrome (its 60
        re-rooted links) once instead of once a page halves the rendering time.
        """
        if root not in self._frames:
            marks = {name: f"\0{name}\0" for name in ("title", "description", "canonical", "content")}
            html = self._frame.render(
                chrome="chrome/annuaire.html", root=root, base=base_for(root), topic=marks["title"], anchor="contenu",
                **marks,
            )  # fmt: skip
            self._frames[root] = [part for part in re.split(r"(\0[a-z]+\0)", html) if part]
        return self._frames[root]

    def badge(self, record: CompanyRecord) -> Markup:
        """The signatory's badge, inline (one file less per signatory); its name is XML-escaped by the charter."""
        if record.charter is None:
            return Markup("")
        svg = render_badge(record.name, SignatureStatus(record.charter.status), None)  # this page: no link to itself
        return Markup(svg.partition("?>")[2].strip())  # noqa: S704 - markup built by render_badge, which escapes

    def badge_snippet(self, record: CompanyRecord) -> str:
        """The HTML a signatory copies onto its own site (shown as text on its page)."""
        alt = escape(f"Charte Ardoise des délais de paiement : {record.name}")
        page = f"{self.base_url}{record.path}"
        return f'<a href="{page}">\n  <img src="{badge_url(self.base_url, record.siren)}" alt="{alt}">\n</a>'

    def list_page(
        self, url: str, *, chrome: str, heading: str, description: str, list_template: str, **values: Any
    ) -> str:
        """Render a page of a paged list (the first page of each list is a hand-written page's slot)."""
        context = self.page_context(url, title=heading, description=description)
        context.update(chrome=f"chrome/{chrome}.html", heading=heading, list_template=list_template, **values)
        return self._list_page.render(context)

    def fragment(self, template: str, *, url: str, **values: Any) -> str:
        """Render a piece that fills a slot of a hand-written page at ``url``."""
        root = root_for(url)
        return self.env.get_template(template).render(root=root, **values)
