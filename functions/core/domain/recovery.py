"""An amicable recovery case: Ardoise runs a scenario for a creditor's unpaid invoice, and keeps the timeline.

    running -> paid       (the creditor records payments up to the whole amount)
    running -> unpaid     (the formal notice's deadline passed: the case may become a report)
    running -> withdrawn  (the creditor stops it)
    running -> contested  (the debtor contests through its link: the scenario stops for good)
    running -> payment_declared (the debtor says it paid: nothing more is sent until the creditor
               records the payment, or finds none and resumes the scenario)
    running -> scheduled  (the creditor accepted the debtor's payment schedule: the scenario pauses)
    scheduled -> running  (an instalment was missed: the scenario resumes where it stopped)
    scheduled -> paid | withdrawn | contested
    unpaid  -> paid | withdrawn | contested | payment_declared | scheduled (-> unpaid when missed)

A schedule (``schedules.py``) is proposed by the debtor (``schedule_proposed``:
the case keeps running until the creditor answers), then accepted or refused
by the creditor; it lives on the timeline only (the proposal's and the
acceptance's events carry its instalments). While a case is scheduled, its
next action is the moment its first unpaid instalment counts as missed.

Each transition is a pure function returning the next case, with one more
event on its timeline; the case's next scheduled action (:func:`next_action`)
is computed again with it, so that the tick finds due cases by one query.

The engine (:func:`next_action`) reads only the case's scenario, its events
and the clock: step *n* goes ``delay_days`` after the invoice's due date or
after step *n-1* was sent, at 9:00 in Paris, never on the same day as the step
before; once the formal notice is sent, the case ends unpaid the day after its
deadline. Nothing goes once the case is not running.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from enum import StrEnum

from functions.core.clock import PARIS, today_in_paris
from functions.core.domain import schedules
from functions.core.domain.court_requests import CourtRequest
from functions.core.domain.documents import DocumentKind, FiledDocument
from functions.core.domain.einvoice import EInvoice
from functions.core.domain.evidence import Evidence
from functions.core.domain.lifecycle import payment_problems
from functions.core.domain.penalties import (
    DEFAULT_POINTS,
    Payment,
    Penalties,
    PenaltyPeriod,
    RateChange,
    late_payment_penalties,
)
from functions.core.domain.reports import DisputeReason, Invoice, Party
from functions.core.domain.scenarios import Anchor, Channel, Scenario, Step, StepKind, fill
from functions.core.domain.schedules import Instalment
from functions.core.errors import Conflict, FieldError, RuleNotMet
from functions.core.french import format_eur, percent, short_date

# The hour (Paris) at which a step planned for a day goes: office hours, not midnight.
SENDING_HOUR = time(9)
MIN_DAYS_BETWEEN_STEPS = 1
# A tick that claimed a step and did not record it within this time crashed: another one sends it again.
CLAIM_TTL = timedelta(minutes=15)


class CaseStatus(StrEnum):
    """Where a recovery case stands."""

    RUNNING = "running"
    PAID = "paid"
    UNPAID = "unpaid"
    WITHDRAWN = "withdrawn"
    CONTESTED = "contested"
    PAYMENT_DECLARED = "payment_declared"
    SCHEDULED = "scheduled"


STATUS_LABELS = {
    CaseStatus.RUNNING: "relances en cours",
    CaseStatus.PAID: "payé",
    CaseStatus.UNPAID: "impayé au terme de la mise en demeure",
    CaseStatus.WITHDRAWN: "arrêté par le créancier",
    CaseStatus.CONTESTED: "contesté par le débiteur : relances arrêtées",
    CaseStatus.PAYMENT_DECLARED: "paiement déclaré par le débiteur, à confirmer par le créancier",
    CaseStatus.SCHEDULED: "échéancier accepté : relances suspendues tant que les échéances sont payées",
}
OWED = frozenset(
    {CaseStatus.RUNNING, CaseStatus.UNPAID, CaseStatus.CONTESTED, CaseStatus.PAYMENT_DECLARED, CaseStatus.SCHEDULED}
)
# Where the debtor may still act through its link (contest, declare a payment).
DEBTOR_MAY_ACT = frozenset({CaseStatus.RUNNING, CaseStatus.UNPAID, CaseStatus.SCHEDULED})
# Where the debtor may propose a payment schedule, and the creditor answer it.
SCHEDULE_OPEN = frozenset({CaseStatus.RUNNING, CaseStatus.UNPAID})
# A debtor proposes a schedule at most this many times on a case (a refused one may be proposed again, changed).
MAX_SCHEDULE_PROPOSALS = 3


class EventKind(StrEnum):
    """What happened on a case (its timeline)."""

    OPENED = "opened"
    STEP_SENT = "step_sent"
    PAYMENT_RECORDED = "payment_recorded"
    SCENARIO_ENDED = "scenario_ended"
    WITHDRAWN = "withdrawn"
    CONTESTED = "contested"
    PAYMENT_DECLARED = "payment_declared"
    RESUMED = "resumed"
    DISPATCH_PROOF = "dispatch_proof"
    SCHEDULE_PROPOSED = "schedule_proposed"
    SCHEDULE_ACCEPTED = "schedule_accepted"
    SCHEDULE_REFUSED = "schedule_refused"
    INSTALMENT_MISSED = "instalment_missed"
    COURT_REQUEST_PREPARED = "court_request_prepared"  # an injonction de payer or petites créances request


@dataclass(frozen=True)
class PostingReceipt:
    """A registered-mail provider's word that it took a letter to post: its reference (tracking number) and when."""

    provider: str  # who posted it, as the creditor reads it
    reference: str  # the provider's reference or tracking number
    accepted_at: datetime
    registered: bool  # registered with acknowledgement of receipt, else simple mail


