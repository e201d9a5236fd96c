"""What the debtor's notice says, as blocks that the e-mail and the printed letter both render.

The words are written once; each medium lays them out its own way (plain text
lines, or a PDF with real lists) and says its own way of reaching the reply
page: the e-mail carries the private link, the letter a short code to type and
a QR code (see ``letters.py``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from functions.core.clock import today_in_paris
from functions.core.domain.penalties import Penalties
from functions.core.domain.reports import DebtorNotice, Report
from functions.core.french import format_eur, long_date, percent, short_date
from functions.core.usecases.directory.wording import CHANNEL_LABELS, SIGNATURE, points


@dataclass(frozen=True)
class NoticeFacts:
    """Everything a notice states, computed once for the e-mail and the letter alike."""

    report: Report
    notice: DebtorNotice
    penalties: Penalties
    publication_day: datetime
    reply_url: str
    link_expires: datetime
    # A letter's short code and the page where it is typed ("" for an e-mail).
    code: str = ""
    code_page: str = ""

    @property
    def dated(self) -> str:
        """The notice's date in words: ``2 mars 2026``."""
        return long_date(today_in_paris(self.notice.dated_at))


@dataclass(frozen=True)
class Paragraph:
    text: str


@dataclass(frozen=True)
class Lines:
    """Short lines kept apart, set off from the text (the invoice's facts) unless told (the signature)."""

    lines: tuple[str, ...]
    set_off: bool = True


@dataclass(frozen=True)
class Bullets:
    """A lead-in sentence and its list; each item may have sub-items."""

    lead: str
    items: tuple[tuple[str, tuple[str, ...]], ...]


@dataclass(frozen=True)
class Access:
    """Where the medium says how to reach the reply page."""


Block = Paragraph | Lines | Bullets | Access


def copy_line(facts: NoticeFacts) -> str:
    """What a copy says first (empty for the first sending)."""
    if not facts.notice.is_copy:
        return ""
    return (
        f"Copie de l'avis du {facts.dated} : ce message le reprend à l'identique, au cas où il ne vous serait "
        "pas parvenu. Les moyens de répondre et les dates qu'il indique sont inchangés."
    )


def _penalty_periods(penalties: Penalties) -> tuple[str, ...]:
    periods = tuple(
        f"du {short_date(p.start)} au {short_date(p.end)} ({p.days} jours à {percent(p.percent)}) : "
        f"{format_eur(p.cents)}"
        for p in penalties.periods
    )
    return periods or ("(aucun jour de retard)",)


def _documents(facts: NoticeFacts, access: str) -> list[Block]:
    """The documents the creditor provided, checked by a moderator: the basis of a fair contest."""
    report = facts.report
    if not report.documents:
        return []
    checked = (
        f", vérifiées par la modération d'Ardoise le {long_date(today_in_paris(report.verified_at))}"
        if (report.verified_at)
        else ""
    )
    return [
        Bullets(
            f"Pièces fournies par le créancier{checked}, que votre {access} personnel vous permet de télécharger :",
            tuple(
                (f"{d.label} : {d.filename} (déposée le {short_date(today_in_paris(d.uploaded_at))})", ())
                for d in report.documents
            ),
        )
    ]


def notice_blocks(facts: NoticeFacts, *, by_post: bool) -> list[Block]:
    """The notice, block by block; ``by_post`` words the private access as a code rather than a link."""
    report, penalties = facts.report, facts.penalties
    steps, invoice = report.steps, report.invoice
    access = "code" if by_post else "lien"
    blocks: list[Block] = [Paragraph(line)] if (line := copy_line(facts)) else []
    return [
        *blocks,
        Paragraph("Madame, Monsieur,"),
        Paragraph(
            f"L'entreprise {report.creditor.name} (SIREN {report.creditor.siren}) a signalé sur Ardoise, "
            "l'annuaire collaboratif des retards de paiement entre entreprises, une facture qu'elle déclare "
            f"impayée par {report.debtor.name} (SIREN {report.debtor.siren}), malgré ses relances et une mise "
            f"en demeure du {long_date(steps.notice_date)} ({CHANNEL_LABELS[steps.notice_channel]})."
        ),
        Lines(
            (
                f"Facture n° {invoice.number} du {short_date(invoice.issue_date)}, "
                f"échéance le {short_date(invoice.due_date)}",
                f"Montant de la facture : {format_eur(invoice.amount_cents)}",
                f"Reste dû déclaré : {format_eur(report.outstanding_cents)}",
            )
        ),
        *_documents(facts, access),
        Paragraph(
            "Rien n'est publié à ce jour. Sans règlement ni contestation de votre part, ce signalement sera "
            f"publié sur l'annuaire public le {long_date(today_in_paris(facts.publication_day))}. Seuls le reste "
            "dû, les dates de la facture et votre éventuelle réponse y figureront."
        ),
        Bullets(
            "Pour information, en cas de retard de paiement, la loi prévoit aussi :",
            (
                (
                    f"des pénalités de retard au taux de la BCE majoré de {points(penalties.points)} (article "
                    f"L441-10 du Code de commerce), soit {format_eur(penalties.interest_cents)} au "
                    f"{short_date(penalties.until)} sur le reste dû :",
                    _penalty_periods(penalties),
                ),
                (
                    "une indemnité forfaitaire pour frais de recouvrement de "
                    f"{format_eur(penalties.indemnity_cents)} (article D441-5 du Code de commerce).",
                    (),
                ),
            ),
        ),
        Paragraph("Ces montants vous sont indiqués à titre d'information : ils ne sont jamais publiés comme dus."),
        Bullets(
            f"Votre {access} personnel, valable jusqu'au {long_date(today_in_paris(facts.link_expires))}, "
            "vous permet de :",
            (
                (
                    "contester ce signalement, motif et pièces à l'appui : la publication est alors suspendue "
                    "jusqu'à la décision d'un modérateur ;",
                    (),
                ),
                ("déclarer un paiement, justificatif à l'appui ;", ()),
                ("publier une réponse, affichée à côté du signalement.", ()),
            ),
        ),
        Access(),
        Paragraph(
            f"Ce {access} vous est personnel : ne le transmettez pas. Si la facture a été réglée, le plus simple "
            f"est de le déclarer {'en ligne' if by_post else 'par ce lien'} ; vous pouvez aussi contacter "
            "directement votre créancier."
        ),
        Lines(tuple(SIGNATURE.strip().splitlines()), set_off=False),
    ]


def notice_text(facts: NoticeFacts) -> str:
    """The notice as a plain-text e-mail: one line per paragraph (mail readers wrap), lists indented."""
    parts = []
    for block in notice_blocks(facts, by_post=False):
        if isinstance(block, Paragraph):
            parts.append(block.text)
        elif isinstance(block, Lines):
            parts.append("\n".join(("  " if block.set_off else "") + line for line in block.lines))
        elif isinstance(block, Bullets):
            lines = [block.lead]
            for text, subs in block.items:
                lines.append(f"  - {text}")
                lines += [f"      {sub}" for sub in subs]
            parts.append("\n".join(lines))
        else:
            parts.append(f"  {facts.reply_url}")
    return "\n\n".join(parts) + "\n"
