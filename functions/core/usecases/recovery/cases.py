"""Opening a recovery case and moving it on by the creditor's hand: payments, withdrawal.

A case is opened with the same invoice input and rules as a report's filing
(``rules.check_claim``: the parties, the invoice's dates and amounts) and the
same registry gates (a ceased company, a collective proceeding: 422); the
amicable steps a filing proves are what the case will do. The invoice may be
cited as a document, as at filing (``filing.read_invoice``): an e-invoice is
read and cross-checked, the terms left out are taken from it, and the
documents are pinned to the case (marked cited by it, in the same
transaction), so that the report filed from the case carries them and no
other filing or case cites them. One case per creditor, debtor and invoice
number (409). ``Idempotency-Key`` is honoured by the edge, as on every
state-changing route.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date
from typing import Any, NoReturn

from functions.core.clock import today_in_paris
from functions.core.domain import recovery
from functions.core.domain.documents import FiledDocument
from functions.core.domain.einvoice import Filed
from functions.core.domain.members import Member
from functions.core.domain.recovery import RecoveryCase
from functions.core.domain.reports import Invoice, Party
from functions.core.domain.rules import Draft, Limits, check_claim
from functions.core.domain.scenarios import CHANNEL_LABELS, Channel, Scenario
from functions.core.errors import Duplicate, FieldError, NotFound, RuleNotMet
from functions.core.identifiers import parse_company
from functions.core.resources import Resources
from functions.core.store import ConditionFailed, retry_on_conflict
from functions.core.store.recovery import DuplicateCase
from functions.core.usecases.directory.documents import cite_documents, read_document
from functions.core.usecases.directory.filing import TypedInvoice, read_invoice, refuse_by_registry, still_uncited
from functions.core.usecases.directory.members import require_approved
from functions.core.usecases.recovery.scenarios import find_scenario


@dataclass(frozen=True)
class CaseOpening:
    """What the creditor sent to open a case, already shaped (the route validated the formats)."""

    claimed_creditor_siren: str | None
    debtor_siren: str
    debtor_name: str
    debtor_email: str
    debtor_postal_address: str
    invoice: TypedInvoice  # a term left out (None) is read from the cited e-invoice
    debtor_phone: str = ""
    description: str = ""
    scenario_id: str = ""
    payment_details: str = ""
    # The ids of the documents declared and uploaded beforehand (``POST /documents``): the invoice, a commitment.
    documents: tuple[str, ...] = ()

    @classmethod
    def of_draft(cls, draft: Draft, debtor_name: str, invoice_number: str, **rest: Any) -> CaseOpening:
        """An opening that types every term of its invoice, as a draft holds them (the demo, tests)."""
        invoice = TypedInvoice(
            invoice_number, draft.issue_date, draft.due_date, draft.amount_cents, draft.outstanding_cents
        )
        return cls(
            draft.claimed_creditor_siren, draft.debtor_siren, debtor_name, draft.debtor_email,
            draft.debtor_postal_address, invoice, **rest,
        )  # fmt: skip


def _draft(member: Member, opening: CaseOpening, terms: Filed) -> Draft:
    """The opening as the filing's rules read it, its invoice's terms complete."""
    assert terms.issue_date is not None and terms.due_date is not None and terms.amount_cents is not None
    return Draft(
        member_siren=member.siren,
        claimed_creditor_siren=opening.claimed_creditor_siren,
        debtor_siren=opening.debtor_siren,
        debtor_email=opening.debtor_email,
        debtor_postal_address=opening.debtor_postal_address,
        issue_date=terms.issue_date,
        due_date=terms.due_date,
        amount_cents=terms.amount_cents,
        outstanding_cents=opening.invoice.outstanding_cents,
        # What a filing proves (reminders, the notice) is what the case will do.
        reminder_dates=(),
        notice_date=None,
        notice_channel=None,
    )


def _contact_problems(draft: Draft, phone: str, scenario: Scenario) -> list[FieldError]:
    """Each channel the scenario uses needs the debtor's matching contact."""
    needs = {
        Channel.EMAIL: ("debtor.email", bool(draft.debtor_email), "son adresse e-mail"),
        Channel.LETTER: ("debtor.postal_address", bool(draft.debtor_postal_address.strip()), "son adresse postale"),
        Channel.SMS: ("debtor.phone", bool(phone), "son numéro de téléphone mobile"),
    }
    problems = []
    for channel in dict.fromkeys(step.channel for step in scenario.steps):
        field, present, what = needs[channel]
        if not present:
            problems.append(
                FieldError(
                    field,
                    "contact_manquant_pour_le_canal",
                    f"Le scénario envoie une étape par {CHANNEL_LABELS[channel]} : indiquez {what}.",
                )
            )
    return problems