@dataclass(frozen=True)
class SentMessage:
    """A message Ardoise sent (or prepared: a letter) for a step, kept with its digest as proof."""

    id: str
    channel: Channel
    recipient: str  # the e-mail address, the phone number, or the postal address
    subject: str
    sha256: str  # of the bytes sent: the MIME message, the SMS text, the letter's PDF
    size: int
    storage_key: str = ""  # where a letter's PDF is kept (the creditor downloads it to post it)
    # A letter a provider posted for Ardoise (None: the creditor posts it, as every letter before providers).
    posting: PostingReceipt | None = None


@dataclass(frozen=True)
class CaseEvent:
    """One entry of a case's timeline: what, when, by whom; free text stays out of the audit log."""

    kind: EventKind
    at: datetime
    actor: str
    step: int | None = None
    message: SentMessage | None = None
    amount_cents: int | None = None
    paid_on: date | None = None
    status: CaseStatus | None = None  # the status the event left the case in
    # The debtor's words (a contest's reason and text, a declared payment's note): shown on the timeline, never audited.
    reason: DisputeReason | None = None
    text: str = ""
    # A letter's proof of dispatch the creditor uploaded (registered letter's receipt), its SHA-256 pinned.
    document: FiledDocument | None = None
    # The debtor's proof of a declared payment (uploaded through its link), with the SHA-256 it had when cited.
    evidence: Evidence | None = None
    evidence_sha256: str = ""
    # A payment schedule's instalments (its proposal, its acceptance), and which one was missed.
    instalments: tuple[Instalment, ...] = ()
    instalment: int | None = None
    # A court request Ardoise prepared from the unpaid case (functions/core/domain/injunction.py), as prepared.
    court_request: CourtRequest | None = None


@dataclass(frozen=True)
class SendingClaim:
    """Which tick is sending which step, since when."""

    step: int
    claim: str
    at: datetime


@dataclass(frozen=True)
class RecoveryCase:
    """A creditor's unpaid invoice under amicable recovery by Ardoise."""

    id: str
    member_id: str
    creditor: Party
    debtor: Party
    invoice: Invoice
    outstanding_cents: int
    scenario: Scenario  # a copy, as when the case opened: a later edit of the scenario does not change it
    status: CaseStatus
    opened_at: datetime
    events: tuple[CaseEvent, ...] = ()
    debtor_phone: str = ""  # E.164, for the SMS steps
    description: str = ""
    payment_details: str = ""  # how to pay the creditor (IBAN...), shown on the debtor's page
    next_action_at: datetime | None = None
    # The tick sending a step now (two ticks never send the same step; a claim older than CLAIM_TTL is taken over).
    sending: SendingClaim | None = None
    # The documents cited at opening (the invoice as a PDF or an e-invoice, a proof of the debtor's commitment),
    # each with the SHA-256 its bytes had then; a report filed from the case carries them.
    documents: tuple[FiledDocument, ...] = ()
    # The e-invoice among them, as read and cross-checked at opening, and the invoice terms taken from it.
    einvoice: EInvoice | None = None
    einvoice_terms_taken: tuple[str, ...] = ()
    version: int = 0

    def invoice_document(self) -> FiledDocument | None:
        """The invoice the case was opened with (None: its creditor typed its terms only)."""
        return next((d for d in self.documents if d.kind is DocumentKind.INVOICE), None)

    def held_documents(self) -> list[FiledDocument]:
        """Every creditor's document the case cites: those it was opened with, then each dispatch proof joined."""
        return [*self.documents, *(event.document for event in self.events if event.document is not None)]

    def sent_steps(self) -> list[CaseEvent]:
        return [event for event in self.events if event.kind is EventKind.STEP_SENT]

    def cited_evidence(self) -> frozenset[str]:
        """The ids of the debtor's files an event already cites (each is cited once)."""
        return frozenset(event.evidence.id for event in self.events if event.evidence is not None)


