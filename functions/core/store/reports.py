"""Reports, their debtor's aggregate, duplicates and idempotent replays.

Layout (one partition per debtor, so that a company's reports and aggregate
are read strongly consistent and changed together):

- ``DEBTOR#{siren}`` / ``REPORT#{id}``: the report. ``gsi1`` places it in the
  time-driven queue its status calls for (file to check, notice to send,
  publication due, moderation, purge); ``gsi2`` lists a creditor's reports.
- ``DEBTOR#{siren}`` / ``AGGREGATE``: counts, outstanding total and due dates
  of the open published reports; ``gsi2`` ``LISTED`` while the company is on
  the public listing. Every report change rewrites it in the same transaction,
  guarded by its version, so the figures are exact under concurrent writers.
- ``DEBTOR#{siren}`` / ``LISTING#{id}``: what the public sees of a listed
  report (:func:`~functions.core.domain.visibility.public_invoice`), present
  while it is listed and written in the same transaction as the report, so
  that a company's public page reads its listed reports and nothing else: its
  cost does not grow with what else is held against the debtor.
- the company's public presence (``store/companies.py``), changed in the same
  transaction when the company enters or leaves the listing.
- ``REPORTID#{id}``: which debtor a report id belongs to.
- ``DEDUP#{creditor}#{debtor}#{invoice}``: one report per invoice and creditor.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import replace
from datetime import date, datetime
from typing import Any

from functions.core.clock import today_in_paris
from functions.core.domain.aggregates import AggregateState, CompanyAggregate
from functions.core.domain.companies import Company
from functions.core.domain.reports import Report, ReportStatus
from functions.core.domain.retention import delete_on
from functions.core.domain.visibility import PublicInvoice, public_invoice
from functions.core.store.base import AuditEvent, Ledger, Repository, sortable_time
from functions.core.store.codec import from_data, from_item, to_data
from functions.core.store.companies import Companies
from functions.core.store.documents import document_sk, documents_pk
from functions.core.store.items import Check, Delete, Item, Put, Write
from functions.core.text import fold

__all__ = ["CompanyAggregate", "Reports"]

AGGREGATE = "AGGREGATE"
LISTED = "LISTED"
LISTING_PREFIX = "LISTING#"
QUEUE_REVIEW = "DIRQ#review"
QUEUE_NOTICE = "DIRQ#notice"
QUEUE_PUBLISH = "DIRQ#publish"
QUEUE_MODERATION = "DIRQ#moderation"
QUEUE_PURGE = "DIRQ#purge"
# Sorts after any "#id" suffix: closes an inclusive upper bound on a time prefix.
_AFTER_ANY_ID = "#~"


def debtor_pk(siren: str) -> str:
    return f"DEBTOR#{siren}"


def report_sk(report_id: str) -> str:
    return f"REPORT#{report_id}"


def dedup_pk(creditor_siren: str, debtor_siren: str, invoice_number: str) -> str:
    """One key per creditor, debtor and invoice number (case, accents and spacing folded)."""
    return f"DEDUP#{creditor_siren}#{debtor_siren}#{fold(invoice_number) or invoice_number.strip()}"


def queue_key(report: Report) -> tuple[str, str]:
    """The time-driven queue a report sits in, and its place there."""
    if report.status is ReportStatus.UNDER_REVIEW:
        return QUEUE_REVIEW, f"{sortable_time(report.created_at)}#{report.id}"
    if report.status is ReportStatus.SUBMITTED:
        return QUEUE_NOTICE, f"{sortable_time(report.created_at)}#{report.id}"
    if report.status is ReportStatus.NOTIFIED and report.publish_after is not None:
        return QUEUE_PUBLISH, f"{sortable_time(report.publish_after)}#{report.id}"
    if report.status is ReportStatus.DISPUTED and report.dispute is not None:
        return QUEUE_MODERATION, f"{sortable_time(report.dispute.opened_at)}#{report.id}"
    return QUEUE_PURGE, f"{delete_on(report).isoformat()}#{report.id}"


def _report_item(report: Report, version: int) -> Item:
    queue, place = queue_key(report)
    return Item(
        debtor_pk(report.debtor.siren),
        report_sk(report.id),
        to_data(report),
        version,
        gsi1pk=queue,
        gsi1sk=place,
        gsi2pk=f"CREDITOR#{report.creditor.siren}",
        gsi2sk=f"{sortable_time(report.created_at)}#{report.id}",
    )


def audit_view(report: Report | None) -> dict[str, Any] | None:
    """What the audit log keeps of a report: identifiers, status, amounts and dates only."""
    if report is None:
        return None
    return {
        "id": report.id,
        "creditor_siren": report.creditor.siren,
        "debtor_siren": report.debtor.siren,
        "status": report.status.value,
        "amount_cents": report.invoice.amount_cents,
        "outstanding_cents": report.outstanding_cents,
        "issue_date": report.invoice.issue_date.isoformat(),
        "due_date": report.invoice.due_date.isoformat(),
        "published_at": report.published_at.isoformat() if report.published_at else None,
        "settled_on": report.settled_on.isoformat() if report.settled_on else None,
        "closed_at": report.closed_at.isoformat() if report.closed_at else None,
        "frozen_by": report.frozen_by,
        # Which files the report was filed with, as proof: identifiers and digests, never their names.
        "documents": [{"id": d.id, "kind": d.kind.value, "sha256": d.sha256} for d in report.documents],
        # Who checked the file and when (the reason of a refusal is free text: e-mailed, not logged).
        "review": {"decision": report.review.decision.value, "decided_by": report.review.decided_by}
        if report.review
        else None,
    }


def listing_writes(before: Report | None, after: Report | None) -> list[Write]:
    """Keep a report's public projection what the public may see of it: written, rewritten or deleted."""
    old, new = public_invoice(before), public_invoice(after)
    if old == new:
        return []
    report = after or before
    assert report is not None  # one of them is always set
    key = (debtor_pk(report.debtor.siren), f"{LISTING_PREFIX}{report.id}")
    if new is None:
        return [Delete(*key, unconditional=True)]
    # The report's own write, guarded by its version, orders every change to its projection.
    return [Put(Item(*key, to_data(new)), unconditional=True)]


