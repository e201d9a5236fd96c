"""DILA's BODACC "annonces commerciales" open-data export: the collective proceedings' judgments.

The export (``annonces-commerciales`` on DILA's open-data portal) comes as JSON
(an array of records, or one record per line) or CSV separated by ``;``, with
the same field names: ``id``, ``familleavis`` (``collective`` for collective
proceedings, ``familleavis_lib`` "Procédures collectives"), ``typeavis``
(``annonce``, ``rectificatif``, ``annulation``), ``registre`` (the SIREN,
usually twice: spaced and not, as a list in JSON and a comma-separated text in
CSV), ``jugement`` (a JSON text: ``famille``, ``nature``, ``date``,
``complementJugement``), ``tribunal``, ``dateparution``, ``url_complete`` and,
on a cancelling notice, ``parutionAvisPrecedent`` (a JSON text naming the
notice it cancels).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from functions.core.domain.registry import Judgment, classify_judgment
from functions.core.identifiers import is_valid_siren

COLLECTIVE = "collective"
# A notice is a few KB; text that long without a complete record is not the export.
MAX_RECORD_CHARS = 4 << 20
_NINE_DIGITS = re.compile(r"(?<!\d)\d{9}(?!\d)")


@dataclass(frozen=True)
class Notice:
    """What one BODACC record says of collective proceedings: a judgment, or the cancellation of a notice."""

    sirens: tuple[str, ...]
    judgment: Judgment | None = None
    cancels: str | None = None  # the id of the notice this one cancels


def sirens_of(registre: Any) -> tuple[str, ...]:
    """The valid SIRENs a ``registre`` field names ("851 234 567,851234567", or a list), each once."""
    parts = registre if isinstance(registre, list) else str(registre or "").split(",")
    found: list[str] = []
    for part in parts:
        for digits in _NINE_DIGITS.findall(re.sub(r"(?<=\d)[\s\u00a0.](?=\d)", "", str(part))):
            if is_valid_siren(digits) and digits not in found:
                found.append(digits)
    return tuple(found)


def _json_field(value: Any) -> dict[str, Any]:
    if isinstance(value, dict):
        return value
    if not value:
        return {}
    try:
        parsed = json.loads(str(value))
    except ValueError:
        return {}
    return parsed if isinstance(parsed, dict) else {}


def _day(value: Any) -> date | None:
    try:
        return date.fromisoformat(str(value or "")[:10])
    except ValueError:
        return None


def notice_from(record: Mapping[str, Any]) -> Notice | None:
    """Read one export record; None when it is not about collective proceedings or is unreadable."""
    family = str(record.get("familleavis") or "")
    if family != COLLECTIVE and "collective" not in str(record.get("familleavis_lib") or "").lower():
        return None
    sirens = sirens_of(record.get("registre"))
    published = _day(record.get("dateparution"))
    notice_id = str(record.get("id") or "").strip()
    if not sirens or published is None or not notice_id:
        return None
    if str(record.get("typeavis") or "").lower() == "annulation":
        previous = _json_field(record.get("parutionavisprecedent") or record.get("parutionAvisPrecedent"))
        letter = str(previous.get("nomPublication") or "BODACC A").strip()[-1:]
        issue, number = str(previous.get("numeroParution") or ""), str(previous.get("numeroAnnonce") or "")
        return Notice(sirens, cancels=f"{letter}{issue}{number}") if issue and number else None
    judgment = _json_field(record.get("jugement"))
    nature = str(judgment.get("nature") or "").strip()
    if not nature:
        return None
    effect, kind = classify_judgment(str(judgment.get("famille") or ""), nature)
    return Notice(
        sirens,
        Judgment(
            notice_id=notice_id,
            effect=effect,
            kind=kind,
            nature=nature,
            judged_on=_day(judgment.get("date")),
            published_on=published,
            court=" ".join(str(record.get("tribunal") or "").split()),
            url=str(record.get("url_complete") or ""),
        ),
    )


def json_records(chunks: Iterator[str]) -> Iterator[dict[str, Any]]:
    """The objects of a JSON array or of JSON lines, decoded one at a time from text chunks (constant memory)."""
    decoder = json.JSONDecoder()
    buffer = ""
    for chunk in chunks:
        buffer += chunk
        position = 0
        while True:
            while position < len(buffer) and buffer[position] in " \t\r\n,[]\ufeff":
                position += 1
            if position >= len(buffer):
                break
            try:
                value, end = decoder.raw_decode(buffer, position)
            except ValueError:
                break  # an object cut by the chunk's end: wait for more
            position = end
            if isinstance(value, dict):
                yield value
        buffer = buffer[position:]
        if len(buffer) > MAX_RECORD_CHARS:
            raise ValueError(f"no JSON record ends within {MAX_RECORD_CHARS} characters: not a BODACC export")
    if buffer.strip(" \t\r\n,[]\ufeff"):
        raise ValueError("the JSON ends in the middle of a record")
