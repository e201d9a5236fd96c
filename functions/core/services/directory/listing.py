"""The public side of the directory: a company's page and the search.

Only published reports are public, and only their facts: outstanding amount,
invoice and due dates, days overdue, status and the debtor's reply. Never the
creditor's identity or contact data, never the invoice number (it could name
the creditor), never anything about a report in its grace period or disputed.
"""

from __future__ import annotations

from dataclasses import dataclass

from functions.core.clock import today_in_paris
from functions.core.context import Services
from functions.core.domain.aggregates import CompanyAggregate
from functions.core.domain.reports import Report
from functions.core.errors import NotFound
from functions.core.identifiers import is_valid_siret, normalize
from functions.core.store.companies import Company


@dataclass(frozen=True)
class CompanyPage:
    """A company as the public sees it."""

    siren: str
    company: Company | None
    aggregate: CompanyAggregate | None
    reports: list[Report]

    @property
    def listed(self) -> bool:
        return bool(self.reports)


@dataclass(frozen=True)
class SearchHit:
    siren: str
    name: str
    city: str
    aggregate: CompanyAggregate | None


def company_page(ctx: Services, siren: str) -> CompanyPage:
    """Return what is public about ``siren``; 404 when Ardoise knows nothing of it."""
    company = ctx.store.companies.get_company(siren)
    aggregate = ctx.store.reports.get_aggregate(siren, today_in_paris(ctx.clock()))
    reports = [r for r in ctx.store.reports.list_for_debtor(siren) if r.is_public] if aggregate else []
    if company is None and not reports:
        # Same answer whether or not a report is pending: nothing unpublished may leak.
        raise NotFound("Aucune entreprise connue sous ce SIREN : elle ne figure pas dans l'annuaire.")
    return CompanyPage(siren, company, aggregate, sorted(reports, key=lambda r: (r.invoice.due_date, r.id)))


def search_companies(
    ctx: Services, query: str, *, limit: int = 20, cursor: str | None = None
) -> tuple[list[SearchHit], str | None]:
    """Search by name prefix (accents and case ignored) or by SIREN (prefix of three digits or more)."""
    digits = normalize(query)
    if len(digits) == 14 and is_valid_siret(digits):
        digits = digits[:9]  # a SIRET pasted from an invoice: its company
    if digits.isdigit():
        if len(digits) == 9:
            sirens, next_cursor = [digits], None
        else:
            sirens, next_cursor = ctx.store.reports.search_sirens(digits, limit, cursor)
        known = ctx.store.companies.get_companies(sirens)
        companies = [known.get(siren) or Company(siren, "") for siren in sirens]
    else:
        companies, next_cursor = ctx.store.companies.search_by_name(query, limit, cursor)
    aggregates = ctx.store.reports.get_aggregates([c.siren for c in companies], today_in_paris(ctx.clock()))
    # Only companies the public may know of: a company held solely because of a
    # pending report has no identity recorded yet, and must not show.
    hits = [SearchHit(c.siren, c.name, c.city, aggregates.get(c.siren)) for c in companies if c.name]
    return hits, next_cursor
