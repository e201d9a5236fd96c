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
  case's link (its proof of payment), the bytes in the evidence storage.

Every change commits an audit event (status, amounts, step; never a text).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime

from functions.core.domain.evidence import Evidence
from functions.core.domain.recovery import RecoveryCase
from functions.core.domain.scenarios import Scenario
from functions.core.store.base import AuditEvent, Repository, sortable_time
from functions.core.store.codec import from_item, to_data
from functions.core.store.items import ConditionFailed, Item, Put, Write
from functions.core.text import fold

RECOVERY_QUEUE = "RECOVERYQ"


def case_key_pk(creditor_siren: str, debtor_siren: str, invoice_number: str) -> str:
    return f"CASEKEY#{creditor_siren}#{debtor_siren}#{fold(invoice_number) or invoice_number.strip()}"


def _case_item(case: RecoveryCase, version: int) -> Item:
    queued = case.next_action_at is not None
    return Item(
        f"CASE#{case.id}",
        "CASE",
        to_data(case),
        version,
        gsi1pk=RECOVERY_QUEUE if queued else None,
        gsi1sk=f"{sortable_time(case.next_action_at)}#{case.id}" if case.next_action_at is not None else None,
        gsi2pk=f"MEMBERCASES#{case.member_id}",
        gsi2sk=f"{sortable_time(case.opened_at)}#{case.id}",
    )


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
        writes = [Put(_case_item(stored, 1), None), Put(Item(key, "CASE", {"case_id": case.id}), None), *extra_writes]
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

        ``extra_writes`` join the same transaction (a document marked cited by the case).
        """
        saved = replace(after, version=before.version + 1)
        writes = [Put(_case_item(saved, saved.version), before.version), *extra_writes]
        self.store.commit(writes, [self._event(before, saved, action, actor)])
        return saved

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
        item = Item(f"CASE#{case.id}", f"EVIDENCE#{evidence.id}", to_data(evidence))
        self.store.commit([Put(item, None)], [event])

    def list_evidence(self, case: RecoveryCase) -> list[Evidence]:
        """The files the debtor declared on the case, the oldest first."""
        return [from_item(Evidence, item) for item in self.query_all(f"CASE#{case.id}", sk_prefix="EVIDENCE#")]

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
