"""The rules a report must meet to be accepted: amicable recovery demonstrably failed.

Each rule has a stable code (the API's contract) and a French message. All
rules are checked and every failure is returned, so that a creditor fixes
everything at once. Every date is bounded to a plausible window as of today
(``windows.py``). Described in docs/directory.md, "A report's life".
"""

from __future__ import annotations

from calendar import monthrange
from dataclasses import dataclass
from datetime import date, timedelta

from functions.core.domain.documents import DocumentKind, missing_documents
from functions.core.domain.reports import NoticeChannel
from functions.core.domain.windows import INVOICE_MAX_AGE_YEARS, oldest_invoice_date
from functions.core.errors import FieldError
from functions.core.french import format_eur, short_date
from functions.core.identifiers import InvalidIdentifier, parse_company

LEGAL_TERM_DAYS = 60
END_OF_MONTH_TERM_DAYS = 45
LONG_TERM_FLAG = "delai_superieur_au_maximum_legal"


@dataclass(frozen=True)
class Draft:
    """A report as the creditor files it, before any check."""

    member_siren: str
    claimed_creditor_siren: str | None
    debtor_siren: str
    debtor_email: str
    debtor_postal_address: str
    issue_date: date
    due_date: date
    amount_cents: int
    outstanding_cents: int
    reminder_dates: tuple[date, ...]
    notice_date: date | None
    notice_channel: NoticeChannel | None
    # The kinds of the documents cited (each received and checked): the invoice, the notice and its proof.
    document_kinds: tuple[DocumentKind, ...] = ()


@dataclass(frozen=True)
class Limits:
    """The configurable thresholds (``ARDOISE_NOTICE_DAYS``, ``ARDOISE_MIN_AMOUNT``)."""

    notice_days: int
    min_amount_cents: int


def _company_or_none(raw: str) -> str | None:
    try:
        return parse_company(raw)
    except InvalidIdentifier:
        return None


def _parties(draft: Draft) -> list[FieldError]:
    failures = []
    claimed = draft.claimed_creditor_siren
    if claimed is not None and _company_or_none(claimed) != draft.member_siren:
        failures.append(
            FieldError(
                "creditor_siren",
                "creancier_non_membre",
                "Le créancier doit être l'entreprise du membre qui signale (son SIREN).",
            )
        )
    try:
        debtor: str | None = parse_company(draft.debtor_siren)
    except InvalidIdentifier as exc:
        debtor = None
        message = f"{exc} Le débiteur doit être une entreprise identifiée par son SIREN, jamais un particulier."
        failures.append(FieldError("debtor.siren", "siren_debiteur_invalide", message))
    if debtor == draft.member_siren:
        failures.append(
            FieldError(
                "debtor.siren",
                "creancier_egal_debiteur",
                "Le créancier et le débiteur doivent être deux entreprises différentes.",
            )
        )
    if not draft.debtor_email and not draft.debtor_postal_address.strip():
        failures.append(
            FieldError(
                "debtor",
                "debiteur_injoignable",
                "Indiquez l'adresse e-mail ou l'adresse postale du débiteur : "
                "il doit être prévenu avant toute publication.",
            )
        )
    return failures


def _invoice(draft: Draft, today: date, limits: Limits) -> list[FieldError]:
    failures = []
    oldest = oldest_invoice_date(today)
    if draft.issue_date > today:
        failures.append(FieldError("invoice.issue_date", "facture_future", "La date de la facture est dans le futur."))
    elif draft.issue_date < oldest:
        failures.append(
            FieldError(
                "invoice.issue_date",
                "facture_trop_ancienne",
                f"La facture date de plus de {INVOICE_MAX_AGE_YEARS} ans (avant le {short_date(oldest)}) : "
                "la créance est prescrite et ne peut plus être signalée.",
            )
        )
    if draft.due_date < draft.issue_date:
        failures.append(
            FieldError(
                "invoice.due_date",
                "echeance_avant_facture",
                "L'échéance ne peut pas précéder la date de la facture.",
            )
        )
    if draft.due_date >= today:
        failures.append(
            FieldError(
                "invoice.due_date",
                "facture_non_echue",
                f"La facture n'est pas encore échue (échéance le {short_date(draft.due_date)}) : "
                "seule une facture dont l'échéance est passée peut être signalée.",
            )
        )
    if draft.outstanding_cents > draft.amount_cents:
        failures.append(
            FieldError(
                "invoice.outstanding_cents",
                "reste_du_superieur_au_montant",
                "Le reste dû ne peut pas dépasser le montant de la facture.",
            )
        )
    if draft.outstanding_cents < limits.min_amount_cents:
        failures.append(
            FieldError(
                "invoice.outstanding_cents",
                "montant_insuffisant",
                f"Le reste dû doit atteindre au moins {format_eur(limits.min_amount_cents)} pour être signalé.",
            )
        )
    return failures