class ActionKind(StrEnum):
    SEND_STEP = "send_step"
    END_SCENARIO = "end_scenario"
    INSTALMENT_MISSED = "instalment_missed"


@dataclass(frozen=True)
class Action:
    """What the engine plans next for a case: send step ``step``, or end the scenario, at ``at``."""

    kind: ActionKind
    at: datetime
    step: int | None = None
    instalment: int | None = None  # the instalment missed (``INSTALMENT_MISSED``)

    def due(self, now: datetime) -> bool:
        return self.at <= now


def sending_moment(day: date) -> datetime:
    return datetime.combine(day, SENDING_HOUR, PARIS)


def next_action(case: RecoveryCase) -> Action | None:
    """The case's next action from its scenario and its timeline (None: nothing more will happen)."""
    if case.status is CaseStatus.SCHEDULED:
        return _missed_instalment_action(case)
    if case.status is not CaseStatus.RUNNING:
        return None
    steps = case.scenario.steps
    sent = case.sent_steps()
    if len(sent) >= len(steps):
        last = steps[-1]
        sent_on = today_in_paris(sent[-1].at)
        return Action(ActionKind.END_SCENARIO, sending_moment(sent_on + timedelta(days=last.deadline_days + 1)))
    index = len(sent)
    step = steps[index]
    if step.anchor is Anchor.PREVIOUS_STEP and sent:
        day = today_in_paris(sent[-1].at) + timedelta(days=step.delay_days)
    else:
        day = case.invoice.due_date + timedelta(days=step.delay_days)
    if sent:
        day = max(day, today_in_paris(sent[-1].at) + timedelta(days=MIN_DAYS_BETWEEN_STEPS))
    return Action(ActionKind.SEND_STEP, sending_moment(day), index)


def due_action(case: RecoveryCase, now: datetime) -> Action | None:
    """The action to take on the case now, if one is due."""
    action = next_action(case)
    return action if action is not None and action.due(now) else None


def _last_schedule_event(case: RecoveryCase) -> CaseEvent | None:
    kinds = {EventKind.SCHEDULE_PROPOSED, EventKind.SCHEDULE_ACCEPTED, EventKind.SCHEDULE_REFUSED}
    return next((event for event in reversed(case.events) if event.kind in kinds), None)


def proposed_schedule(case: RecoveryCase) -> tuple[Instalment, ...] | None:
    """The instalments the debtor proposed and the creditor has not answered yet (None: no such proposal)."""
    last = _last_schedule_event(case)
    if last is None or last.kind is not EventKind.SCHEDULE_PROPOSED or case.status not in SCHEDULE_OPEN:
        return None
    return last.instalments


def accepted_schedule(case: RecoveryCase) -> tuple[Instalment, ...] | None:
    """The instalments of the schedule the case follows now (None: the case is not scheduled)."""
    last = _last_schedule_event(case)
    if case.status is not CaseStatus.SCHEDULED or last is None or last.kind is not EventKind.SCHEDULE_ACCEPTED:
        return None
    return last.instalments


def may_propose_schedule(case: RecoveryCase) -> bool:
    """Whether the debtor may propose a schedule now: the case open to one, none waiting, proposals left."""
    proposals = sum(1 for event in case.events if event.kind is EventKind.SCHEDULE_PROPOSED)
    return case.status in SCHEDULE_OPEN and proposed_schedule(case) is None and proposals < MAX_SCHEDULE_PROPOSALS


