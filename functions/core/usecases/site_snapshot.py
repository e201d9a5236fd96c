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

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date

from functions.core.clock import parse_iso, today_in_paris
from functions.core.domain.charter import (
    CharterCatalog,
    Signature,
    company_page_path,
    load_charter,
    public_status,
)
from functions.core.domain.companies import Company
from functions.core.domain.visibility import PublicInvoice, public_company, shown_name
from functions.core.resources import Resources
from functions.core.store.registry import SOURCES as REGISTRY_SOURCES
from functions.core.store.registry import ImportProgress


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
    # When a moderator checked its invoice and formal notice (the documents themselves are never shown).
    verified_on: date | None = None


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
    ceased_on: date | None = None  # SIRENE: the company ceased that day (its listing stays, said so)

    @property
    def listed(self) -> bool:
        """Whether the company is on the directory listing (one published report or more)."""
        return bool(self.reports)


@dataclass(frozen=True, slots=True)
class SourceFreshness:
    """How fresh one registry source is: its last completed import (the sources page states it)."""

    source: str  # sirene_unites, sirene_etablissements or bodacc
    file: str
    data_date: date | None  # the latest update stamp read in the file
    imported_on: date | None


@dataclass(frozen=True, slots=True)
class SiteSnapshot:
    """The whole public content of the site on one day."""

    as_of: date
    charter_version: str
    companies: tuple[CompanyRecord, ...]  # by SIREN
    sources: tuple[SourceFreshness, ...] = ()  # in REGISTRY_SOURCES order; none before any import


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
        verified_on=invoice.verified_on,
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
    name = shown_name(company.name if company else "", public, signature_name, siren)
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
        ceased_on=company.ceased_on if company else None,
    )


def source_freshness(imports: Mapping[str, ImportProgress]) -> tuple[SourceFreshness, ...]:
    """The sources page's table, from the registry's last completed imports (``Registry.last_imports``)."""
    found = []
    for source in REGISTRY_SOURCES:
        done = imports.get(source)
        if done is None:
            continue
        stamp = done.file_date[:10]
        found.append(
            SourceFreshness(
                source=source,
                file=done.name,
                data_date=date.fromisoformat(stamp) if stamp else None,
                imported_on=today_in_paris(parse_iso(done.finished_at)) if done.finished_at else None,
            )
        )
    return tuple(found)


def load_sources(res: Resources) -> tuple[SourceFreshness, ...]:
    """How fresh each registry source is (one query): every build, full or of what changed, states it."""
    return source_freshness(res.store.registry.last_imports())


def load_site_snapshot(res: Resources) -> SiteSnapshot:
    """Read every company that has a public page (listed in the directory or in the charter register) at once.

    One parallel pass over the table (``store.public_items``), not a read per company.
    """
    today = today_in_paris(res.clock())
    catalog = load_charter()
    content = res.store.public_items.read_all()
    records = []
    for siren in sorted(set(content.invoices) | set(content.signatures)):
        signature = content.signatures.get(siren)
        record = company_record(
            siren,
            company=content.companies.get(siren),
            invoices=content.invoices.get(siren, ()),
            standing=charter_standing(signature, catalog, today) if signature else None,
            signature_name=signature.company_name if signature else "",
        )
        if record is not None:
            records.append(record)
    return SiteSnapshot(
        as_of=today,
        charter_version=catalog.current(today).version,
        companies=tuple(records),
        sources=load_sources(res),
    )


def charter_version_in_force(res: Resources) -> str:
    """The charter version the site shows as current today (every page names it)."""
    return load_charter().current(today_in_paris(res.clock())).version


def load_company_records(res: Resources, sirens: Iterable[str]) -> dict[str, CompanyRecord | None]:
    """Read the records of a few companies (the ones that changed): a few requests each, None when not public."""
    today = today_in_paris(res.clock())
    catalog = load_charter()
    found: dict[str, CompanyRecord | None] = {}
    for siren in sorted(set(sirens)):
        signature = res.store.signatures.get_signature(siren)
        found[siren] = _read_record(res, siren, signature, catalog, today)
    return found


def _read_record(
    res: Resources, siren: str, signature: Signature | None, catalog: CharterCatalog, today: date
) -> CompanyRecord | None:
    return company_record(
        siren,
        company=res.store.companies.get_company(siren),
        invoices=res.store.reports.list_public_invoices(siren),
        standing=charter_standing(signature, catalog, today) if signature else None,
        signature_name=signature.company_name if signature else "",
    )
