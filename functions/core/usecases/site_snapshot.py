"""What the public site shows, read from the store once per build, as plain records.

The site generator (``functions/site``) renders these records and never touches
the store: its pages and golden tests depend on nothing else. Only
:func:`load_site_snapshot` reads the store; :func:`company_record` is the pure
function that turns what the store holds about one company into its record
(the benchmark builds its synthetic records through it too).

What reaches a record is :mod:`functions.core.domain.visibility`'s rule, the
directory API's own: a company has a page while it has a listed report or a
charter signature, and its page shows its listed reports only (read from
their public projections); settled, unlisted, contested, rejected, withdrawn
and purged reports never reach a record.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date

from functions.core.clock import today_in_paris
from functions.core.domain.charter import (
    CharterCatalog,
    Signature,
    company_page_path,
    load_charter,
    public_status,
)
from functions.core.domain.visibility import PublicInvoice, public_company
from functions.core.resources import Resources
from functions.core.store.companies import Company

REGISTER_PAGE = 500


@dataclass(frozen=True, slots=True)
class ListedReport:
    """One published unpaid invoice as the public sees it (never the creditor).

    Dates only, never a count of days overdue: a record, and the page made from
    it, must not change as days pass (the browser counts the days).
    """

    issue_date: date
    due_date: date
    amount_cents: int
    outstanding_cents: int
    published_on: date | None
    reply: str


@dataclass(frozen=True, slots=True)
class CharterStanding:
    """A company's place in the charter register."""

    status: str  # a SignatureStatus value
    version: str
    signed_on: date
    since: date
    reason: str = ""  # French, shown beside a suspension


@dataclass(frozen=True, slots=True)
class CompanyRecord:
    """Everything one company page, its directory line and its search entry show."""

    siren: str
    name: str
    city: str
    postal_code: str
    path: str  # "/entreprises/<siren>-<slug>/"
    reports: tuple[ListedReport, ...]
    outstanding_cents: int
    oldest_due: date | None
    charter: CharterStanding | None

    @property
    def listed(self) -> bool:
        """Whether the company is on the directory listing (one published report or more)."""
        return bool(self.reports)


@dataclass(frozen=True, slots=True)
class SiteSnapshot:
    """The whole public content of the site on one day."""

    as_of: date
    charter_version: str
    companies: tuple[CompanyRecord, ...]  # by SIREN


def charter_standing(signature: Signature, catalog: CharterCatalog, today: date) -> CharterStanding:
    """Return what the register shows about a signature on ``today``."""
    status = public_status(signature, catalog, today)
    return CharterStanding(
        status=status.status.value,
        version=signature.charter_version,
        signed_on=today_in_paris(signature.signed_at),
        since=today_in_paris(status.since),
        reason=status.reason_text or "",
    )


def listed_report(invoice: PublicInvoice) -> ListedReport:
    return ListedReport(
        issue_date=invoice.issue_date,
        due_date=invoice.due_date,
        amount_cents=invoice.amount_cents,
        outstanding_cents=invoice.outstanding_cents,
        published_on=invoice.published_on,
        reply=invoice.reply,
    )


def company_record(
    siren: str,
    *,
    company: Company | None,
    invoices: Iterable[PublicInvoice],
    standing: CharterStanding | None,
    signature_name: str = "",
) -> CompanyRecord | None:
    """Return the record of one company's page, or None when nothing about it is public."""
    public = public_company(invoices, signatory=standing is not None)
    if public is None:
        return None
    listed = public.invoices
    name = (company.name if company else "") or (listed[-1].debtor_name if listed else "") or signature_name or siren
    return CompanyRecord(
        siren=siren,
        name=name,
        city=company.city if company else "",
        postal_code=company.postal_code if company else "",
        path=company_page_path(siren, name),
        reports=tuple(listed_report(invoice) for invoice in listed),
        outstanding_cents=public.outstanding_cents,
        oldest_due=public.oldest_due_date,
        charter=standing,
    )


def _all_signatures(res: Resources) -> Iterator[Signature]:
    cursor: str | None = None
    while True:
        page, cursor = res.store.signatures.list_signatures(limit=REGISTER_PAGE, cursor=cursor)
        yield from page
        if cursor is None:
            return


def load_site_snapshot(res: Resources) -> SiteSnapshot:
    """Read every company that has a public page: listed in the directory or in the charter register."""
    today = today_in_paris(res.clock())
    catalog = load_charter()
    signatures = {signature.siren: signature for signature in _all_signatures(res)}
    listed = set(res.store.reports.list_listed_sirens())
    records = []
    for siren in sorted(listed | set(signatures)):
        signature = signatures.get(siren)
        record = company_record(
            siren,
            company=res.store.companies.get_company(siren),
            invoices=res.store.reports.list_public_invoices(siren) if siren in listed else (),
            standing=charter_standing(signature, catalog, today) if signature else None,
            signature_name=signature.company_name if signature else "",
        )
        if record is not None:
            records.append(record)
    return SiteSnapshot(as_of=today, charter_version=catalog.current(today).version, companies=tuple(records))