def schedule_paid_cents(case: RecoveryCase, instalments: Sequence[Instalment]) -> int:
    """What was paid toward a schedule: its total (owed when proposed) less what is owed now."""
    return max(0, schedules.total(instalments) - case.outstanding_cents)


def _missed_instalment_action(case: RecoveryCase) -> Action | None:
    instalments = accepted_schedule(case)
    if instalments is None:
        return None
    index = schedules.first_unpaid(instalments, schedule_paid_cents(case, instalments))
    if index is None:
        return None
    return Action(
        ActionKind.INSTALMENT_MISSED, sending_moment(schedules.missed_on(instalments[index])), instalment=index
    )


def notice_deadline(sent_at: datetime, step: Step) -> date:
    """The day a formal notice sent at ``sent_at`` gives the debtor to pay by."""
    return today_in_paris(sent_at) + timedelta(days=step.deadline_days)


def _scheduled(case: RecoveryCase) -> RecoveryCase:
    action = next_action(case)
    return replace(case, next_action_at=action.at if action is not None else None)


def _require(case: RecoveryCase, allowed: frozenset[CaseStatus], doing: str) -> None:
    if case.status not in allowed:
        raise Conflict(f"Impossible de {doing} : le dossier est {STATUS_LABELS[case.status]}.")


def opened(
    *,
    id: str,
    member_id: str,
    creditor: Party,
    debtor: Party,
    debtor_phone: str,
    invoice: Invoice,
    outstanding_cents: int,
    scenario: Scenario,
    description: str,
    now: datetime,
    actor: str,
    payment_details: str = "",
    documents: tuple[FiledDocument, ...] = (),
    einvoice: EInvoice | None = None,
    einvoice_terms_taken: tuple[str, ...] = (),
) -> RecoveryCase:
    """A new case, its scenario running from now, with the documents its invoice was given with."""
    case = RecoveryCase(
        id=id,
        member_id=member_id,
        creditor=creditor,
        debtor=debtor,
        invoice=invoice,
        outstanding_cents=outstanding_cents,
        scenario=scenario,
        status=CaseStatus.RUNNING,
        opened_at=now,
        events=(CaseEvent(EventKind.OPENED, now, actor, status=CaseStatus.RUNNING),),
        debtor_phone=debtor_phone,
        description=description,
        payment_details=payment_details,
        documents=documents,
        einvoice=einvoice,
        einvoice_terms_taken=einvoice_terms_taken,
    )
    return _scheduled(case)


# What a case is opened with: its invoice, and a proof of the debtor's commitment (the injonction de payer
# asks for a document it signed). The formal notice and its proof are the case's own steps, not inputs.
OPENING_KINDS = (DocumentKind.INVOICE, DocumentKind.COMMITMENT_PROOF)


def opening_document_problems(documents: Sequence[FiledDocument], cited_ids: Sequence[str]) -> list[FieldError]:
    """The documents a case may not be opened with, each named by its place in the ids the opening cites."""
    return [
        FieldError(
            f"documents.{list(cited_ids).index(document.id)}",
            "document_hors_dossier",
            "Un dossier s'ouvre avec la facture et, s'il y en a une, la preuve de l'engagement du débiteur : "
            "la mise en demeure et sa preuve d'envoi viennent des étapes du dossier.",
        )
        for document in documents
        if document.kind not in OPENING_KINDS
    ]


def step_claimed(case: RecoveryCase, claim: str, now: datetime) -> RecoveryCase | None:
    """A tick takes the due step to send it; None when nothing is due or another tick is sending it."""
    action = due_action(case, now)
    if action is None or action.kind is not ActionKind.SEND_STEP or action.step is None:
        return None
    if case.sending is not None and now - case.sending.at < CLAIM_TTL:
        return None
    return replace(case, sending=SendingClaim(action.step, claim, now))


def step_sent(case: RecoveryCase, step: int, message: SentMessage, now: datetime, actor: str) -> RecoveryCase:
    """Step ``step`` went out (or, a letter, was prepared for the creditor to post).

    A step claimed before the case stopped (paid or withdrawn while it was
    being sent) is recorded all the same: the message did go.
    """
    if case.sending is None or case.sending.step != step:
        _require(case, frozenset({CaseStatus.RUNNING}), "envoyer une relance")
    if step != len(case.sent_steps()):
        raise Conflict("Cette étape du scénario a déjà été envoyée.")
    event = CaseEvent(EventKind.STEP_SENT, now, actor, step=step, message=message, status=case.status)
    return _scheduled(replace(case, events=(*case.events, event), sending=None))