def _amicable_steps(draft: Draft, today: date, limits: Limits) -> list[FieldError]:
    failures = []
    notice = draft.notice_date
    if notice is None:
        failures.append(
            FieldError(
                "amicable_steps.notice_date",
                "mise_en_demeure_manquante",
                "Une mise en demeure doit avoir été envoyée au débiteur avant tout signalement.",
            )
        )
    else:
        if notice <= draft.due_date:
            failures.append(
                FieldError(
                    "amicable_steps.notice_date",
                    "mise_en_demeure_avant_echeance",
                    "La mise en demeure doit être postérieure à l'échéance de la facture.",
                )
            )
        if notice > today:
            failures.append(
                FieldError(
                    "amicable_steps.notice_date",
                    "mise_en_demeure_future",
                    "La date de la mise en demeure est dans le futur : indiquez celle de son envoi.",
                )
            )
        elif (today - notice).days < limits.notice_days:
            earliest = notice + timedelta(days=limits.notice_days)
            failures.append(
                FieldError(
                    "amicable_steps.notice_date",
                    "mise_en_demeure_trop_recente",
                    f"La mise en demeure doit dater d'au moins {limits.notice_days} jours : "
                    f"ce signalement sera recevable à partir du {short_date(earliest)}.",
                )
            )
    if notice is not None and draft.notice_channel is None:
        failures.append(
            FieldError(
                "amicable_steps.notice_channel",
                "canal_mise_en_demeure_manquant",
                "Précisez comment la mise en demeure a été envoyée : lettre recommandée, "
                "e-mail avec accusé de réception ou commissaire de justice.",
            )
        )
    for position, day in enumerate(draft.reminder_dates):
        if not draft.issue_date <= day <= today:
            failures.append(
                FieldError(
                    f"amicable_steps.reminder_dates.{position}",
                    "relance_hors_periode",
                    f"La relance du {short_date(day)} est antérieure à la facture ou dans le futur.",
                )
            )
    last_useful = notice if notice is not None else today
    if not any(draft.due_date < day <= last_useful for day in draft.reminder_dates):
        failures.append(
            FieldError(
                "amicable_steps.reminder_dates",
                "relance_manquante",
                "Au moins une relance doit avoir été faite après l'échéance et avant la mise en demeure.",
            )
        )
    return failures


def check_claim(draft: Draft, today: date, limits: Limits) -> list[FieldError]:
    """Return every rule the parties and the invoice fail: what a report and a recovery case both need."""
    return _parties(draft) + _invoice(draft, today, limits)


def check_filing(draft: Draft, today: date, limits: Limits) -> list[FieldError]:
    """Return every rule the draft fails (empty: the report may be accepted)."""
    return (
        check_claim(draft, today, limits)
        + _amicable_steps(draft, today, limits)
        + missing_documents(draft.document_kinds)
    )


def _end_of_month(day: date) -> date:
    return date(day.year, day.month, monthrange(day.year, day.month)[1])


def latest_legal_due_date(issue_date: date) -> date:
    """The latest due date the law allows: 60 days after the invoice, or 45 days end of month.

    "45 days end of month" is counted both ways the DGCCRF accepts (45 days then
    end of month, or end of month then 45 days); the later one is the limit.
    """
    sixty = issue_date + timedelta(days=LEGAL_TERM_DAYS)
    then_end_of_month = _end_of_month(issue_date + timedelta(days=END_OF_MONTH_TERM_DAYS))
    end_of_month_then = _end_of_month(issue_date) + timedelta(days=END_OF_MONTH_TERM_DAYS)
    return max(sixty, then_end_of_month, end_of_month_then)


def term_flags(draft: Draft) -> tuple[str, ...]:
    """Flags for moderators: accepted, but worth a look (a longer term than the law allows)."""
    return (LONG_TERM_FLAG,) if draft.due_date > latest_legal_due_date(draft.issue_date) else ()


# The debtor's name as typed is not the registry's: the public sees the registry's, the moderator both.
NAME_MISMATCH_FLAG = "nom_different_du_repertoire"

# A report filed from a recovery case whose formal notice Ardoise e-mailed: dispatch proven, receipt not.
EMAIL_NOTICE_FLAG = "mise_en_demeure_par_email_sans_accuse"

FLAG_MESSAGES = {
    EMAIL_NOTICE_FLAG: "La mise en demeure a été envoyée par e-mail par Ardoise : sa trace d'envoi (identifiant du "
    "service d'envoi, empreinte SHA-256) prouve l'envoi, pas la réception ; appréciez-la comme telle.",
    NAME_MISMATCH_FLAG: "Le nom du débiteur saisi diffère de celui du répertoire SIRENE : le site affiche le nom "
    "du répertoire ; vérifiez qu'il s'agit bien de la même entreprise.",
    LONG_TERM_FLAG: "Le délai de paiement convenu dépasse le maximum légal (60 jours après la facture, "
    "ou 45 jours fin de mois) : le signalement est accepté mais signalé à la modération.",
}


def checked_rules(limits: Limits) -> tuple[str, ...]:
    """What every accepted filing was checked against, in words, for the moderator reviewing it."""
    return (
        "Créancier membre validé ; débiteur entreprise identifiée par un SIREN valide, distincte du créancier, "
        "joignable par e-mail ou par courrier.",
        f"Facture de moins de {INVOICE_MAX_AGE_YEARS} ans et échue ; reste dû d'au moins "
        f"{format_eur(limits.min_amount_cents)}, sans dépasser le montant de la facture.",
        "Au moins une relance après l'échéance, puis une mise en demeure postérieure à l'échéance, envoyée il y a "
        f"{limits.notice_days} jours au moins, son mode d'envoi précisé.",
        "Facture, mise en demeure et preuve de son envoi jointes, chacune reçue telle que déclarée (taille et "
        "nature du fichier), son empreinte SHA-256 fixée au dépôt.",
        "Répertoire SIRENE et BODACC, quand ils connaissent le débiteur : entreprise non cessée, sans procédure "
        "collective en cours.",
    )
