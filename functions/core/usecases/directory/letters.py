"""The debtor's notice as a printed letter (PDF), for a debtor known only by its postal address.

Nobody types a 95-character link off paper: the letter gives a short page
(``<base>/r/``) and a short code to type there, and a QR code that opens the
private link itself. Lists stay lists.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from functions.core.tokens import grouped_code
from functions.core.usecases.directory.notice_content import (
    Access,
    Bullets,
    Lines,
    NoticeFacts,
    Paragraph,
    notice_blocks,
)

if TYPE_CHECKING:  # the PDF writer is loaded when a letter is drawn, not at the directory's cold start
    from functions.core.pdf import TextPdf

QR_MODULE_POINTS = 2.6  # a 41-module symbol is then about 4.5 cm wide with its margin: read by any phone


def notice_letter(facts: NoticeFacts, now: datetime) -> bytes:
    """The notice as a printable A4 letter, addressed to the debtor's postal address."""
    from functions.core.pdf import TextPdf

    report = facts.report
    doc = TextPdf(title=f"Avis de signalement — facture {report.invoice.number}", created=now, footer="Ardoise")
    doc.paragraph(f"{report.debtor.name}\n{report.debtor.postal_address}", size=11, after=18)
    doc.paragraph(f"Le {facts.dated}", after=12)
    doc.heading("Avis avant publication d'un signalement d'impayé")
    for block in notice_blocks(facts, by_post=True):
        if isinstance(block, Paragraph):
            doc.paragraph(block.text, after=8)
        elif isinstance(block, Lines):
            doc.paragraph("\n".join(block.lines), indent=14 if block.set_off else 0, after=8)
        elif isinstance(block, Bullets):
            doc.paragraph(block.lead, after=2)
            doc.bullets(block.items, after=8)
        elif isinstance(block, Access):
            _access(doc, facts)
    return doc.to_bytes()


def _access(doc: TextPdf, facts: NoticeFacts) -> None:
    def text() -> None:
        doc.space(6)
        doc.paragraph("Pour agir, rendez-vous sur la page", after=2)
        doc.paragraph(facts.code_page, size=13, bold=True, indent=14, after=6)
        doc.paragraph("et saisissez votre code personnel :", after=2)
        doc.paragraph(grouped_code(facts.code), size=18, bold=True, indent=14, after=8)
        doc.paragraph("Ou scannez le code QR ci-contre avec votre téléphone : il ouvre directement votre page.")

    from functions.core.qr import qr_modules

    doc.squares_beside(qr_modules(facts.reply_url), text, module=QR_MODULE_POINTS)
    doc.space(6)