def scenario_ended(case: RecoveryCase, now: datetime, actor: str) -> RecoveryCase:
    """The formal notice's deadline passed unpaid: the case may now become a report."""
    _require(case, frozenset({CaseStatus.RUNNING}), "clore le scénario")
    last = case.scenario.steps[-1]
    if len(case.sent_steps()) < len(case.scenario.steps) or last.kind is not StepKind.FORMAL_NOTICE:
        raise Conflict("Le scénario n'est pas arrivé au terme de sa mise en demeure.")
    event = CaseEvent(EventKind.SCENARIO_ENDED, now, actor, status=CaseStatus.UNPAID)
    return _scheduled(replace(case, status=CaseStatus.UNPAID, events=(*case.events, event)))


def payment_recorded(
    case: RecoveryCase, *, amount_cents: int, paid_on: date, now: datetime, actor: str
) -> RecoveryCase:
    """The creditor received a payment: partial lowers what is owed, full closes the case and stops the scenario."""
    _require(case, OWED, "enregistrer un paiement")
    problems = payment_problems(case.invoice, case.outstanding_cents, amount_cents, paid_on, today_in_paris(now))
    if problems:
        raise RuleNotMet("Ce paiement ne peut pas être enregistré.", problems)
    outstanding = case.outstanding_cents - amount_cents
    status = CaseStatus.PAID if outstanding == 0 else case.status
    event = CaseEvent(EventKind.PAYMENT_RECORDED, now, actor, amount_cents=amount_cents, paid_on=paid_on, status=status)
    changed = replace(case, outstanding_cents=outstanding, status=status, events=(*case.events, event))
    return _scheduled(changed)


def contested(case: RecoveryCase, *, reason: DisputeReason, text: str, now: datetime, actor: str) -> RecoveryCase:
    """The debtor contests the claim: the scenario stops for good (mediation, or the creditor's next move)."""
    _require(case, DEBTOR_MAY_ACT, "contester")
    event = CaseEvent(EventKind.CONTESTED, now, actor, status=CaseStatus.CONTESTED, reason=reason, text=text)
    return _scheduled(replace(case, status=CaseStatus.CONTESTED, events=(*case.events, event)))


def payment_declared(
    case: RecoveryCase,
    *,
    amount_cents: int,
    paid_on: date,
    text: str,
    now: datetime,
    actor: str,
    document: FiledDocument | None = None,
    evidence: Evidence | None = None,
    evidence_sha256: str = "",
) -> RecoveryCase:
    """The debtor says it paid (``evidence``: its proof, pinned by its digest): nothing more is sent until the
    creditor records the payment or resumes."""
    _require(case, DEBTOR_MAY_ACT, "déclarer un paiement")
    problems = payment_problems(case.invoice, case.outstanding_cents, amount_cents, paid_on, today_in_paris(now))
    if evidence is not None and evidence.id in case.cited_evidence():
        problems.append(FieldError("evidence_id", "piece_deja_citee", "Cette pièce a déjà été produite."))
    if problems:
        raise RuleNotMet("Ce paiement ne peut pas être déclaré.", problems)
    # Under an accepted schedule, a declared instalment pauses nothing more: the grace leaves the creditor
    # time to record it, and the scenario resumes only if it never does.
    status = case.status if case.status is CaseStatus.SCHEDULED else CaseStatus.PAYMENT_DECLARED
    event = CaseEvent(
        EventKind.PAYMENT_DECLARED,
        now,
        actor,
        amount_cents=amount_cents,
        paid_on=paid_on,
        status=status,
        text=text,
        document=document,
        evidence=evidence,
        evidence_sha256=evidence_sha256,
    )
    return _scheduled(replace(case, status=status, events=(*case.events, event)))


def resumed(case: RecoveryCase, now: datetime, actor: str) -> RecoveryCase:
    """The creditor received nothing of the declared payment: the scenario goes on where it stopped."""
    _require(case, frozenset({CaseStatus.PAYMENT_DECLARED}), "reprendre les relances")
    status = _resumed_status(case)
    event = CaseEvent(EventKind.RESUMED, now, actor, status=status)
    return _scheduled(replace(case, status=status, events=(*case.events, event)))


