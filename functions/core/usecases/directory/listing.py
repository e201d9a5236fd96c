"""The public side of the directory: a company's page and the search.

What the public may see is :mod:`functions.core.domain.visibility`'s rule: a
company only while it has a listed report or signed the charter, and of its
reports only the listed ones, with their facts and the debtor's public reply.
Anything else (a report pending, contested, rejected, withdrawn, settled...)
answers exactly as a company Ardoise never heard of.

Both reads cost what the public may see, not what is held: a company page is
its profile and its listed reports' projections (two store requests), a
search reads the public index only.
"""

from __future__ import annotations

from dataclasses import dataclass

from functions.core.clock import today_in_paris
from functions.core.domain.aggregates import CompanyAggregate
from functions.core.domain.companies import Company
from functions.core.domain.visibility import Presence, PublicCompany, public_company, public_invoice
from functions.core.errors import NotFound
from functions.core.identifiers import is_valid_siret, normalize
from functions.core.progress import SILENT, Progress
from functions.core.resources import Resources
from functions.core.usecases.identity import recorded_identity

REBUILD_ACTOR = "system:rebuild"
UNKNOWN = "Aucune entreprise connue sous ce SIREN : elle ne figure pas dans l'annuaire."


@dataclass(frozen=True)
class CompanyPage:
    """A company as the public sees it."""

    company: Company
    public: PublicCompany

    @property
    def listed(self) -> bool:
        return self.public.listed


@dataclass(frozen=True)
class SearchHit:
    siren: str
    name: str
    city: str
    aggregate: CompanyAggregate | None


def company_page(res: Resources, siren: str) -> CompanyPage:
    """Return what is public about ``siren``; 404 when the public may not know of it."""
    found = res.store.companies.get_public_company(siren)
    if found is not None:
        company, presence = found
        invoices = res.store.reports.list_public_invoices(siren) if presence.listed else []
        public = public_company(invoices, signatory=presence.signatory)
        if public is not None:
            return CompanyPage(company, public)
    # Same answer whether a report is pending, was rejected or paid, or never existed.
    raise NotFound(UNKNOWN)


def search_companies(
    res: Resources, query: str, *, limit: int = 20, cursor: str | None = None
) -> tuple[list[SearchHit], str | None]:
    """Search the public companies by name prefix (accents and case ignored) or SIREN (three digits or more)."""
    digits = normalize(query)
    if len(digits) == 14 and is_valid_siret(digits):
        digits = digits[:9]  # a SIRET pasted from an invoice: its company
    if digits.isdigit():
        if len(digits) == 9:
            found = res.store.companies.get_public_company(digits)
            companies, next_cursor = ([found[0]] if found else []), None
        else:
            companies, next_cursor = res.store.companies.search_by_siren(digits, limit, cursor)
    else:
        companies, next_cursor = res.store.companies.search_by_name(query, limit, cursor)
    aggregates = res.store.reports.get_aggregates([c.siren for c in companies], today_in_paris(res.clock()))
    hits = [SearchHit(c.siren, c.name, c.city, aggregates.get(c.siren)) for c in companies]
    return hits, next_cursor


@dataclass(frozen=True)
class ListingDifference:
    """A company whose stored public listing differs from what its reports and signature call for."""

    siren: str
    what: tuple[str, ...]  # "invoices", "presence"


def rebuild_listing(res: Resources, *, check_only: bool, progress: Progress = SILENT) -> list[ListingDifference]:
    """Compare (and unless ``check_only``, repair) every company's public listing with its reports and signature.

    The public projections and the presence are derived in the same transaction
    as each change; this recomputes them from scratch (``ardoise rebuild-listing``:
    checks, and the upgrade of a store written before they existed).
    """
    sirens = set(res.store.reports.list_aggregate_sirens()) | set(res.store.companies.list_sirens())
    differences = []
    progress.begin("companies", len(sirens))
    for siren in sorted(sirens):
        progress.advance()
        reports = res.store.reports.list_for_debtor(siren)
        invoices = {r.id: invoice for r in reports if (invoice := public_invoice(r)) is not None}
        signature = res.store.signatures.get_signature(siren)
        presence = Presence(listed=bool(invoices), signatory=signature is not None)
        stored = res.store.companies.stored_presence(siren)
        what = []
        if res.store.reports.stored_listing(siren) != invoices:
            what.append("invoices")
        if (stored is None and presence.public) or (stored is not None and stored != (presence, presence.public)):
            what.append("presence")
        if not what:
            continue
        differences.append(ListingDifference(siren, tuple(what)))
        if check_only:
            continue
        if "invoices" in what:
            res.store.reports.write_listing(siren, invoices, actor=REBUILD_ACTOR)
        if "presence" in what:
            # The identity recorded when none is known yet: as publication or signing would have.
            listed = [invoice.debtor_name for invoice in invoices.values()]
            named = listed[-1] if listed else (signature.company_name if signature else siren)
            identity = recorded_identity(res, siren, named)
            res.store.companies.write_presence(identity, presence, actor=REBUILD_ACTOR)
    return differences
