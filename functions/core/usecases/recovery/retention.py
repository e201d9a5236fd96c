"""Recovery cases under the retention rules (``domain/retention.py``) and in a company's right of access.

The directory's purge (``usecases/directory/retention.py``: the tick step and
``ardoise purge``) calls :func:`purge_cases` and :func:`forget_uncited_proofs`.
Deleting a case deletes its records in one transaction guarded by its version
(a case changed meanwhile is read again), then its files: the debtor's proofs,
the letters' PDFs Ardoise prepared, the dispatch proofs the creditor joined.
"""

from __future__ import annotations

from typing import Any

from functions.core.clock import today_in_paris
from functions.core.domain.recovery import RecoveryCase
from functions.core.domain.reports import Report
from functions.core.domain.retention import case_is_expired
from functions.core.progress import SILENT, Progress
from functions.core.resources import Resources
from functions.core.store import ConditionFailed
from functions.core.store.codec import to_data
from functions.core.usecases.directory.replies import storage

ACTOR = "system:retention"


def case_files(case: RecoveryCase, evidence_keys: list[str], keep_documents: frozenset[str]) -> list[str]:
    """The storage keys of every file a case holds: the debtor's proofs, its letters, the creditor's documents
    (its invoice, its dispatch proofs; but those in ``keep_documents``)."""
    letters = [e.message.storage_key for e in case.events if e.message is not None and e.message.storage_key]
    proofs = [d.key for d in case.held_documents() if d.id not in keep_documents]
    return list(dict.fromkeys([*evidence_keys, *letters, *proofs]))


def report_documents_on_invoice(res: Resources, case: RecoveryCase) -> frozenset[str]:
    """The documents of the report held on the case's invoice: a report filed from the case carries the
    case's invoice and the notice's proof of dispatch, which stay as long as that report does."""
    report_id = res.store.reports.find_duplicate(case.creditor.siren, case.debtor.siren, case.invoice.number)
    report = res.store.reports.get_report(report_id) if report_id is not None else None
    return frozenset(document.id for document in report.documents) if report is not None else frozenset()


def case_documents_on_invoice(res: Resources, report: Report) -> frozenset[str]:
    """The documents the case held on a report's invoice cites (the same file, the report's purge keeps)."""
    case = res.store.cases.find_case(report.creditor.siren, report.debtor.siren, report.invoice.number)
    if case is None:
        return frozenset()
    return frozenset(document.id for document in case.held_documents())


def _delete_if_expired(res: Resources, case_id: str) -> bool:
    today = today_in_paris(res.clock())
    for _ in range(5):
        case = res.store.cases.get_case(case_id)
        if case is None or not case_is_expired(case, today):
            return False
        shared = report_documents_on_invoice(res, case)
        keys = case_files(case, [e.key for e in res.store.cases.list_evidence(case)], shared)
        try:
            res.store.cases.delete_case(case, actor=ACTOR, keep_documents=shared)
        except ConditionFailed:
            continue  # changed meanwhile: look again
        files = storage(res)
        for key in keys:
            files.delete(key)
        return True
    return False


def purge_cases(res: Resources, progress: Progress = SILENT) -> int:
    """Delete every case whose retention time is over; return how many."""
    now = res.clock()
    candidates = list(dict.fromkeys(res.store.cases.retention_candidates(today_in_paris(now), now)))
    progress.begin("recovery cases past retention", len(candidates))
    deleted = 0
    for case_id in candidates:
        deleted += _delete_if_expired(res, case_id)
        progress.advance()
    return deleted


def forget_uncited_proofs(res: Resources) -> int:
    """Forget the debtor's files that no declaration cited within a week, records and files; return how many."""
    files, total = storage(res), 0
    while True:
        handled, keys = res.store.cases.purge_uncited_proofs(res.clock(), actor=ACTOR)
        for key in keys:
            files.delete(key)
        total += len(keys)
        if not handled:
            return total


def _case_export(res: Resources, case: RecoveryCase) -> dict[str, Any]:
    """A case as exported: its timeline and its files' metadata; the tick's sending claim stays behind.

    The debtor's link holds no stored secret (its token is derived from the case id and the platform's
    key, ``debtor.case_token``): nothing here opens it.
    """
    data = {k: v for k, v in to_data(case).items() if k != "sending"}
    data["evidence"] = [to_data(evidence) for evidence in res.store.cases.list_evidence(case)]
    return data


def export_cases(res: Resources, siren: str) -> dict[str, list[dict[str, Any]]]:
    """The recovery cases held about a company: against it (every creditor's), and its members' own."""
    as_creditor = [
        case
        for member in res.store.members.list_members(siren)
        for case in res.store.cases.list_member_cases(member.id)
    ]
    return {
        "cases_as_debtor": [_case_export(res, case) for case in res.store.cases.list_for_debtor(siren)],
        "cases_as_creditor": [_case_export(res, case) for case in as_creditor],
    }
