"""The timestamped record of a case as a PDF: the piece the injonction de payer's request lists last.

Drawn on demand from the stored timeline (``functions/core/domain/timestamped_record.py``), for the member who
opened the case only (404 otherwise, as for the case itself); nothing is kept, so a record drawn later
has every event since.
"""

from __future__ import annotations

from functions.core.domain.members import Member
from functions.core.domain.timestamped_record import (
    HOW_TO_CHECK,
    TimestampedRecord,
    paris_moment,
    timestamped_record,
    utc_moment,
)
from functions.core.resources import Resources
from functions.core.usecases.recovery.cases import own_case

TITLE = "Relevé horodaté du dossier de recouvrement"


def record_pdf_of(record: TimestampedRecord) -> bytes:
    """The record as an A4 document: identity and amounts, then each event with its moment and digests."""
    from functions.core.pdf import TextPdf  # loaded when a record is drawn, not at the directory's cold start

    doc = TextPdf(
        title=f"{TITLE} {record.case_id}",
        created=record.drawn_at,
        footer=f"Relevé produit par Ardoise – dossier {record.case_id}",
    )
    doc.heading(f"{TITLE} Ardoise {record.case_id}")
    doc.paragraph(f"Établi le {paris_moment(record.drawn_at)}, soit {utc_moment(record.drawn_at)}.", size=9.5, after=8)
    doc.paragraph(HOW_TO_CHECK, size=9.5, after=10)
    doc.rows(list(record.identity))
    doc.rule()
    doc.paragraph("Montants", bold=True)
    doc.rows(list(record.amounts), label_width=210)
    doc.rule()
    doc.paragraph(f"Chronologie : {len(record.entries)} événements", bold=True)
    for entry in record.entries:
        doc.paragraph(f"{entry.number}. {entry.what}", bold=True, after=2)
        doc.bullets(
            [
                (f"Le {entry.paris}, soit {entry.utc}", []),
                (f"Par : {entry.actor}", []),
                (f"Canal : {entry.channel}", []),
                *((detail, []) for detail in entry.details),
            ],
            size=9.5,
        )
    return doc.to_bytes()


def record_pdf(res: Resources, member: Member, case_id: str) -> tuple[str, bytes]:
    """The case's record as of now, and its file name: for the member who opened the case (404 otherwise)."""
    case = own_case(res, member, case_id)
    record = timestamped_record(case, res.clock(), res.settings.ecb_rates, res.settings.penalty_points)
    return f"releve-{case.id}.pdf", record_pdf_of(record)
