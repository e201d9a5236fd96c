"""The demo shows each registry gate: a ceased company, one in redressement judiciaire, a sole trader."""

from __future__ import annotations

import pytest
from flask.testing import FlaskClient

from functions.core.resources import Resources
from functions.core.usecases.identity import filing_gates, registry_view
from functions.core.usecases.site_snapshot import load_site_snapshot
from functions.local.demo import seed_demo


# The demo seeds through the same repositories on both stores (their own tests); on moto it takes a minute.
@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
def test_the_demo_has_a_ceased_company_one_in_redressement_and_a_sole_trader(
    resources: Resources, directory: FlaskClient
) -> None:
    cases = seed_demo(resources)["registry"]
    assert [g.code for g in filing_gates(resources, cases["ceased"])] == ["entreprise_cessee"]
    assert [g.code for g in filing_gates(resources, cases["redressement_judiciaire"])] == ["procedure_collective"]
    assert registry_view(resources, cases["sole_trader"]).identity.sole_trader  # type: ignore[union-attr]  # seeded
    page = directory.get(f"/companies/{cases['sole_trader']}").json
    assert page["name"] == "Entrepreneur individuel (nom non diffusé)" and "DUMONT" not in str(page)
    assert set(resources.store.registry.last_imports()) == {"sirene_unites", "sirene_etablissements", "bodacc"}
    # The company in redressement: its reports kept, off the listing; the ceased one listed, said ceased.
    frozen = resources.store.reports.list_for_debtor(cases["redressement_judiciaire"])
    assert frozen and all(r.frozen_by == "A2026DEMO0001" for r in frozen if r.status.value == "published")
    assert directory.get(f"/companies/{cases['redressement_judiciaire']}").status_code == 404
    ceased = directory.get(f"/companies/{cases['ceased']}").json
    assert ceased["listed"] and ceased["registry_notice"].startswith("entreprise cessée le ")
    # The site's sources page states the demo's imports.
    sources = load_site_snapshot(resources).sources
    assert [s.source for s in sources] == ["sirene_unites", "sirene_etablissements", "bodacc"]
    assert all(s.file.endswith("(démo)") and s.data_date and s.imported_on for s in sources)
