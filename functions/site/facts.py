"""What the generator derives from each company record, computed once and kept between builds.

An incremental build must look at all 100,000 records to find the one that
changed: each record's digest is cheap (a flat tuple, marshalled, hashed); its
folded name, search row and search keys are kept in the build state with that
digest and recomputed only when the digest changes.
"""

from __future__ import annotations

import hashlib
import json
import marshal
import re
from collections.abc import Iterable, Mapping
from datetime import date
from typing import Any, NamedTuple

from functions.core.text import fold, name_suffixes, searchable
from functions.core.usecases.site_snapshot import CharterStanding, CompanyRecord, ListedReport

_NON_WORD = re.compile(r"[^0-9a-z]+")


def digest(data: bytes) -> str:
    """128 bits of SHA-256: what tells a file or a record changed.

    SHA-256 rather than BLAKE2b: x86-64 (SHA-NI) and Graviton (the ARMv8 SHA-2 instructions)
    hash it in hardware, twice as fast on an 11 KB company page.
    """
    return hashlib.sha256(data).hexdigest()[:32]


def quick_fold(text: str) -> str:
    """``fold`` (accents, case, punctuation), with a fast path for plain ASCII names."""
    if text.isascii():
        return _NON_WORD.sub(" ", text.lower()).strip()
    return fold(text)


def flat_record(record: CompanyRecord) -> tuple[Any, ...]:
    """Every field of a record as plain values (dates as ordinals): what its digest covers.

    Written out field by field for speed; a test checks that changing any field
    of a record, a report or a charter standing changes the digest.
    """
    charter = record.charter
    return (
        record.siren,
        record.name,
        record.city,
        record.postal_code,
        record.path,
        record.outstanding_cents,
        record.oldest_due.toordinal() if record.oldest_due else None,
        tuple(
            (
                line.issue_date.toordinal(),
                line.due_date.toordinal(),
                line.amount_cents,
                line.outstanding_cents,
                line.published_on.toordinal() if line.published_on else None,
                line.reply,
                line.verified_on.toordinal() if line.verified_on else None,
            )
            for line in record.reports
        ),
        (charter.status, charter.version, charter.signed_on.toordinal(), charter.since.toordinal(), charter.reason)
        if charter
        else None,
        record.ceased_on.toordinal() if record.ceased_on else None,
    )


def record_from_flat(flat: tuple[Any, ...]) -> CompanyRecord:
    """The record that :func:`flat_record` flattened (the build state keeps records so)."""
    siren, name, city, postal_code, path, outstanding, oldest_due, reports, charter, *registry = flat
    ceased = registry[0] if registry else None  # a state kept before records carried it: none
    day = date.fromordinal
    return CompanyRecord(
        siren=siren,
        name=name,
        city=city,
        postal_code=postal_code,
        path=path,
        reports=tuple(
            ListedReport(
                day(issue),
                day(due),
                amount,
                rest,
                day(published) if published else None,
                reply,
                # A state written before reports were checked by a moderator has no verification day.
                day(verified[0]) if verified and verified[0] else None,
            )
            for issue, due, amount, rest, published, reply, *verified in reports
        ),
        outstanding_cents=outstanding,
        oldest_due=day(oldest_due) if oldest_due else None,
        charter=CharterStanding(charter[0], charter[1], day(charter[2]), day(charter[3]), charter[4])
        if charter
        else None,
        ceased_on=day(ceased) if ceased else None,
    )


def record_digest(record: CompanyRecord) -> str:
    return digest(marshal.dumps(flat_record(record)))


CHARTER_CODES = {"active": "a", "suspended": "s", "outdated": "o", "withdrawn": "w"}


def search_row(record: CompanyRecord) -> list[str | int]:
    """What a search result shows: SIREN, name, city, page folder, outstanding cents, charter status code."""
    folder = record.path.rstrip("/").rpartition("/")[2]
    charter = CHARTER_CODES[record.charter.status] if record.charter else ""
    return [record.siren, record.name, record.city, folder, record.outstanding_cents, charter]


def name_keys(folded: str) -> list[str]:
    """The search keys of a folded name: the API's look-ups (``name_suffixes``), those a query can reach."""
    return [key for key in name_suffixes(folded) if searchable(key)]


class RecordFacts(NamedTuple):
    """A record's digest and what the lists and the search index need from it."""

    digest: str
    folded: str
    row: str  # the search row, as JSON
    keys: tuple[str, ...]  # the search keys: SIREN and name parts


def facts_of(record: CompanyRecord, record_digest_: str) -> RecordFacts:
    folded = quick_fold(record.name)
    row = json.dumps(search_row(record), ensure_ascii=False, separators=(",", ":"))
    keys = tuple(sorted({record.siren, *name_keys(folded)}))
    return RecordFacts(record_digest_, folded, row, keys)


def all_facts(records: Iterable[CompanyRecord], previous: Mapping[str, RecordFacts]) -> dict[str, RecordFacts]:
    """Return each record's facts (by SIREN), reusing those whose digest did not change."""
    found = {}
    for record in records:
        current = record_digest(record)
        known = previous.get(record.siren)
        found[record.siren] = known if known is not None and known.digest == current else facts_of(record, current)
    return found
