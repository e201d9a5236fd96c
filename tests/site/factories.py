"""Keyword-only factories for the site's records, with realistic French defaults."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from functions.core.domain.charter import company_page_path
from functions.core.identifiers import with_check_digit
from functions.core.usecases.site_snapshot import (
    CharterStanding,
    CompanyRecord,
    ListedReport,
    SiteSnapshot,
    SourceFreshness,
)
from functions.site.handwritten import HandwrittenInputs

AS_OF = date(2026, 11, 23)
BASE_URL = "https://ardoise.example.fr"


def make_listed_report(
    *,
    issue_date: date = date(2026, 1, 12),
    due_date: date = date(2026, 2, 11),
    amount_cents: int = 1_250_00,
    outstanding_cents: int = 980_50,
    published_on: date | None = date(2026, 3, 30),
    reply: str = "",
) -> ListedReport:
    return ListedReport(
        issue_date=issue_date,
        due_date=due_date,
        amount_cents=amount_cents,
        outstanding_cents=outstanding_cents,
        published_on=published_on,
        reply=reply,
    )


def make_standing(
    *,
    status: str = "active",
    version: str = "2026-09",
    signed_on: date = date(2026, 9, 14),
    since: date | None = None,
    reason: str = "",
) -> CharterStanding:
    return CharterStanding(status=status, version=version, signed_on=signed_on, since=since or signed_on, reason=reason)


def make_record(
    *,
    siren: str = "552100554",
    name: str = "Boulangerie Martin et Fils",
    city: str = "Lyon",
    postal_code: str = "69002",
    reports: tuple[ListedReport, ...] | None = None,
    charter: CharterStanding | None = None,
    ceased_on: date | None = None,
) -> CompanyRecord:
    lines = (make_listed_report(),) if reports is None else reports
    oldest = min((line.due_date for line in lines), default=None)
    return CompanyRecord(
        siren=siren,
        name=name,
        city=city,
        postal_code=postal_code,
        path=company_page_path(siren, name),
        reports=lines,
        outstanding_cents=sum(line.outstanding_cents for line in lines),
        oldest_due=oldest,
        charter=charter,
        ceased_on=ceased_on,
    )


def make_signatory(
    *, siren: str = "732829320", name: str = "Garage du Centre", status: str = "active"
) -> CompanyRecord:
    return make_record(
        siren=siren, name=name, city="Dijon", postal_code="21000", reports=(), charter=make_standing(status=status)
    )


def make_snapshot(
    *records: CompanyRecord, as_of: date = AS_OF, sources: tuple[SourceFreshness, ...] = ()
) -> SiteSnapshot:
    return SiteSnapshot(
        as_of=as_of,
        charter_version="2026-09",
        companies=tuple(sorted(records, key=lambda r: r.siren)),
        sources=sources,
    )


def make_sources() -> tuple[SourceFreshness, ...]:
    """The three registry files, imported a few days before ``AS_OF``."""
    return (
        SourceFreshness("sirene_unites", "StockUniteLegale_utf8.csv", date(2026, 11, 1), date(2026, 11, 3)),
        SourceFreshness("sirene_etablissements", "StockEtablissement_utf8.csv", date(2026, 11, 1), date(2026, 11, 3)),
        SourceFreshness("bodacc", "annonces-commerciales.csv", date(2026, 11, 30), date(2026, 12, 1)),
    )


def many_records(count: int, *, first: int = 10_000_000, prefix: str = "Entreprise") -> list[CompanyRecord]:
    """``count`` listed companies with distinct valid SIRENs and varied names."""
    words = ["Martin", "Dubois", "Lefèvre", "Garage", "Boulangerie", "Transports", "Œuvre", "Café"]
    records = []
    for n in range(count):
        siren = with_check_digit(f"{first + n * 7919:08d}")
        name = f"{prefix} {words[n % len(words)]} {n:05d}"
        records.append(make_record(siren=siren, name=name, city="Nantes", postal_code="44000"))
    return records


def make_inputs(
    *,
    as_of: date = AS_OF,
    notice_days: int = 8,
    grace_days: int = 15,
    min_amount_cents: int = 100_00,
    penalty_points: Decimal = Decimal(10),
    reply_link_days: int = 60,
) -> HandwrittenInputs:
    """The hand-written pages' inputs (the platform's defaults), with the three functions' real OpenAPI documents."""
    from functions.site.handwritten import openapi_documents

    return HandwrittenInputs(
        today=as_of,
        notice_days=notice_days,
        grace_days=grace_days,
        min_amount_cents=min_amount_cents,
        penalty_points=penalty_points,
        reply_link_days=reply_link_days,
        plans=(("decouverte", 50), ("pro", 1000)),
        openapi=openapi_documents(),
    )
