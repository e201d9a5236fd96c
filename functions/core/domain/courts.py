"""The court an injonction de payer goes to: the commercial court of the debtor's seat, from a shipped table.

CPC art. 1406: the request goes to the court of the place where the debtor
lives (a company: its seat), a rule the parties cannot set aside. The table
(``functions/core/data/tribunaux_de_commerce.csv``) maps a département to its
commercial courts — tribunaux de commerce, the tribunaux des activités
économiques trialled since 2025, the commercial chambers of the tribunaux
judiciaires in Alsace-Moselle — with the cour d'appel each belongs to (whose
ressort sets which commissaire de justice runs a petites créances procedure).

The table is partial and says so in its header: a département with one court
gets that court as the default answer, one with several gets the list (the
ressorts within a département are not in the file), an absent one gets none;
in every case the creditor confirms or types the court.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from functools import cache
from importlib import resources

TABLE_FILE = "tribunaux_de_commerce.csv"
_POSTAL_CODE = re.compile(r"\b(\d{5})\b")
OTHER_COURT = "autre"


@dataclass(frozen=True)
class Court:
    """A court the creditor files with (from the table, or typed by the creditor: ``code`` OTHER_COURT)."""

    code: str
    name: str
    appeal_court: str = ""  # the cour d'appel's seat ("Paris"), empty when typed and not given
    address: str = ""


@dataclass(frozen=True)
class CourtTable:
    """The shipped table: its source lines and its courts by département."""

    source: tuple[str, ...]
    courts: dict[str, tuple[Court, ...]]

    def by_code(self, code: str) -> Court | None:
        for courts in self.courts.values():
            for court in courts:
                if court.code == code:
                    return court
        return None


@dataclass(frozen=True)
class CourtProposal:
    """What the table proposes for a debtor's seat: the courts of its département, and from what it read."""

    departement: str | None
    candidates: tuple[Court, ...]
    basis: str  # French: where the seat came from

    @property
    def default(self) -> Court | None:
        """The table's answer when the département has exactly one court."""
        return self.candidates[0] if len(self.candidates) == 1 else None


def parse_table(text: str) -> CourtTable:
    """Read the table: ``#`` lines are its source, then ``departement,code,nom,cour_appel`` rows."""
    source = tuple(line.removeprefix("#").strip() for line in text.splitlines() if line.startswith("#"))
    rows = csv.DictReader(line for line in text.splitlines() if line and not line.startswith("#"))
    courts: dict[str, list[Court]] = {}
    for row in rows:
        courts.setdefault(row["departement"], []).append(Court(row["code"], row["nom"], row["cour_appel"]))
    return CourtTable(source, {dept: tuple(found) for dept, found in courts.items()})


@cache
def court_table() -> CourtTable:
    """The table shipped with Ardoise (read once)."""
    return parse_table(resources.files("functions.core").joinpath("data", TABLE_FILE).read_text("utf-8"))


def departement_of(city_code: str = "", postal_code: str = "") -> str | None:
    """The département of a commune's INSEE code (``2A004``, ``97411``), else of a postal code; None if neither.

    INSEE codes say Corsica's two départements (2A, 2B); a Corsican postal code
    does too by its third digit (200-201: 2A, 202-206: 2B).
    """
    code = city_code.strip().upper()
    if len(code) == 5:
        return code[:3] if code.startswith("97") else code[:2]
    digits = postal_code.strip()
    if len(digits) != 5 or not digits.isdigit():
        return None
    if digits.startswith("97"):
        return digits[:3]
    if digits.startswith("20"):
        return "2A" if digits[2] in "01" else "2B"
    return digits[:2]


def postal_code_in(address: str) -> str:
    """The last five-digit group of a typed postal address ("12 rue de la Paix, 75002 Paris": 75002)."""
    found = _POSTAL_CODE.findall(address)
    return found[-1] if found else ""


def propose_court(table: CourtTable, departement: str | None, basis: str) -> CourtProposal:
    """The courts the table knows for the département of the debtor's seat (none when it is not covered)."""
    candidates = table.courts.get(departement, ()) if departement else ()
    return CourtProposal(departement, candidates, basis)
