"""A portfolio of up to :data:`MAX_LINES` companies watched at once, from a CSV file.

The file is UTF-8 (with or without its BOM), ``,`` or ``;`` separated, one company
a line in its ``siren`` column (the watchlist's export is such a file), or one
SIREN a line with no header at all. A SIRET is read as its SIREN, as on the API.

Refused as a whole, with nothing applied: a file that is not UTF-8, empty, without
a ``siren`` column, or of more than :data:`MAX_LINES` lines. Otherwise each line is
checked (the SIREN's check digit, a company already on an earlier line); the good
ones are watched, in bulk, and each wrong one comes back with its line number in
the file (the header is line 1) and its errors in French. Sending the same file
again watches nothing twice: a company watched already keeps the date it was added.
"""

from __future__ import annotations

import csv
import io
from typing import Any

from functions.core.domain.subscribers import Subscriber
from functions.core.errors import BadRequest, FieldError, PayloadTooLarge
from functions.core.identifiers import InvalidIdentifier, parse_company
from functions.core.resources import Resources
from functions.core.validation import SIREN_MAX_LENGTH

MAX_LINES = 10_000
COLUMN = "siren"


def read_lines(raw: bytes) -> list[tuple[int, str]]:
    """Return the file's (line number, SIREN cell) pairs; 400/413 when the whole file is refused."""
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise BadRequest("Le fichier doit être un CSV encodé en UTF-8.") from exc
    rows = csv.reader(io.StringIO(text), delimiter=_delimiter(text))
    numbered = [(number, row) for number, row in enumerate(rows, start=1) if any(cell.strip() for cell in row)]
    if not numbered:
        raise BadRequest("Le fichier est vide : une colonne siren est attendue.")
    header = [cell.strip().lower() for cell in numbered[0][1]]
    if COLUMN in header:
        column, numbered = header.index(COLUMN), numbered[1:]
    elif _is_siren(numbered[0][1][0]):
        column = 0  # one SIREN a line, no header
    else:
        raise BadRequest("La première ligne doit être l'en-tête du fichier, avec une colonne siren.")
    if not numbered:
        raise BadRequest("Le fichier n'a que son en-tête : aucune entreprise à surveiller.")
    if len(numbered) > MAX_LINES:
        raise PayloadTooLarge(f"{len(numbered)} lignes reçues ; {MAX_LINES} au plus par import.")
    return [(number, row[column] if column < len(row) else "") for number, row in numbered]


def _delimiter(text: str) -> str:
    first = text.split("\n", 1)[0]
    return ";" if first.count(";") > first.count(",") else ","


def _is_siren(cell: str) -> bool:
    try:
        parse_company(cell)
    except InvalidIdentifier:
        return False
    return True


def check_lines(lines: list[tuple[int, str]]) -> tuple[list[str], list[dict[str, Any]]]:
    """Return the SIRENs to watch, in the file's order, and the rejected lines with their errors."""
    first_line: dict[str, int] = {}
    rejected: list[dict[str, Any]] = []
    for number, cell in lines:
        try:
            if not cell.strip():
                raise InvalidIdentifier("Ligne sans SIREN.")
            if len(cell) > SIREN_MAX_LENGTH:
                raise InvalidIdentifier("Un SIREN compte 9 chiffres (un SIRET, 14).")
            siren = parse_company(cell)
        except InvalidIdentifier as exc:
            rejected.append(_rejected(number, "siren_invalide", str(exc)))
            continue
        if siren in first_line:
            message = f"SIREN {siren} déjà présent ligne {first_line[siren]} : compté une seule fois."
            rejected.append(_rejected(number, "doublon", message))
            continue
        first_line[siren] = number
    return list(first_line), rejected


def _rejected(number: int, code: str, message: str) -> dict[str, Any]:
    return {"line": number, "errors": [FieldError(COLUMN, code, message).as_dict()]}


def import_watchlist(res: Resources, subscriber: Subscriber, raw: bytes) -> dict[str, Any]:
    """Watch every good line of a CSV file; return the counts and the per-line errors."""
    lines = read_lines(raw)
    sirens, rejected = check_lines(lines)
    added = res.store.watchlist.watch_many(subscriber.id, sirens, f"subscriber:{subscriber.id}")
    return {
        "received": len(lines),
        "added": len(added),
        "already_watched": len(sirens) - len(added),
        "rejected": rejected,
    }