def _resumed_status(case: RecoveryCase) -> CaseStatus:
    """Where a paused case goes back to: running, or unpaid when its scenario had already ended."""
    ended = any(event.kind is EventKind.SCENARIO_ENDED for event in case.events)
    return CaseStatus.UNPAID if ended else CaseStatus.RUNNING


def schedule_proposed(
    case: RecoveryCase, *, instalments: Sequence[Instalment], text: str, now: datetime, actor: str
) -> RecoveryCase:
    """The debtor proposes to pay what is owed in instalments: the creditor accepts or refuses; reminders go on."""
    _require(case, SCHEDULE_OPEN, "proposer un échéancier")
    if proposed_schedule(case) is not None:
        raise Conflict("Un échéancier attend déjà la réponse du créancier.")
    proposals = sum(1 for event in case.events if event.kind is EventKind.SCHEDULE_PROPOSED)
    if proposals >= MAX_SCHEDULE_PROPOSALS:
        raise Conflict(f"Au plus {MAX_SCHEDULE_PROPOSALS} échéanciers peuvent être proposés sur un dossier.")
    problems = schedules.schedule_problems(instalments, case.outstanding_cents, today_in_paris(now))
    if problems:
        raise RuleNotMet("Cet échéancier ne peut pas être proposé.", problems)
    event = CaseEvent(
        EventKind.SCHEDULE_PROPOSED, now, actor, status=case.status, instalments=tuple(instalments), text=text
    )
    return replace(case, events=(*case.events, event))


def _proposal(case: RecoveryCase, doing: str) -> tuple[Instalment, ...]:
    _require(case, SCHEDULE_OPEN, doing)
    instalments = proposed_schedule(case)
    if instalments is None:
        raise Conflict("Aucun échéancier n'attend votre réponse sur ce dossier.")
    return instalments


def schedule_accepted(case: RecoveryCase, now: datetime, actor: str) -> RecoveryCase:
    """The creditor accepts the proposed schedule: the scenario pauses while the instalments are paid."""
    instalments = _proposal(case, "accepter un échéancier")
    event = CaseEvent(
        EventKind.SCHEDULE_ACCEPTED,
        now,
        actor,
        status=CaseStatus.SCHEDULED,
        instalments=instalments,
        amount_cents=case.outstanding_cents,
    )
    return _scheduled(replace(case, status=CaseStatus.SCHEDULED, events=(*case.events, event)))


def schedule_refused(case: RecoveryCase, now: datetime, actor: str) -> RecoveryCase:
    """The creditor refuses the proposed schedule: the scenario goes on as before."""
    _proposal(case, "refuser un échéancier")
    event = CaseEvent(EventKind.SCHEDULE_REFUSED, now, actor, status=case.status)
    return replace(case, events=(*case.events, event))


def instalment_missed(case: RecoveryCase, now: datetime, actor: str) -> RecoveryCase:
    """An instalment was not recorded as paid by its day and the grace after it: the scenario resumes."""
    action = due_action(case, now)
    if action is None or action.kind is not ActionKind.INSTALMENT_MISSED:
        raise Conflict("Aucune échéance de ce dossier n'est manquée à ce jour.")
    status = _resumed_status(case)
    event = CaseEvent(EventKind.INSTALMENT_MISSED, now, actor, status=status, instalment=action.instalment)
    return _scheduled(replace(case, status=status, events=(*case.events, event)))


def dispatch_proved(
    case: RecoveryCase, *, step: int, document: FiledDocument, now: datetime, actor: str
) -> RecoveryCase:
    """The creditor joins the proof that a letter step was posted (the registered letter's receipt)."""
    problems = []
    sent = {event.step: event for event in case.sent_steps()}
    letter = sent.get(step)
    if letter is None or letter.message is None or letter.message.channel is not Channel.LETTER:
        problems.append(
            FieldError("step", "etape_non_postee", "Cette étape n'est pas un courrier déjà préparé par Ardoise.")
        )
    elif any(event.kind is EventKind.DISPATCH_PROOF and event.step == step for event in case.events):
        problems.append(FieldError("step", "preuve_deja_jointe", "La preuve d'envoi de ce courrier est déjà jointe."))
    if document.kind is not DocumentKind.NOTICE_PROOF:
        problems.append(
            FieldError(
                "document_id",
                "preuve_envoi_attendue",
                "Joignez un document de type notice_proof (accusé de réception, preuve de dépôt).",
            )
        )
    if problems:
        raise RuleNotMet("Cette preuve d'envoi ne peut pas être jointe.", problems)
    event = CaseEvent(EventKind.DISPATCH_PROOF, now, actor, step=step, status=case.status, document=document)
    return replace(case, events=(*case.events, event))


