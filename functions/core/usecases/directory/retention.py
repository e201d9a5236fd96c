"""Retention and a company's data: ``ardoise purge`` (and the tick) and ``ardoise export``.

Settled, rejected, withdrawn and refused reports are off the listing from the
moment they close; they are deleted 24 months later. Every report is deleted 5 years
after its due date. Deleting a report deletes its evidence files, the
creditor's documents and reply links; the audit log keeps its identifiers,
statuses, amounts and dates only. Recovery cases follow the same delays (paid
or withdrawn: 24 months after; every case: 5 years after its due date), with
their files (``usecases/recovery/retention.py``). Short-lived records
(unverified members, verification codes, registration cooldowns, idempotency
records, expired reply links, documents and a case's debtor's proofs declared
and never cited within a week, with their files) are deleted when they expire,
on SQLite as on DynamoDB (see ``store/expiry.py``, ``store/documents.py`` and
``store/recovery.py``).
"""

from __future__ import annotations

import json
from dataclasses import asdict
from typing import Any

from functions.core.clock import isoformat, today_in_paris
from functions.core.domain.reports import Report
from functions.core.domain.retention import is_expired
from functions.core.logs import get_logger
from functions.core.progress import SILENT, Progress
from functions.core.resources import Resources
from functions.core.store import ConditionFailed
from functions.core.store.codec import to_data
from functions.core.store.reports import QUEUE_MODERATION, QUEUE_NOTICE, QUEUE_PUBLISH, QUEUE_PURGE, QUEUE_REVIEW
from functions.core.usecases.directory.documents import forget_uncited
from functions.core.usecases.directory.replies import storage
from functions.core.usecases.recovery.retention import (
    case_documents_on_invoice,
    export_cases,
    forget_uncited_proofs,
    purge_cases,
)

ACTOR = "system:retention"
log = get_logger("directory.retention")


def _delete_if_expired(res: Resources, report_id: str) -> bool:
    today = today_in_paris(res.clock())
    for _ in range(5):
        report = res.store.reports.get_report(report_id)
        if report is None or not is_expired(report, today):
            return False
        evidence = res.store.replies.list_evidence(report)
        shared = case_documents_on_invoice(res, report)
        try:
            res.store.reports.delete_report(report, actor=ACTOR, keep_documents=shared)
        except ConditionFailed:
            continue  # changed meanwhile: look again
        files = storage(res)
        documents = [document.key for document in report.documents if document.id not in shared]
        for key in [item.key for item in evidence] + documents:
            files.delete(key)
        return True
    return False


def purge(res: Resources, progress: Progress = SILENT) -> dict[str, int]:
    """Tick step and ``ardoise purge``: apply every retention rule; say how much went. Safe to run twice at once."""
    return {
        "reports": purge_reports(res, progress),
        "cases": purge_cases(res, progress),
        "expired_records": purge_expired_records(res),
    }


def purge_expired_records(res: Resources) -> int:
    """Delete the short-lived records whose time is over, a page at a time."""
    total = forget_uncited(res) + forget_uncited_proofs(res)
    while purged := res.store.expiring.purge_expired(res.clock()):
        total += purged
    return total


def purge_reports(res: Resources, progress: Progress = SILENT) -> int:
    """Delete every report whose retention time is over; return how many."""
    today = today_in_paris(res.clock())
    candidates = [r.id for r in res.store.reports.iter_queue(QUEUE_PURGE, until=today.isoformat())]
    # Reports still in another queue reach 5 years only if forgotten there: check them too (few).
    for queue in (QUEUE_REVIEW, QUEUE_NOTICE, QUEUE_PUBLISH, QUEUE_MODERATION):
        candidates += [r.id for r in res.store.reports.iter_queue(queue) if is_expired(r, today)]
    progress.begin("reports past retention", len(candidates))
    deleted = 0
    for report_id in candidates:
        deleted += _delete_if_expired(res, report_id)
        progress.advance()
    return deleted


def _report_data(report: Report) -> dict[str, Any]:
    """A report as exported: its notice's seed stays behind (with the secret key it gives the private link)."""
    data = to_data(report)
    if data.get("notice"):
        data["notice"] = {k: v for k, v in data["notice"].items() if k not in {"seed", "claim"}}
    return data


def _report_export(res: Resources, report: Report) -> dict[str, Any]:
    data = _report_data(report)
    data["evidence"] = [
        {**asdict(e), "created_at": isoformat(e.created_at)} for e in res.store.replies.list_evidence(report)
    ]
    return data


def _plain(value: Any) -> Any:
    """JSON-ready data from dataclasses holding dates, enums and tuples."""
    return json.loads(json.dumps(asdict(value), default=str)) if value is not None else None


def export_company(res: Resources, siren: str) -> dict[str, Any]:
    """Everything Ardoise holds about a company (right of access), as JSON-ready data.

    The directory's own records, and read-only what the other parts keep about
    it: payment experiences shared about it, its charter signature (with the
    signatory's private contact), its solvency summary, the recovery cases
    against it and its members' own (timelines and files' metadata).
    """
    company = res.store.companies.get_company(siren)
    aggregate = res.store.reports.get_aggregate(siren)
    members = [
        {k: v for k, v in to_data(member).items() if k != "token_digest"}
        for member in res.store.members.list_members(siren)
    ]
    return {
        "siren": siren,
        "exported_at": isoformat(res.clock()),
        "company": _plain(company),
        "aggregate": {
            **asdict(aggregate),
            "oldest_due_date": str(aggregate.oldest_due_date) if aggregate.oldest_due_date else None,
        }
        if aggregate
        else None,
        "reports_as_debtor": [_report_export(res, r) for r in res.store.reports.list_for_debtor(siren)],
        "reports_as_creditor": [_report_data(r) for r in res.store.reports.list_for_creditor(siren)],
        "members": members,
        **export_cases(res, siren),
        "experiences_as_debtor": [_plain(e) for e in res.store.experiences.list_for_debtor(siren)],
        "charter_signature": _plain(res.store.signatures.get_signature(siren)),
        "summary": res.store.summaries.get_summary(siren),
        "audit": [asdict(event) for event in res.store.audit.list_events(f"company:{siren}")],
    }
