"""The timestamped record of a recovery case: its timeline as a document a judge can read (the request's piece).

Pure: the case, the rate table and ``now`` in; a :class:`TimestampedRecord` out, in
French. Every event of the timeline, in order, with its moment in Paris time
and in UTC (what Ardoise stored), who acted and through which channel, and
what it carried: for each message sent its recipient and the SHA-256 of what
went, for each document its SHA-256 as pinned when it was joined, the
instalments of a schedule, the debtor's own words. Then the case's identity
and amounts. The use case draws it as a PDF
(``functions/core/usecases/recovery/timestamped_record.py``); nothing is kept, a
record drawn later simply has more events.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal

from functions.core.clock import PARIS, today_in_paris
from functions.core.domain import schedules
from functions.core.domain.court_requests import PROCEDURE_LABELS
from functions.core.domain.penalties import DEFAULT_POINTS, RateChange
from functions.core.domain.recovery import (
    STATUS_LABELS,
    CaseEvent,
    EventKind,
    RecoveryCase,
    case_payments,
    case_penalties,
)
from functions.core.domain.reports import DISPUTE_REASON_LABELS
from functions.core.domain.scenarios import CHANNEL_LABELS, Channel, StepKind
from functions.core.french import format_eur, long_date, short_date

# What each event is, as the record names it.
RECORD_LABELS = {
    EventKind.OPENED: "Ouverture du dossier",
    EventKind.STEP_SENT: "Envoi d'une étape du scénario",
    EventKind.PAYMENT_RECORDED: "Paiement enregistré par le créancier",
    EventKind.SCENARIO_ENDED: "Fin du scénario : facture impayée au terme de la mise en demeure",
    EventKind.WITHDRAWN: "Dossier arrêté par le créancier",
    EventKind.CONTESTED: "Contestation du débiteur",
    EventKind.PAYMENT_DECLARED: "Paiement déclaré par le débiteur",
    EventKind.RESUMED: "Reprise des relances par le créancier",
    EventKind.DISPATCH_PROOF: "Preuve d'envoi d'un courrier jointe",
    EventKind.SCHEDULE_PROPOSED: "Échéancier proposé par le débiteur",
    EventKind.SCHEDULE_ACCEPTED: "Échéancier accepté par le créancier",
    EventKind.SCHEDULE_REFUSED: "Échéancier refusé par le créancier",
    EventKind.INSTALMENT_MISSED: "Échéance manquée",
    EventKind.COURT_REQUEST_PREPARED: "Requête au tribunal préparée",
}
HOW_TO_CHECK = (
    "Ce relevé reprend, dans l'ordre où la plateforme Ardoise les a enregistrés, tous les événements du dossier, "
    "avec leur date et heure (heure de Paris et temps universel UTC). Pour chaque message envoyé et chaque pièce "
    "jointe, l'empreinte SHA-256 permet de vérifier que le document produit est celui qu'Ardoise a envoyé ou reçu : "
    "la même empreinte, calculée sur le fichier, ne peut provenir que du même contenu."
)


@dataclass(frozen=True)
class RecordEntry:
    """One event of the case as the record states it."""

    number: int
    at: datetime
    what: str
    actor: str
    channel: str
    details: tuple[str, ...]

    @property
    def paris(self) -> str:
        return paris_moment(self.at)

    @property
    def utc(self) -> str:
        return utc_moment(self.at)


def paris_moment(at: datetime) -> str:
    """``18/03/2026 à 10:00:00 (heure de Paris)``: to the second, as stored."""
    local = at.astimezone(PARIS)
    return f"{short_date(local.date())} à {local:%H:%M:%S} (heure de Paris)"


def utc_moment(at: datetime) -> str:
    """``2026-03-18T09:00:00Z (UTC)``: the same moment in universal time, unambiguous across time changes."""
    return f"{at.astimezone(UTC):%Y-%m-%dT%H:%M:%SZ} (UTC)"


@dataclass(frozen=True)
class TimestampedRecord:
    """The record of one case as of ``drawn_at``: who, what for, how much, and every event."""

    case_id: str
    drawn_at: datetime
    identity: tuple[tuple[str, str], ...]
    amounts: tuple[tuple[str, str], ...]
    entries: tuple[RecordEntry, ...]


def actor_words(case: RecoveryCase, actor: str) -> str:
    """Who acted, in words: the creditor, the debtor, or Ardoise itself (the tick)."""
    kind, _, _who = actor.partition(":")
    if kind == "member":
        return f"le créancier, {case.creditor.name}"
    if kind == "debtor":
        return f"le débiteur, {case.debtor.name}"
    if kind == "system":
        return "Ardoise (traitement automatique)"
    if kind == "moderator":
        return "la modération d'Ardoise"
    return actor


def _channel(event: CaseEvent) -> str:
    """Through what the event came: a message's channel, the debtor's link, the creditor's account."""
    if event.message is not None:
        words = CHANNEL_LABELS[event.message.channel]
        if event.message.channel is not Channel.LETTER:
            return words
        posting = event.message.posting
        if posting is None:
            return f"{words}, préparé par Ardoise et posté par le créancier"
        return f"{words}, préparé et posté par Ardoise via {posting.provider}"
    kind = event.actor.partition(":")[0]
    if kind == "debtor":
        return "lien privé du dossier sur Ardoise"
    if kind == "member":
        return "compte du créancier sur Ardoise"
    return "plateforme Ardoise"


