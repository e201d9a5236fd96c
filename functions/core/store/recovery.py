"""Recovery cases and the members' scenarios.

- ``CASE#{id}`` / ``CASE``: one case (the domain's ``RecoveryCase`` through the
  codec, its timeline inside). A running case waits on ``gsi1`` under
  ``RECOVERYQ``, sorted by its next action's moment, so that the tick reads
  only the due ones; the member's cases are on ``gsi2`` under
  ``MEMBERCASES#{member}``, the newest last.
- ``CASEKEY#{creditor}#{debtor}#{invoice}`` / ``CASE``: one case per invoice of
  a creditor against a debtor (the number folded like a report's), written
  with the case on the condition that it does not exist.
- ``MEMBERSCENARIOS#{member}`` / ``SCENARIO#{id}``: a member's own scenario.
- ``CASE#{id}`` / ``EVIDENCE#{evidence}``: a file the debtor declared through the
  case's link (its proof of payment), the bytes in the evidence storage. Until
  a declaration cites it, it waits on ``gsi1`` under ``CASEQ#proofs``, sorted by
  when it is forgotten (``UNCITED_FILE_DAYS`` after it was declared); the
  citing save takes it out of the queue in its own transaction.
- ``DEBTORCASES#{siren}`` / ``CASE#{id}``: which cases are held against a
  debtor (its right of access), written and deleted with the case.

Retention (``domain/retention.py``): a case that waits on no action is on
``gsi1`` under ``CASEQ#purge``, sorted by the day it must be deleted; a
running or scheduled one stays in ``RECOVERYQ``, placed at its next action or
at its deletion day if that comes first, so that the purge finds it among the
due ones. Deleting a case deletes its key, its evidence and dispatch proofs'
records and its debtor pointer in one transaction, guarded by its version.

Every change commits an audit event (status, amounts, step; never a text).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import date, datetime, time
from typing import Any

from functions.core.clock import PARIS
from functions.core.domain.evidence import Evidence
from functions.core.domain.recovery import RecoveryCase
from functions.core.domain.retention import case_closed_at, case_delete_on, proof_forget_at
from functions.core.domain.scenarios import Scenario
from functions.core.store.base import AuditEvent, Repository, sortable_time
from functions.core.store.codec import from_item, to_data
from functions.core.store.documents import document_sk, documents_pk
from functions.core.store.items import ConditionFailed, Delete, Item, Put, StoreError, Write
from functions.core.text import fold

RECOVERY_QUEUE = "RECOVERYQ"
CASE_PURGE_QUEUE = "CASEQ#purge"
UNCITED_PROOF_QUEUE = "CASEQ#proofs"
# Sorts after any "#id" suffix: closes an inclusive upper bound on a key prefix.
_AFTER_ANY_ID = "#~"


def case_key_pk(creditor_siren: str, debtor_siren: str, invoice_number: str) -> str:
    return f"CASEKEY#{creditor_siren}#{debtor_siren}#{fold(invoice_number) or invoice_number.strip()}"


def debtor_cases_pk(siren: str) -> str:
    return f"DEBTORCASES#{siren}"


def _deletion_moment(case: RecoveryCase) -> datetime:
    return datetime.combine(case_delete_on(case), time(0), PARIS)


def _queue_key(case: RecoveryCase) -> tuple[str, str]:
    """The gsi1 queue a case waits in (its next action's, else the purge's), and its place there."""
    if case.next_action_at is not None:
        moment = min(case.next_action_at, _deletion_moment(case))
        return RECOVERY_QUEUE, f"{sortable_time(moment)}#{case.id}"
    return CASE_PURGE_QUEUE, f"{case_delete_on(case).isoformat()}#{case.id}"


def _case_item(case: RecoveryCase, version: int) -> Item:
    queue, place = _queue_key(case)
    return Item(
        f"CASE#{case.id}",
        "CASE",
        to_data(case),
        version,
        gsi1pk=queue,
        gsi1sk=place,
        gsi2pk=f"MEMBERCASES#{case.member_id}",
        gsi2sk=f"{sortable_time(case.opened_at)}#{case.id}",
    )


def _evidence_item(case_id: str, evidence: Evidence, *, cited: bool, version: int = 1) -> Item:
    queue = (
        {"gsi1pk": None, "gsi1sk": None}
        if cited
        else {"gsi1pk": UNCITED_PROOF_QUEUE, "gsi1sk": f"{sortable_time(proof_forget_at(evidence))}#{evidence.id}"}
    )
    return Item(f"CASE#{case_id}", f"EVIDENCE#{evidence.id}", to_data(evidence), version, **queue)


def audit_view(case: RecoveryCase) -> dict[str, Any]:
    """What the audit log keeps of a deleted case: identifiers, status, amounts and dates only."""
    closed = case_closed_at(case)
    return {
        "case": case.id,
        "member_id": case.member_id,
        "creditor_siren": case.creditor.siren,
        "debtor_siren": case.debtor.siren,
        "status": case.status.value,
        "amount_cents": case.invoice.amount_cents,
        "outstanding_cents": case.outstanding_cents,
        "issue_date": case.invoice.issue_date.isoformat(),
        "due_date": case.invoice.due_date.isoformat(),
        "opened_at": case.opened_at.isoformat(),
        "closed_at": closed.isoformat() if closed is not None else None,
        "events": len(case.events),
    }


def _summary(case: RecoveryCase) -> dict[str, object]:
    return {
        "case": case.id,
        "status": case.status.value,
        "outstanding_cents": case.outstanding_cents,
        "events": len(case.events),
    }


class DuplicateCase(ConditionFailed):
    """A case exists already for this creditor, debtor and invoice number (its id in ``case_id``)."""

    def __init__(self, case_id: str) -> None:
        super().__init__("a case exists for this invoice")
        self.case_id = case_id


class EvidenceGone(StoreError):
    """A file a save would cite was forgotten meanwhile (uncited past its time): nothing was written."""

    def __init__(self, evidence_id: str) -> None:
        super().__init__(f"evidence {evidence_id} is no longer held")
        self.evidence_id = evidence_id


class Cases(Repository):
    """Open, read, change and queue recovery cases; keep the members' scenarios."""

    def _event(self, before: RecoveryCase | None, after: RecoveryCase, action: str, actor: str) -> AuditEvent:
        return self.store.event(
            f"company:{after.debtor.siren}",
            f"case:{after.id}",
            action,
            actor,
            before=_summary(before) if before is not None else None,
            after=_summary(after),
        )

    def open_case(self, case: RecoveryCase, *, actor: str, extra_writes: Sequence[Write] = ()) -> RecoveryCase:
        """Store a new case; raise :class:`DuplicateCase` when its invoice has one already.

        ``extra_writes`` join the same transaction (the documents it was opened with, marked cited by it).
        """
        key = case_key_pk(case.creditor.siren, case.debtor.siren, case.invoice.number)
        stored = replace(case, version=1)
        writes = [
            Put(_case_item(stored, 1), None),
            Put(Item(key, "CASE", {"case_id": case.id}), None),
            Put(Item(debtor_cases_pk(case.debtor.siren), f"CASE#{case.id}", {"case_id": case.id}), unconditional=True),
            *extra_writes,
        ]
        try:
            self.store.commit(writes, [self._event(None, stored, "case.opened", actor)])
        except ConditionFailed:
            existing = self.backend.get(key, "CASE")
            if existing is not None:
                raise DuplicateCase(str(existing.data["case_id"])) from None
            raise
        return stored

    def get_case(self, case_id: str) -> RecoveryCase | None:
        item = self.backend.get(f"CASE#{case_id}", "CASE")
        return from_item(RecoveryCase, item) if item is not None else None

    def save(
        self, before: RecoveryCase, after: RecoveryCase, *, actor: str, action: str, extra_writes: Sequence[Write] = ()
    ) -> RecoveryCase:
        """Write ``after`` over ``before`` unless the case changed meanwhile (``ConditionFailed``: read again).

        ``extra_writes`` join the same transaction (a document marked cited by the case). A debtor's
        file the change cites leaves the queue of uncited proofs in it too, unless the purge forgot
        it meanwhile (:class:`EvidenceGone`, nothing written).
        """
        saved = replace(after, version=before.version + 1)
        writes = [Put(_case_item(saved, saved.version), before.version), *extra_writes]
        writes += self._citing_writes(before, saved)
        self.store.commit(writes, [self._event(before, saved, action, actor)])
        return saved

    def _citing_writes(self, before: RecoveryCase, after: RecoveryCase) -> list[Write]:
        cited = {e.evidence.id: e.evidence for e in after.events if e.evidence is not None}
        writes: list[Write] = []
        for evidence_id in sorted(after.cited_evidence() - before.cited_evidence()):
            item = self.backend.get(f"CASE#{after.id}", f"EVIDENCE#{evidence_id}")
            if item is None:
                raise EvidenceGone(evidence_id)
            # Guarded by its version: a purge that deletes it first fails this save, read again.
            fresh = _evidence_item(after.id, cited[evidence_id], cited=True, version=item.version + 1)
            writes.append(Put(fresh, item.version))
        return writes

    def list_member_cases(self, member_id: str) -> list[RecoveryCase]:
        """Every case a member opened, the oldest first."""
        items = self.query_all(f"MEMBERCASES#{member_id}", index="gsi2")
        return [from_item(RecoveryCase, item) for item in items]

    def list_due(self, now: datetime, limit: int = 100) -> list[str]:
        """The ids of running cases whose next action is due at ``now``, the most overdue first."""
        page = self.backend.query(RECOVERY_QUEUE, index="gsi1", sk_to=sortable_time(now) + "#~", limit=limit)
        return [item.pk.removeprefix("CASE#") for item in page.items]

    def record_evidence(self, case: RecoveryCase, evidence: Evidence) -> None:
        """Keep a file the debtor declared on the case (before its bytes arrive)."""
        # The file's name is the debtor's text: the audit log keeps its id, type and size only.
        event = self.store.event(
            f"company:{case.debtor.siren}",
            f"case:{case.id}",
            "case.evidence_declared",
            f"debtor:{case.debtor.siren}",
            after={"evidence": evidence.id, "content_type": evidence.content_type, "bytes": evidence.declared_bytes},
        )
        self.store.commit([Put(_evidence_item(case.id, evidence, cited=False), None)], [event])

    def forget_evidence(self, case: RecoveryCase, evidence: Evidence, *, actor: str) -> None:
        """Forget a file declared on the case that nothing cites (a form refused after it was kept)."""
        event = self.store.event(
            f"company:{case.debtor.siren}",
            f"case:{case.id}",
            "case.evidence_forgotten",
            actor,
            before={"evidence": evidence.id},
        )
        self.store.commit([Delete(f"CASE#{case.id}", f"EVIDENCE#{evidence.id}", unconditional=True)], [event])

    def list_evidence(self, case: RecoveryCase) -> list[Evidence]:
        """The files the debtor declared on the case, the oldest first."""
        return [from_item(Evidence, item) for item in self.query_all(f"CASE#{case.id}", sk_prefix="EVIDENCE#")]

    # -- retention and right of access --------------------------------------
    def list_for_debtor(self, siren: str) -> list[RecoveryCase]:
        """Every case still held against ``siren`` (all statuses, every creditor), the oldest first."""
        pointers = self.query_all(debtor_cases_pk(siren), sk_prefix="CASE#")
        items = self.backend.get_many([(f"CASE#{p.data['case_id']}", "CASE") for p in pointers])
        cases = [from_item(RecoveryCase, item) for item in items]
        return sorted(cases, key=lambda case: (case.opened_at, case.id))

    def _queued(self, queue: str, sk_to: str) -> list[str]:
        ids: list[str] = []
        cursor: str | None = None
        while True:
            page = self.backend.query(queue, index="gsi1", sk_to=sk_to, limit=200, cursor=cursor)
            ids += [item.pk.removeprefix("CASE#") for item in page.items]
            if page.cursor is None:
                return ids
            cursor = page.cursor

    def retention_candidates(self, today: date, now: datetime) -> list[str]:
        """The ids of the cases that may be past retention: the purge queue up to ``today``, and the running
        ones due at ``now`` (a case is placed there at its deletion day at the latest); the caller checks."""
        return self._queued(CASE_PURGE_QUEUE, today.isoformat() + _AFTER_ANY_ID) + self._queued(
            RECOVERY_QUEUE, sortable_time(now) + _AFTER_ANY_ID
        )

    def find_case(self, creditor_siren: str, debtor_siren: str, invoice_number: str) -> RecoveryCase | None:
        """The case held on this invoice of a creditor against a debtor, if any."""
        key = self.backend.get(case_key_pk(creditor_siren, debtor_siren, invoice_number), "CASE")
        return self.get_case(str(key.data["case_id"])) if key is not None else None

    def delete_case(self, case: RecoveryCase, *, actor: str, keep_documents: frozenset[str] = frozenset()) -> None:
        """Delete a case and what hangs from it unless it changed since read (``ConditionFailed``).

        Its key, its debtor pointer, the debtor's files' and the creditor's documents' records go in the same
        transaction (but the documents in ``keep_documents``: a report still held cites them too); the
        audit event keeps identifiers, status, amounts and dates. The files' bytes are the caller's to
        delete once this committed.
        """
        writes: list[Write] = [
            Delete(f"CASE#{case.id}", "CASE", case.version),
            Delete(
                case_key_pk(case.creditor.siren, case.debtor.siren, case.invoice.number), "CASE", unconditional=True
            ),
            Delete(debtor_cases_pk(case.debtor.siren), f"CASE#{case.id}", unconditional=True),
        ]
        writes += [
            Delete(item.pk, item.sk, unconditional=True)
            for item in self.query_all(f"CASE#{case.id}", sk_prefix="EVIDENCE#")
        ]
        writes += [
            Delete(documents_pk(case.member_id), document_sk(document.id), unconditional=True)
            for document in case.held_documents()
            if document.id not in keep_documents
        ]
        event = self.store.event(
            f"company:{case.debtor.siren}", f"case:{case.id}", "case.deleted", actor, before=audit_view(case)
        )
        self.store.commit(writes, [event])

    def purge_uncited_proofs(self, now: datetime, *, actor: str, limit: int = 200) -> tuple[int, list[str]]:
        """Forget up to ``limit`` debtor's files no declaration cited in time.

        Return how many records left the queue, and the storage keys of the files forgotten (to delete). A
        file cited meanwhile only leaves the queue; one changed meanwhile stays for the next purge.
        """
        page = self.backend.query(
            UNCITED_PROOF_QUEUE, index="gsi1", sk_to=sortable_time(now) + _AFTER_ANY_ID, limit=limit
        )
        handled, keys = 0, []
        for item in page.items:
            evidence = from_item(Evidence, item)
            case = self.get_case(item.pk.removeprefix("CASE#"))
            try:
                if case is not None and evidence.id in case.cited_evidence():
                    fresh = _evidence_item(case.id, evidence, cited=True, version=item.version + 1)
                    self.backend.transact([Put(fresh, item.version)])
                else:
                    event = self.store.event(
                        f"company:{case.debtor.siren}" if case is not None else "recovery",
                        item.pk.replace("CASE#", "case:", 1),
                        "case.evidence_forgotten",
                        actor,
                        before={"evidence": evidence.id},
                    )
                    self.store.commit([Delete(item.pk, item.sk, item.version)], [event])
                    keys.append(evidence.key)
            except ConditionFailed:
                continue  # cited at the last second: its save took it out of the queue
            handled += 1
        return handled, keys

    # -- scenarios -------------------------------------------------------------
    def create_scenario(self, scenario: Scenario, *, actor: str) -> Scenario:
        stored = replace(scenario, version=1)
        item = Item(f"MEMBERSCENARIOS#{scenario.owner}", f"SCENARIO#{scenario.id}", to_data(stored))
        event = self.store.event(
            f"member:{scenario.owner}",
            f"scenario:{scenario.id}",
            "scenario.created",
            actor,
            after={"scenario": scenario.id, "steps": len(scenario.steps)},
        )
        self.store.commit([Put(item, None)], [event])
        return stored

    def get_scenario(self, owner: str, scenario_id: str) -> Scenario | None:
        item = self.backend.get(f"MEMBERSCENARIOS#{owner}", f"SCENARIO#{scenario_id}")
        return from_item(Scenario, item) if item is not None else None

    def list_scenarios(self, owner: str) -> list[Scenario]:
        return [from_item(Scenario, item) for item in self.query_all(f"MEMBERSCENARIOS#{owner}", sk_prefix="SCENARIO#")]
