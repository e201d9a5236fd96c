"""What the hand-written pages take from the code: rules, plans, the charter, the APIs.

Pure functions from data to Markdown (golden-tested); ``hooks.py`` places them in
the pages while MkDocs builds. :class:`HandwrittenInputs` gathers every value
they depend on, so that the site builder can tell from its digest whether the
MkDocs part of the site must be built again.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from functions.core.config import Settings, load_settings
from functions.core.domain.charter import CharterCatalog, CharterVersion, load_charter
from functions.core.domain.evidence import MAX_EVIDENCE_BYTES
from functions.core.domain.lifecycle import POSTAL_DELAY_DAYS
from functions.core.domain.penalties import FIXED_INDEMNITY_CENTS
from functions.core.french import NBSP, long_date, number, round_eur
from functions.core.usecases.directory.wording import points

FUNCTIONS = ("directory", "charter", "reports")
_TOKEN = re.compile(r"\{\{\s*([a-z_.]+)\s*\}\}")
_MARKER = re.compile(r"<!--\s*ardoise:([a-z-]+)(?:\s+([a-z]+))?\s*-->")


class PageSourceError(ValueError):
    """A hand-written page names a value or a marker the builder does not know."""


@dataclass(frozen=True)
class HandwrittenInputs:
    """Everything the hand-written pages show that does not come from their Markdown files."""

    today: date
    notice_days: int
    grace_days: int
    min_amount_cents: int
    penalty_points: Decimal
    reply_link_days: int
    plans: tuple[tuple[str, int], ...]
    openapi: Mapping[str, Any] = field(default_factory=dict)

    def digest(self) -> str:
        """What the pages are made from; the day counts only through the charter versions in force.

        The pages show which versions of the charter are in force (a new text can be
        committed ahead of its date), nothing else about the day: a day passing
        must not rebuild them.
        """
        values = asdict(self)
        values["today"] = [version.version for version in load_charter().published(self.today)]
        data = json.dumps(values, sort_keys=True, default=str, ensure_ascii=False)
        return hashlib.blake2b(data.encode(), digest_size=16).hexdigest()


def openapi_documents() -> dict[str, Any]:
    """Return each function's OpenAPI document, as its ``/openapi.json`` serves it."""
    import importlib

    settings = load_settings({"ARDOISE_SECRET_KEY": "openapi-documents-only"})
    documents = {}
    for name in FUNCTIONS:
        module = importlib.import_module(f"functions.{name}.app")
        response = module.create_app(settings=settings).test_client().get("/openapi.json")
        documents[name] = response.get_json()
    return documents


def handwritten_inputs(settings: Settings, today: date) -> HandwrittenInputs:
    return HandwrittenInputs(
        today=today,
        notice_days=settings.notice_days,
        grace_days=settings.grace_days,
        min_amount_cents=settings.min_amount_cents,
        penalty_points=settings.penalty_points,
        reply_link_days=settings.reply_link_days,
        plans=tuple(settings.plans),
        openapi=openapi_documents(),
    )


def substitute(markdown: str, values: Mapping[str, str]) -> str:
    """Replace ``{{ name }}`` tokens; an unknown name is an error, not a silent blank."""

    def value(match: re.Match[str]) -> str:
        name = match.group(1)
        if name not in values:
            raise PageSourceError(f"unknown value {{{{ {name} }}}}")
        return values[name]

    return _TOKEN.sub(value, markdown)


def token_values(inputs: HandwrittenInputs, operator: Mapping[str, str]) -> dict[str, str]:
    """The values a page names as ``{{ name }}``: every figure that is a setting or a rule of the code."""
    values = {
        "charter_version": load_charter().current(inputs.today).version,
        "notice_days": str(inputs.notice_days),
        "grace_days": str(inputs.grace_days),
        "postal_grace_days": str(inputs.grace_days + POSTAL_DELAY_DAYS),
        "min_amount": round_eur(inputs.min_amount_cents),
        "penalty_points": points(inputs.penalty_points),
        "indemnity": round_eur(FIXED_INDEMNITY_CENTS),
        "reply_link_days": str(inputs.reply_link_days),
        "evidence_size": f"{MAX_EVIDENCE_BYTES // 2**20}{NBSP}Mo",
    }
    values.update({f"operator.{key}": str(value) for key, value in operator.items()})
    return values