def _step_details(case: RecoveryCase, event: CaseEvent) -> list[str]:
    """What a sent step carried: the step, a notice's deadline, the subject, the recipient, the digest."""
    details: list[str] = []
    step = case.scenario.steps[event.step] if event.step is not None else None
    if event.kind is EventKind.OPENED:
        details.append(f"Scénario « {case.scenario.name} » ({len(case.scenario.steps)} étapes)")
    if step is None or event.step is None:
        return details
    if event.kind is EventKind.DISPATCH_PROOF:
        details.append(f"Pour « {step.name} »")
    if event.kind is EventKind.STEP_SENT and event.message is not None:
        message = event.message
        details.append(f"Étape n° {event.step + 1} : {step.name}")
        if step.kind is StepKind.FORMAL_NOTICE:
            deadline = today_in_paris(event.at) + timedelta(days=step.deadline_days)
            details.append(f"Mise en demeure (Code civil art. 1344), délai de paiement au {long_date(deadline)}")
        details.append(f"Objet : {message.subject}")
        details.append(f"Destinataire : {message.recipient}")
        details.append(f"Empreinte SHA-256 du message : {message.sha256} ({message.size} octets)")
        details.append(f"Identifiant du message : {message.id}")
        if message.posting is not None:
            posting = message.posting
            how = "recommandé avec accusé de réception" if posting.registered else "lettre simple"
            details.append(
                f"Posté via {posting.provider} ({how}), référence {posting.reference}, "
                f"pris en charge le {paris_moment(posting.accepted_at)}"
            )
    return details


def _money_details(event: CaseEvent) -> list[str]:
    """A payment's amount and day, a schedule's instalments, the instalment missed."""
    details: list[str] = []
    if event.amount_cents is not None and event.kind in (EventKind.PAYMENT_RECORDED, EventKind.PAYMENT_DECLARED):
        paid = f", payé le {long_date(event.paid_on)}" if event.paid_on is not None else ""
        details.append(f"Montant : {format_eur(event.amount_cents)}{paid}")
    if event.kind is EventKind.SCHEDULE_ACCEPTED and event.amount_cents is not None:
        details.append(f"Reste dû à l'acceptation : {format_eur(event.amount_cents)}")
    if event.instalments:
        count = len(event.instalments)
        details.append(
            f"{count} échéance{'s' if count > 1 else ''}, {format_eur(schedules.total(event.instalments))} au total : "
            + " ; ".join(f"{long_date(i.due_on)} : {format_eur(i.amount_cents)}" for i in event.instalments)
        )
    if event.kind is EventKind.INSTALMENT_MISSED and event.instalment is not None:
        details.append(f"Échéance n° {event.instalment + 1} non payée dans le délai")
    return details