def open_case(res: Resources, member: Member, opening: CaseOpening) -> RecoveryCase:
    """Open a case for an unpaid invoice if every rule holds; its scenario starts at once."""
    require_approved(member)
    now = res.clock()
    reading = read_invoice(res, member, opening.debtor_siren, opening.invoice, opening.documents)
    terms = reading.terms
    assert terms.number is not None  # read_invoice refuses an opening without one
    draft = _draft(member, opening, terms)
    limits = Limits(res.settings.notice_days, res.settings.min_amount_cents)
    scenario = find_scenario(res, member, opening.scenario_id)
    cited = [c.document for c in reading.cited]
    failures = (
        check_claim(draft, today_in_paris(now), limits)
        + reading.problems
        + recovery.opening_document_problems(cited, list(dict.fromkeys(opening.documents)))
    )
    if scenario is None:
        failures.append(FieldError("scenario_id", "scenario_inconnu", "Aucun de vos scénarios sous cet identifiant."))
    else:
        failures += _contact_problems(draft, opening.debtor_phone, scenario)
        if any(step.channel is Channel.SMS for step in scenario.steps) and not res.sms.available:
            failures.append(
                FieldError(
                    "scenario_id",
                    "sms_indisponible",
                    "L'envoi de SMS n'est pas disponible : choisissez un scénario sans étape par SMS.",
                )
            )
    if failures or scenario is None:
        raise RuleNotMet("Ce dossier ne peut pas être ouvert.", failures)
    refuse_by_registry(res, draft)
    case = recovery.opened(
        id=f"case_{uuid.uuid4().hex[:16]}",
        member_id=member.id,
        creditor=Party(siren=member.siren, name=member.company_name, email=member.email),
        debtor=Party(
            siren=parse_company(draft.debtor_siren),
            name=opening.debtor_name,
            email=draft.debtor_email,
            postal_address=draft.debtor_postal_address,
        ),
        debtor_phone=opening.debtor_phone,
        invoice=Invoice(terms.number, draft.issue_date, draft.due_date, draft.amount_cents),
        outstanding_cents=draft.outstanding_cents,
        scenario=scenario,
        description=opening.description,
        payment_details=opening.payment_details,
        now=now,
        actor=f"member:{member.id}",
        documents=tuple(cited),
        einvoice=reading.einvoice,
        einvoice_terms_taken=tuple(reading.taken),
    )
    citing = list(reading.declared)

    def attempt() -> RecoveryCase:
        try:
            writes = res.store.documents.cite_writes(citing, case.id)
            return res.store.cases.open_case(case, actor=f"member:{member.id}", extra_writes=writes)
        except DuplicateCase as exc:
            _refuse_duplicate(res, member, exc.case_id)
        except ConditionFailed:
            # A cited document changed meanwhile: cited elsewhere first (409), or only touched (try again).
            citing[:] = still_uncited(res, member, citing)
            raise

    return retry_on_conflict(attempt)


def _refuse_duplicate(res: Resources, member: Member, case_id: str) -> NoReturn:
    first = res.store.cases.get_case(case_id)
    if first is not None and first.member_id == member.id:
        raise Duplicate("Vous avez déjà ouvert un dossier pour cette facture.", extra={"case_id": case_id}) from None
    raise Duplicate("Un dossier existe déjà pour cette facture et ce débiteur dans votre entreprise.") from None


def own_case(res: Resources, member: Member, case_id: str) -> RecoveryCase:
    """Return a case the member opened itself; 404 otherwise (no hint that it exists)."""
    case = res.store.cases.get_case(case_id)
    if case is None or case.member_id != member.id:
        raise NotFound("Aucun dossier de votre part sous cet identifiant.")
    return case