def operator_markdown(operator: Mapping[str, str]) -> str:
    rows = [
        ("Éditeur", f"{operator['name']}, {operator['legal_form']}"),
        ("Adresse", operator["address"]),
        ("SIREN", operator["siren"]),
        ("Directeur de la publication", operator["director"]),
    ]
    return "\n\n".join(f"{term}\n:   {text}" for term, text in rows) + "\n"


def plans_markdown(plans: tuple[tuple[str, int], ...]) -> str:
    if not plans:
        return "Les forfaits sont fixés par l'opérateur de l'instance.\n"
    lines = ["| Forfait | Synthèses par mois |", "|---|---|"]
    lines += [f"| `{name}` | {number(quota)} |" for name, quota in plans]
    return "\n".join(lines) + "\n"


def version_path(version: CharterVersion) -> str:
    return f"charte/versions/{version.version}.md"


def charter_markdown(catalog: CharterCatalog, today: date) -> str:
    """The charter page's body: the version in force, then the earlier versions."""
    current = catalog.current(today)
    older = [v for v in catalog.published(today) if v.version != current.version]
    lines = [
        f'!!! info "Version {current.version}, en vigueur depuis le {long_date(current.effective_on)}"',
        "    Toute nouvelle version est publiée ici avant d'entrer en vigueur ; "
        "les signataires sont alors invités à la signer.",
        "",
        current.markdown.strip(),
        "",
    ]
    if older:
        lines += ["## Les versions précédentes", ""]
        for version in older:
            until = catalog.superseded_on(version.version, today)
            replaced = f", remplacée le {long_date(until)}" if until else ""
            lines.append(
                f"- [Version {version.version}](versions/{version.version}.md), "
                f"entrée en vigueur le {long_date(version.effective_on)}{replaced}"
            )
        lines.append("")
    return "\n".join(lines)


def old_version_markdown(version: CharterVersion, catalog: CharterCatalog, today: date) -> str:
    """A page for a replaced version: the text as it was signed, marked as replaced."""
    until = catalog.superseded_on(version.version, today)
    return "\n".join(
        [
            "---",
            f"title: Charte, version {version.version}",
            f"description: La version {version.version} de la charte Ardoise des délais de paiement, remplacée depuis.",
            "---",
            "",
            f"# {version.title}, version {version.version}",
            "",
            f'!!! warning "Version remplacée le {long_date(until)}"' if until else '!!! warning "Version remplacée"',
            f"    Cette version est entrée en vigueur le {long_date(version.effective_on)}. "
            "[Lire la version en vigueur](../index.md).",
            "",
            version.markdown.strip(),
            "",
        ]
    )


def fill_markers(markdown: str, inputs: HandwrittenInputs, operator: Mapping[str, str]) -> str:
    """Replace the ``<!-- ardoise:... -->`` markers of a hand-written page."""
    catalog = load_charter()

    def content(match: re.Match[str]) -> str:
        name, argument = match.group(1), match.group(2)
        if name == "charte":
            return charter_markdown(catalog, inputs.today)
        if name == "operateur":
            return operator_markdown(operator)
        if name == "forfaits":
            return plans_markdown(inputs.plans)
        if name == "openapi" and argument in inputs.openapi:
            from functions.site.openapi_md import openapi_markdown

            return openapi_markdown(inputs.openapi[argument])
        raise PageSourceError(f"unknown marker {match.group(0)}")

    return _MARKER.sub(content, markdown)
