"""INSEE's SIRENE files: ``StockUniteLegale`` (legal units) and ``StockEtablissement`` (establishments).

Both are CSV, comma-separated, UTF-8, one header line naming the columns, dates
as ``AAAA-MM-JJ`` and update stamps as ``AAAA-MM-JJTHH:MM:SS``. Columns are read
by name: INSEE adds some over time (2024 added the Lambert coordinates and
``identifiantAdresseEtablissement`` in the middle of the establishments file).
A field INSEE withholds for a record partially diffusible reads ``[ND]``.
The daily update files have the same columns and go through the same reader.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from functions.core.domain.registry import Address, CompanyIdentity

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


def _day(value: str) -> str | None:
    """An ISO date kept as text (``2019-01-01``), None when empty or withheld."""
    value = _visible(value)
    return value[:10] if len(value) >= 10 else None


@dataclass(frozen=True)
class Layout:
    """Where a file's columns are; ``record`` turns one row into the data kept (None: not kept)."""

    kind: str  # "units" or "establishments"
    record: Callable[[Row], dict[str, Any] | None]


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

    def record(row: Row) -> dict[str, Any] | None:
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
        return {
            "siren": siren,
            "name": name,
            "legal_category": row[category].strip(),
            "active": row[state].strip() != "C",
            "state_since": _day(row[since]),
            "diffusible": row[status].strip() == "O",
            "naf_code": _visible(row[naf]),
            "workforce_band": _visible(row[band]),
            "created_on": _day(row[created]),
            "head_office_nic": _visible(row[nic]),
            "updated": row[updated].strip(),
        }

    return Layout("units", record)


def establishment_layout(header: list[str]) -> Layout:
    get = _getter(_indexes(header, ESTABLISHMENT_COLUMNS, ESTABLISHMENT_REQUIRED))

    def record(row: Row) -> dict[str, Any] | None:
        if get(row, "etablissementSiege").strip().lower() != "true":
            return None  # only the head office is kept
        siren = get(row, "siren").strip()
        if len(siren) != 9 or not siren.isdigit():
            return None
        number = " ".join(
            part for part in (_visible(get(row, "numeroVoieEtablissement")), _repetition(get, row)) if part
        )
        return {
            "siren": siren,
            "nic": get(row, "nic").strip(),
            "street_number": number,
            "street_type": _visible(get(row, "typeVoieEtablissement")),
            "street": _visible(get(row, "libelleVoieEtablissement")),
            "postal_code": _visible(get(row, "codePostalEtablissement")),
            "city": _visible(get(row, "libelleCommuneEtablissement")),
            "city_code": _visible(get(row, "codeCommuneEtablissement")),
            "updated": get(row, "dateDernierTraitementEtablissement").strip(),
        }

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


def identity_from(unit: Mapping[str, Any], seat: Mapping[str, Any] | None) -> CompanyIdentity:
    """The domain identity from the stored unit and head office (the latter only if it is the unit's seat)."""
    head_office = None
    if seat is not None and (not unit.get("head_office_nic") or seat.get("nic") == unit["head_office_nic"]):
        head_office = Address(
            seat["street_number"], seat["street_type"], seat["street"], seat["postal_code"], seat["city"],
            seat["city_code"],
        )  # fmt: skip
    return CompanyIdentity(
        siren=unit["siren"],
        name=unit["name"],
        legal_category=unit["legal_category"],
        active=unit["active"],
        state_since=date.fromisoformat(unit["state_since"]) if unit.get("state_since") else None,
        diffusible=unit["diffusible"],
        naf_code=unit.get("naf_code", ""),
        workforce_band=unit.get("workforce_band", ""),
        created_on=date.fromisoformat(unit["created_on"]) if unit.get("created_on") else None,
        head_office_nic=unit.get("head_office_nic", ""),
        head_office=head_office,
        updated=unit.get("updated", ""),
    )