def own_document(res: Resources, member: Member, case_id: str, document_id: str) -> tuple[FiledDocument, bytes]:
    """A document one of the member's cases holds (its invoice, a dispatch proof) and its bytes; 404 for any
    other id, 409 when they changed since the case pinned them."""
    case = own_case(res, member, case_id)
    document = next((d for d in case.held_documents() if d.id == document_id), None)
    if document is None:
        raise NotFound("Aucun document sous cet identifiant pour ce dossier.")
    return document, read_document(res, document)


def list_cases(res: Resources, member: Member) -> list[RecoveryCase]:
    """The member's cases, the most recent first."""
    return list(reversed(res.store.cases.list_member_cases(member.id)))


def change_case(
    res: Resources, case_id: str, change: Callable[[RecoveryCase], RecoveryCase | None], *, actor: str, action: str
) -> RecoveryCase | None:
    """Apply ``change`` to the current case and save it; retry while others win; None when nothing changed."""

    def attempt() -> RecoveryCase | None:
        case = res.store.cases.get_case(case_id)
        if case is None:
            raise NotFound("Aucun dossier sous cet identifiant.")
        after = change(case)
        if after is None:
            return None
        return res.store.cases.save(case, after, actor=actor, action=action)

    return retry_on_conflict(attempt)


def by_creditor(
    res: Resources,
    member: Member,
    case_id: str,
    transition: Callable[[RecoveryCase, str], RecoveryCase],
    action: str,
) -> RecoveryCase:
    """Apply a creditor's transition (given the actor) to one of its own cases."""
    own_case(res, member, case_id)
    actor = f"member:{member.id}"
    saved = change_case(res, case_id, lambda case: transition(case, actor), actor=actor, action=action)
    assert saved is not None  # a transition returns the next case or raises
    return saved


def record_payment(res: Resources, member: Member, case_id: str, *, amount_cents: int, paid_on: date) -> RecoveryCase:
    """The creditor records a payment: the rest owed goes down; paid in full, the scenario stops."""
    return by_creditor(
        res,
        member,
        case_id,
        lambda case, actor: recovery.payment_recorded(
            case, amount_cents=amount_cents, paid_on=paid_on, now=res.clock(), actor=actor
        ),
        "case.payment_recorded",
    )


def join_dispatch_proof(res: Resources, member: Member, case_id: str, *, step: int, document_id: str) -> RecoveryCase:
    """Join the proof that a letter step was posted: a document declared and uploaded (``POST /documents``).

    The document is checked like a filing's (the member's, received, as
    declared), its SHA-256 pinned on the timeline, and marked cited by the case
    in the same transaction, so that no filing cites it again and the purge of
    uncited documents leaves it.
    """
    own_case(res, member, case_id)
    cited, declared, problems = cite_documents(res, member, [document_id])
    if problems:
        raise RuleNotMet(
            "Cette preuve d'envoi ne peut pas être jointe.", [replace(p, field="document_id") for p in problems]
        )
    actor = f"member:{member.id}"

    def attempt() -> RecoveryCase:
        case = own_case(res, member, case_id)
        after = recovery.dispatch_proved(case, step=step, document=cited[0].document, now=res.clock(), actor=actor)
        writes = res.store.documents.cite_writes(declared, case.id)
        return res.store.cases.save(case, after, actor=actor, action="case.dispatch_proved", extra_writes=writes)

    return retry_on_conflict(attempt)


def resume_case(res: Resources, member: Member, case_id: str) -> RecoveryCase:
    """The creditor received nothing of a payment the debtor declared: the scenario goes on."""
    return by_creditor(
        res, member, case_id, lambda case, actor: recovery.resumed(case, res.clock(), actor), "case.resumed"
    )


def withdraw_case(res: Resources, member: Member, case_id: str) -> RecoveryCase:
    """The creditor stops the case: nothing more is sent."""
    return by_creditor(
        res, member, case_id, lambda case, actor: recovery.withdrawn(case, res.clock(), actor), "case.withdrawn"
    )