class Reports(Repository):
    """Read and change reports; every change keeps the debtor's aggregate exact."""

    def __init__(self, store: Ledger, companies: Companies) -> None:
        super().__init__(store)
        # A company enters or leaves the public index in the report change's own transaction (``Companies``).
        self.companies = companies

    # -- reads -------------------------------------------------------------
    def get_report(self, report_id: str) -> Report | None:
        """Return one report by id, or None (unknown or deleted)."""
        pointer = self.backend.get(f"REPORTID#{report_id}", "REPORTID")
        if pointer is None:
            return None
        item = self.backend.get(debtor_pk(pointer.data["debtor_siren"]), report_sk(report_id))
        return from_item(Report, item) if item else None

    def list_for_debtor(self, siren: str) -> list[Report]:
        """Return every report still held against ``siren`` (all statuses), oldest first."""
        items = self.query_all(debtor_pk(siren), sk_prefix="REPORT#")
        return sorted((from_item(Report, item) for item in items), key=lambda r: (r.created_at, r.id))

    def list_public_invoices(self, siren: str) -> list[PublicInvoice]:
        """Return what the public sees of the company's listed reports, by due date (reads nothing else)."""
        invoices = (
            from_item(PublicInvoice, item) for item in self.query_all(debtor_pk(siren), sk_prefix=LISTING_PREFIX)
        )
        return sorted(invoices, key=lambda invoice: (invoice.due_date, invoice.reference))

    def stored_listing(self, siren: str) -> dict[str, PublicInvoice]:
        """Return the stored public projections by report id (checks and rebuilds compare them)."""
        items = self.query_all(debtor_pk(siren), sk_prefix=LISTING_PREFIX)
        return {item.sk.removeprefix(LISTING_PREFIX): from_item(PublicInvoice, item) for item in items}

    def write_listing(self, siren: str, expected: Mapping[str, PublicInvoice], *, actor: str) -> None:
        """Overwrite a company's public projections with ``expected`` (``rebuild-listing`` repairs with it)."""
        stored = self.stored_listing(siren)
        writes: list[Write] = [
            Put(Item(debtor_pk(siren), f"{LISTING_PREFIX}{report_id}", to_data(invoice)), unconditional=True)
            for report_id, invoice in expected.items()
            if stored.get(report_id) != invoice
        ]
        writes += [
            Delete(debtor_pk(siren), f"{LISTING_PREFIX}{report_id}", unconditional=True)
            for report_id in stored
            if report_id not in expected
        ]
        event = self.store.event(f"company:{siren}", f"listing:{siren}", "listing.rebuilt", actor)
        for start in range(0, len(writes), 90):
            self.store.commit(writes[start : start + 90], [event] if start == 0 else [], touched=[siren])

    def list_for_creditor(self, siren: str) -> list[Report]:
        """Return every report held that ``siren`` filed, oldest first."""
        return [from_item(Report, item) for item in self.query_all(f"CREDITOR#{siren}", index="gsi2")]

    def get_aggregate(self, siren: str, today: date | None = None) -> CompanyAggregate | None:
        """Return the company's directory figures as of ``today``, or None when nothing is held."""
        item = self.backend.get(debtor_pk(siren), AGGREGATE)
        if item is None:
            return None
        return from_data(AggregateState, item.data).view(siren, today or today_in_paris(self.now()))

    def get_aggregates(self, sirens: Sequence[str], today: date | None = None) -> dict[str, CompanyAggregate]:
        """Return the aggregates of several companies at once (those without one are left out)."""
        day = today or today_in_paris(self.now())
        items = self.backend.get_many([(debtor_pk(siren), AGGREGATE) for siren in sirens])
        return {
            item.pk.removeprefix("DEBTOR#"): from_data(AggregateState, item.data).view(
                item.pk.removeprefix("DEBTOR#"), day
            )
            for item in items
        }

    def get_aggregate_state(self, siren: str) -> AggregateState | None:
        """Return the stored aggregate state (checks and rebuilds compare it)."""
        item = self.backend.get(debtor_pk(siren), AGGREGATE)
        return from_data(AggregateState, item.data) if item else None

    def list_listed_sirens(self) -> list[str]:
        """Return the SIREN of every company with at least one published report, in order."""
        return [item.gsi2sk or "" for item in self.query_all(LISTED, index="gsi2")]

    def list_aggregate_sirens(self) -> list[str]:
        """Return every company with an aggregate (maintenance jobs only: scans)."""
        found = []
        for pk in self.backend.scan_partitions("DEBTOR#"):
            if self.backend.get(pk, AGGREGATE) is not None:
                found.append(pk.removeprefix("DEBTOR#"))
        return found

    def in_queue(
        self, queue: str, *, until: str | None = None, limit: int | None = None, cursor: str | None = None
    ) -> tuple[list[Report], str | None]:
        """Return the reports of a time-driven queue, oldest first, up to the key ``until``."""
        sk_to = until + _AFTER_ANY_ID if until is not None else None
        page = self.backend.query(queue, index="gsi1", sk_to=sk_to, limit=limit, cursor=cursor)
        return [from_item(Report, item) for item in page.items], page.cursor

    def iter_queue(self, queue: str, *, until: str | None = None) -> Iterator[Report]:
        cursor: str | None = None
        while True:
            reports, cursor = self.in_queue(queue, until=until, limit=200, cursor=cursor)
            yield from reports
            if cursor is None:
                return

    def list_partition(self, siren: str, sk_prefix: str) -> list[Item]:
        """Return the raw items of a debtor's partition under ``sk_prefix`` (evidence, links)."""
        return self.query_all(debtor_pk(siren), sk_prefix=sk_prefix)

    # -- writes ------------------------------------------------------------
    def file_report(self, report: Report, *, actor: str, extra_writes: Sequence[Write] = ()) -> Report:
        """Store a new report; raise ConditionFailed when its invoice was reported before."""
        filed = replace(report, version=1)
        derived, derived_events = self._derived_writes(report.debtor.siren, [(None, filed)], actor)
        writes: list[Write] = [
            Put(_report_item(filed, 1), None),
            Put(Item(f"REPORTID#{report.id}", "REPORTID", {"debtor_siren": report.debtor.siren}), None),
            Put(Item(self.dedup_key(report), "DEDUP", {"report_id": report.id}), None),
            *derived,
            *extra_writes,
        ]
        event = self._event(None, filed, "report.filed", actor)
        self.store.commit(writes, [event, *derived_events], touched=[report.debtor.siren])
        return filed

    def dedup_key(self, report: Report) -> str:
        return dedup_pk(report.creditor.siren, report.debtor.siren, report.invoice.number)

    def release_duplicate_guard(self, report: Report) -> list[Write]:
        """The write freeing a report's invoice for another filing: only while the guard is still this report's."""
        item = self.backend.get(self.dedup_key(report), "DEDUP")
        if item is None or item.data.get("report_id") != report.id:
            return []  # released already, and perhaps taken by a later report of the same invoice
        return [Delete(item.pk, item.sk, item.version)]

    def find_duplicate(self, creditor_siren: str, debtor_siren: str, invoice_number: str) -> str | None:
        """Return the id of the report already filed for this invoice, if any."""
        item = self.backend.get(dedup_pk(creditor_siren, debtor_siren, invoice_number), "DEDUP")
        return str(item.data["report_id"]) if item else None

    def save(
        self,
        before: Report,
        after: Report,
        *,
        actor: str,
        action: str,
        extra_writes: Sequence[Write] = (),
        extra_events: Sequence[AuditEvent] = (),
        identity: Company | None = None,
    ) -> Report:
        """Replace ``before`` by ``after`` if nobody changed it meanwhile (else ConditionFailed).

        ``identity`` is the debtor's identity to record if the change lists it
        and Ardoise knows none yet (the registry's, when the caller has it);
        otherwise the name the creditor typed.
        """
        saved = replace(after, version=before.version + 1)
        derived, derived_events = self._derived_writes(before.debtor.siren, [(before, saved)], actor, identity)
        writes: list[Write] = [
            Put(_report_item(saved, saved.version), before.version),
            *derived,
            *extra_writes,
        ]
        events = [self._event(before, saved, action, actor), *extra_events, *derived_events]
        self.store.commit(writes, events, touched=[before.debtor.siren])
        return saved

    def delete_report(
        self,
        report: Report,
        *,
        actor: str,
        action: str = "report.deleted",
        keep_documents: frozenset[str] = frozenset(),
    ) -> None:
        """Delete a report and everything hanging from it (evidence and document records, reply links).

        The documents in ``keep_documents`` stay: a recovery case still held cites them too (the notice's
        proof of dispatch a report filed from the case carries).
        """
        siren = report.debtor.siren
        derived, derived_events = self._derived_writes(siren, [(report, None)], actor)
        writes: list[Write] = [
            Delete(debtor_pk(siren), report_sk(report.id), report.version),
            Delete(f"REPORTID#{report.id}", "REPORTID", unconditional=True),
            *self.release_duplicate_guard(report),
            *derived,
            *(
                Delete(documents_pk(report.filed_by), document_sk(d.id), unconditional=True)
                for d in report.documents
                if d.id not in keep_documents
            ),
        ]
        for item in self.list_partition(siren, f"EVIDENCE#{report.id}#") + self.list_partition(
            siren, f"LINK#{report.id}#"
        ):
            writes.append(Delete(item.pk, item.sk, unconditional=True))
            if item.sk.startswith("LINK#"):
                writes.append(Delete(f"REPLYLINK#{item.data['digest']}", "LINK", unconditional=True))
        self.store.commit(writes, [self._event(report, None, action, actor), *derived_events], touched=[siren])

    def write_aggregate_state(self, siren: str, state: AggregateState, *, actor: str) -> None:
        """Overwrite a company's aggregate (``rebuild-aggregates`` repairs with it)."""
        current = self.backend.get(debtor_pk(siren), AGGREGATE)
        event = self.store.event(
            f"company:{siren}",
            f"aggregate:{siren}",
            "aggregate.rebuilt",
            actor,
            before=current.data if current else None,
            after=to_data(state),
        )
        self.store.commit([self._aggregate_write(siren, state, current)], [event], touched=[siren])

    # -- helpers -----------------------------------------------------------
    def _event(self, before: Report | None, after: Report | None, action: str, actor: str) -> AuditEvent:
        subject = (after or before).debtor.siren  # type: ignore[union-attr]  # one of them is always set
        report_id = (after or before).id  # type: ignore[union-attr]
        return self.store.event(
            f"company:{subject}",
            f"report:{report_id}",
            action,
            actor,
            before=audit_view(before),
            after=audit_view(after),
        )

    def _derived_writes(
        self,
        siren: str,
        changes: Sequence[tuple[Report | None, Report | None]],
        actor: str,
        identity: Company | None = None,
    ) -> tuple[list[Write], list[AuditEvent]]:
        """What follows from report changes, in their transaction: aggregate, public projections, presence."""
        current = self.backend.get(debtor_pk(siren), AGGREGATE)
        was = state = from_data(AggregateState, current.data) if current else AggregateState()
        for before, after in changes:
            state = state.changed(before, after)
        writes = [self._aggregate_write(siren, state, current)]
        for before, after in changes:
            writes += listing_writes(before, after)
        listed = state.open_published_count > 0
        if listed == (was.open_published_count > 0):
            return writes, []
        if identity is None:
            named = next(report for pair in changes for report in reversed(pair) if report is not None)
            identity = Company(siren, named.debtor.name)
        presence, events = self.companies.listing_writes(identity, listed=listed, actor=actor)
        return writes + presence, events

    def _aggregate_write(self, siren: str, state: AggregateState, current: Item | None) -> Write:
        if state.held_report_count == 0:
            if current is None:
                # Still absent: guards against a concurrent first report.
                return Check(debtor_pk(siren), AGGREGATE, None)
            return Delete(debtor_pk(siren), AGGREGATE, current.version)
        listed = state.open_published_count > 0
        # No SIREN-prefix keys here: the public index is the company profile's (store/companies.py).
        keys: dict[str, Any] = {
            "gsi1pk": None,
            "gsi1sk": None,
            "gsi2pk": LISTED if listed else None,
            "gsi2sk": siren if listed else None,
        }
        if current is None:
            return Put(Item(debtor_pk(siren), AGGREGATE, to_data(state), 1, **keys), None)
        return Put(current.bumped(to_data(state), **keys), current.version)


def moment_key(moment: datetime) -> str:
    """Queue key prefix of a moment (``in_queue(until=...)`` takes it)."""
    return sortable_time(moment)