def withdrawn(case: RecoveryCase, now: datetime, actor: str) -> RecoveryCase:
    """The creditor stops the case: nothing more is sent."""
    _require(case, OWED, "arrêter ce dossier")
    event = CaseEvent(EventKind.WITHDRAWN, now, actor, status=CaseStatus.WITHDRAWN)
    return _scheduled(replace(case, status=CaseStatus.WITHDRAWN, events=(*case.events, event)))


def case_payments(case: RecoveryCase) -> tuple[Payment, ...]:
    """The payments the creditor recorded on the case, by the day each was made."""
    return tuple(
        Payment(event.paid_on, event.amount_cents)
        for event in case.events
        if event.kind is EventKind.PAYMENT_RECORDED and event.paid_on is not None and event.amount_cents is not None
    )


def case_penalties(
    case: RecoveryCase, until: date, table: Sequence[RateChange], points: Decimal = DEFAULT_POINTS
) -> Penalties:
    """The late-payment penalties of a case to ``until``, on the principal as it stood day by day.

    The principal at the due date is what the case was opened for plus the payments recorded since: a sum
    paid before the case opened (its date unknown to Ardoise) lowers the balance from the first day late,
    which claims the least. Each recorded payment lowers it from the day after it was made.
    """
    payments = case_payments(case)
    principal = case.outstanding_cents + sum(payment.cents for payment in payments)
    return late_payment_penalties(principal, case.invoice.due_date, until, table, points, payments=payments)


def penalties_words(penalties: Penalties) -> str:
    """The penalties' amount as a text says it, with the balance of each period when a payment changed it."""
    amount = format_eur(penalties.interest_cents)
    if not penalties.base_changed:
        return amount
    bases = ", puis ".join(
        f"sur {format_eur(period.base_cents)} du {short_date(period.start)} au {short_date(period.end)}"
        for period in _by_base(penalties)
    )
    return f"{amount} ({bases})"


def _by_base(penalties: Penalties) -> list[PenaltyPeriod]:
    """The periods merged while the balance stays the same (a half-year boundary alone does not change it)."""
    merged: list[PenaltyPeriod] = []
    for period in penalties.periods:
        if merged and merged[-1].base_cents == period.base_cents:
            last = merged[-1]
            merged[-1] = replace(last, end=period.end, days=last.days + period.days, cents=last.cents + period.cents)
        else:
            merged.append(period)
    return merged


@dataclass(frozen=True)
class Rendered:
    """A step's text for one case on one day, its placeholders filled."""

    subject: str
    body: str
    penalties: Penalties
    deadline: date | None  # a formal notice's last day to pay


def render_step(
    case: RecoveryCase, step: Step, today: date, table: Sequence[RateChange], points: Decimal = DEFAULT_POINTS
) -> Rendered:
    """Fill a step's texts for ``case`` as of ``today``: amounts, penalties to date, a notice's deadline."""
    penalties = case_penalties(case, today, table, points)
    deadline = today + timedelta(days=step.deadline_days) if step.kind is StepKind.FORMAL_NOTICE else None
    rates = sorted({period.percent for period in penalties.periods})
    values = {
        "debiteur": case.debtor.name,
        "creancier": case.creditor.name,
        "facture": case.invoice.number,
        "date_facture": short_date(case.invoice.issue_date),
        "echeance": short_date(case.invoice.due_date),
        "montant": format_eur(case.invoice.amount_cents),
        "reste_du": format_eur(case.outstanding_cents),
        "penalites": penalties_words(penalties),
        "taux": " puis ".join(f"{percent(rate)} l'an" for rate in rates) or f"taux BCE + {percent(points)} points",
        "indemnite": format_eur(penalties.indemnity_cents),
        "total": format_eur(case.outstanding_cents + penalties.total_cents),
        "date_limite": short_date(deadline) if deadline is not None else "",
        "jours_de_retard": str(max(0, (today - case.invoice.due_date).days)),
    }
    return Rendered(fill(step.subject, values), fill(step.body, values), penalties, deadline)
