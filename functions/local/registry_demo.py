"""Demo data for the official registry: every demo company in SIRENE, and one case per gate.

As an import of INSEE's and DILA's files would leave them: each company's
identity and head office, a ceased company, one in redressement judiciaire
(BODACC notice), a sole trader whose name the public never sees; and the
sources' freshness, as the site states it.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta
from typing import Any

from functions.core.clock import isoformat, today_in_paris
from functions.core.domain.companies import Company
from functions.core.domain.registry import CompanyIdentity, HeadOffice, Judgment, JudgmentEffect, ProceedingKind
from functions.core.resources import Resources
from functions.core.store.registry import ImportProgress

DEMO_FINGERPRINT = "demo"


def seed_registry(res: Resources, companies: list[Company]) -> dict[str, Any]:
    """Record the demo companies in the registry; make one ceased, one in redressement, one a sole trader."""
    from functions.core.usecases.propagation import refresh_marked

    today = today_in_paris(res.clock())
    stamp = f"{today - timedelta(days=3)}T06:00:00"
    debtors = companies[:6]
    # Each on the listing before the registry arrives: the ceased one stays listed, said ceased; the one
    # in redressement leaves it (frozen); the sole trader stays listed, never named.
    ceased, in_proceedings, sole_trader = debtors[0], debtors[2], debtors[1]
    units, seats = [], []
    for company in companies:
        unit = CompanyIdentity(
            company.siren, company.name.upper(), "5710", True, date(2019, 1, 1), True, naf_code="43.32A",
            workforce_band="03", created_on=date(2011, 5, 2), head_office_nic="00017", updated=stamp,
        )  # fmt: skip
        if company is ceased:
            unit = replace(unit, active=False, state_since=today - timedelta(days=20))
        if company is sole_trader:
            unit = replace(unit, legal_category="1000", name="CLAIRE DUMONT")
        units.append(unit)
        number, _, street = company.address.partition(" ")
        seats.append(
            HeadOffice(
                company.siren, "00017", street_number=number if number.isdigit() else "",
                street=(street if number.isdigit() else company.address).upper(), postal_code=company.postal_code,
                city=company.city.upper(), updated=stamp,
            )
        )  # fmt: skip
    registry = res.store.registry
    registry.put_units(units)
    registry.put_seats(seats)
    opened = today - timedelta(days=12)
    notice = Judgment(
        notice_id="A2026DEMO0001",
        effect=JudgmentEffect.OPENING,
        kind=ProceedingKind.REDRESSEMENT,
        nature="Jugement d'ouverture d'une procédure de redressement judiciaire",
        judged_on=opened,
        published_on=opened + timedelta(days=5),
        court="Tribunal de commerce de Lyon",
        url="https://www.bodacc.fr/pages/annonces-commerciales/",  # a demo notice: BODACC's search page, not a notice
    )
    registry.put_judgments([(in_proceedings.siren, notice)])
    finished = isoformat(res.clock())
    for source, name, count, day in (
        ("sirene_unites", "StockUniteLegale_utf8.csv (démo)", len(units), str(today - timedelta(days=3))),
        ("sirene_etablissements", "StockEtablissement_utf8.csv (démo)", len(seats), str(today - timedelta(days=3))),
        ("bodacc", "annonces-commerciales.json (démo)", 1, str(notice.published_on)),
    ):
        registry.save_progress(
            ImportProgress(
                source,
                DEMO_FINGERPRINT,
                name,
                records=count,
                written=count,
                done=True,
                started_at=finished,
                finished_at=finished,
                file_date=day,
            )
        )
    while refresh_marked(res):
        pass
    return {"ceased": ceased.siren, "redressement_judiciaire": in_proceedings.siren, "sole_trader": sole_trader.siren}
