"""INSEE's SIRENE files: ``StockUniteLegale`` (legal units) and ``StockEtablissement`` (establishments).

Both are CSV, comma-separated, UTF-8, one header line naming the columns, dates
as ``AAAA-MM-JJ`` and update stamps as ``AAAA-MM-JJTHH:MM:SS``. Columns are read
by name: INSEE adds some over time (2024 added the Lambert coordinates and
``identifiantAdresseEtablissement`` in the middle of the establishments file).
A field INSEE withholds for a record partially diffusible reads ``[ND]``.
The daily update files have the same columns and go through the same reader.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from functions.core.domain.registry import CompanyIdentity, HeadOffice

WITHHELD = "[ND]"

UNIT_COLUMNS = (
    "siren",
    "statutDiffusionUniteLegale",
    "dateCreationUniteLegale",
    "prenom1UniteLegale",
    "prenomUsuelUniteLegale",
    "trancheEffectifsUniteLegale",
    "dateDernierTraitementUniteLegale",
    "dateDebut",
    "etatAdministratifUniteLegale",
    "nomUniteLegale",
    "nomUsageUniteLegale",
    "denominationUniteLegale",
    "categorieJuridiqueUniteLegale",
    "activitePrincipaleUniteLegale",
    "nicSiegeUniteLegale",
)
UNIT_REQUIRED = ("siren", "etatAdministratifUniteLegale", "categorieJuridiqueUniteLegale", "denominationUniteLegale")

ESTABLISHMENT_COLUMNS = (
    "siren",
    "nic",
    "etablissementSiege",
    "dateDernierTraitementEtablissement",
    "numeroVoieEtablissement",
    "indiceRepetitionEtablissement",
    "typeVoieEtablissement",
    "libelleVoieEtablissement",
    "codePostalEtablissement",
    "libelleCommuneEtablissement",
    "codeCommuneEtablissement",
)
ESTABLISHMENT_REQUIRED = ("siren", "nic", "etablissementSiege", "libelleVoieEtablissement", "codePostalEtablissement")

Row = list[str]


class UnknownLayout(ValueError):
    """A file whose header is neither SIRENE layout (or lacks a column the import needs)."""


def _visible(value: str) -> str:
    value = value.strip()
    return "" if value == WITHHELD else value


def _day(value: str) -> date | None:
    """An ISO date (``2019-01-01``), None when empty, withheld or not a date."""
    value = value.strip()
    try:
        return date.fromisoformat(value[:10]) if len(value) >= 10 else None
    except ValueError:
        return None


@dataclass(frozen=True)
class Layout:
    """Where a file's columns are; ``record`` turns one row into the record kept (None: not kept)."""

    kind: str  # "units" or "establishments"
    record: Callable[[Row], CompanyIdentity | HeadOffice | None]


def _indexes(header: list[str], columns: tuple[str, ...], required: tuple[str, ...]) -> dict[str, int]:
    missing = [name for name in required if name not in header]
    if missing:
        raise UnknownLayout(f"missing column(s): {', '.join(missing)}")
    return {name: header.index(name) for name in columns if name in header}


def _getter(indexes: dict[str, int]) -> Callable[[Row, str], str]:
    def get(row: Row, name: str) -> str:
        index = indexes.get(name)
        return row[index] if index is not None and index < len(row) else ""

    return get


def _padded(width: int) -> Callable[[Row], Row]:
    def pad(row: Row) -> Row:
        return row if len(row) >= width else row + [""] * (width - len(row))

    return pad


def unit_layout(header: list[str]) -> Layout:
    at = _indexes(header, UNIT_COLUMNS, UNIT_REQUIRED)
    pad = _padded(len(header))
    # Columns a file may lack read from an always-empty cell past the row's end.
    empty = len(header)
    (siren_, name_, category, state, since, status, naf, band, created, nic, updated, first1, first_usual, last,
     last_usage) = (
        at.get(column, empty)
        for column in (
            "siren", "denominationUniteLegale", "categorieJuridiqueUniteLegale", "etatAdministratifUniteLegale",
            "dateDebut", "statutDiffusionUniteLegale", "activitePrincipaleUniteLegale", "trancheEffectifsUniteLegale",
            "dateCreationUniteLegale", "nicSiegeUniteLegale", "dateDernierTraitementUniteLegale", "prenom1UniteLegale",
            "prenomUsuelUniteLegale", "nomUniteLegale", "nomUsageUniteLegale",
        )
    )  # fmt: skip

    def record(row: Row) -> CompanyIdentity | None:
        row = pad(row)
        row.append("")
        siren = row[siren_].strip()
        if len(siren) != 9 or not siren.isdigit():
            return None
        name = _visible(row[name_])
        if not name:  # a natural person: first name and surname (the usage ones first)
            first = _visible(row[first_usual]) or _visible(row[first1])
            surname = _visible(row[last_usage]) or _visible(row[last])
            name = f"{first} {surname}".strip()
        return CompanyIdentity(
            siren,
            name,
            row[category].strip(),
            row[state].strip() != "C",  # etatAdministratifUniteLegale: A (active) or C (ceased)
            _day(row[since]),
            row[status].strip() == "O",
            _visible(row[naf]),
            _visible(row[band]),
            _day(row[created]),
            _visible(row[nic]),
            updated=row[updated].strip(),
        )

    return Layout("units", record)


def establishment_layout(header: list[str]) -> Layout:
    get = _getter(_indexes(header, ESTABLISHMENT_COLUMNS, ESTABLISHMENT_REQUIRED))

    def record(row: Row) -> HeadOffice | None:
        if get(row, "etablissementSiege").strip().lower() != "true":
            return None  # only the head office is kept
        siren = get(row, "siren").strip()
        if len(siren) != 9 or not siren.isdigit():
            return None
        number = " ".join(
            part for part in (_visible(get(row, "numeroVoieEtablissement")), _repetition(get, row)) if part
        )
        return HeadOffice(
            siren,
            get(row, "nic").strip(),
            number,
            _visible(get(row, "typeVoieEtablissement")),
            _visible(get(row, "libelleVoieEtablissement")),
            _visible(get(row, "codePostalEtablissement")),
            _visible(get(row, "libelleCommuneEtablissement")),
            _visible(get(row, "codeCommuneEtablissement")),
            get(row, "dateDernierTraitementEtablissement").strip(),
        )

    return Layout("establishments", record)


def _repetition(get: Callable[[Row, str], str], row: Row) -> str:
    # INSEE writes B, T, Q... for bis, ter, quater.
    return {"B": "bis", "T": "ter", "Q": "quater"}.get(_visible(get(row, "indiceRepetitionEtablissement")), "")


def layout_of(header: list[str]) -> Layout:
    """Recognise a SIRENE file by its header: legal units or establishments."""
    if "etablissementSiege" in header:
        return establishment_layout(header)
    if "denominationUniteLegale" in header:
        return unit_layout(header)
    raise UnknownLayout("neither a StockUniteLegale nor a StockEtablissement header")