def _document_details(event: CaseEvent) -> list[str]:
    """Each document the event joined or produced, with its SHA-256."""
    details: list[str] = []
    if event.document is not None:
        document = event.document
        details.append(
            f"Pièce : {document.filename} ({document.label}, {document.size} octets), "
            f"empreinte SHA-256 {document.sha256}"
        )
    if event.evidence is not None:
        details.append(
            f"Justificatif du débiteur : {event.evidence.filename}, empreinte SHA-256 {event.evidence_sha256}"
        )
    if event.court_request is not None:
        request = event.court_request
        details.append(
            f"{PROCEDURE_LABELS[request.procedure].capitalize()} : {format_eur(request.total_cents)} demandés"
            + (f", {request.court.name}" if request.court is not None else "")
        )
        if request.pdf_sha256:
            details.append(f"Empreinte SHA-256 du PDF de la requête : {request.pdf_sha256}")
    return details


def _details(case: RecoveryCase, event: CaseEvent) -> list[str]:
    details = [*_step_details(case, event), *_money_details(event), *_document_details(event)]
    if event.reason is not None:
        details.append(f"Motif : {DISPUTE_REASON_LABELS[event.reason]}")
    if event.text:
        whose = "du débiteur" if event.actor.startswith("debtor:") else "saisi"
        details.append(f"Texte {whose} : « {event.text} »")
    if event.status is not None:
        details.append(f"Statut du dossier ensuite : {STATUS_LABELS[event.status]}")
    return details


def timestamped_record(
    case: RecoveryCase, now: datetime, table: Sequence[RateChange], points: Decimal = DEFAULT_POINTS
) -> TimestampedRecord:
    """The case's record as of ``now``: its identity, its amounts to date, and every event in order."""
    invoice, creditor, debtor = case.invoice, case.creditor, case.debtor
    identity = [
        ("Dossier", case.id),
        ("Ouvert le", f"{paris_moment(case.opened_at)}, soit {utc_moment(case.opened_at)}"),
        ("Créancier", f"{creditor.name}, SIREN {creditor.siren}"),
        ("Débiteur", f"{debtor.name}, SIREN {debtor.siren}"),
    ]
    if debtor.postal_address:
        identity.append(("Adresse du débiteur", debtor.postal_address))
    if debtor.email:
        identity.append(("E-mail du débiteur", debtor.email))
    if case.debtor_phone:
        identity.append(("Mobile du débiteur", case.debtor_phone))
    identity.append(
        (
            "Facture",
            f"n° {invoice.number} du {long_date(invoice.issue_date)}, échéance le {long_date(invoice.due_date)}",
        )
    )
    penalties = case_penalties(case, today_in_paris(now), table, points)
    recorded = sum(payment.cents for payment in case_payments(case))
    amounts = [
        ("Montant de la facture", format_eur(invoice.amount_cents)),
        ("Paiements enregistrés", format_eur(recorded)),
        ("Reste dû", format_eur(case.outstanding_cents)),
        (f"Pénalités de retard au {long_date(penalties.until)}", format_eur(penalties.interest_cents)),
        ("Indemnité forfaitaire (D. 441-5)", format_eur(penalties.indemnity_cents)),
        ("Statut", STATUS_LABELS[case.status]),
    ]
    entries = tuple(
        RecordEntry(
            number,
            event.at,
            RECORD_LABELS[event.kind],
            actor_words(case, event.actor),
            _channel(event),
            tuple(_details(case, event)),
        )
        for number, event in enumerate(case.events, start=1)
    )
    return TimestampedRecord(case.id, now, tuple(identity), tuple(amounts), entries)
