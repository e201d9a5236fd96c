"""A company's identity as every surface shows it: the one place that asks the registry.

The site, the public API, solvency summaries, the badge, the charter's register
and e-mails read a company's name and address from the directory's company
record (``store.companies``). This module keeps that record the registry's:
when SIRENE knows the SIREN, the record holds the registry's public name
(``domain.registry.public_name``: never a sole trader's or a protected record's)
and head office, whatever a creditor or a signatory typed — what they typed
stays on their report or signature as what they typed. When the registry does
not know the SIREN, the record holds the typed name, as before, and the pages
say it is not verified.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from functions.core.clock import today_in_paris
from functions.core.domain.companies import Company
from functions.core.domain.registry import (
    CompanyIdentity,
    GateFailure,
    Proceeding,
    last_proceeding,
    public_address,
    public_name,
    registry_gates,
)
from functions.core.resources import Resources

REGISTRY_ACTOR = "system:registry"


@dataclass(frozen=True)
class RegistryView:
    """What the registry says of a company today (both None when it was never imported for it)."""

    identity: CompanyIdentity | None
    proceeding: Proceeding | None  # open today
    last_proceeding: Proceeding | None = None  # open today, else the last that ended

    @property
    def known(self) -> bool:
        return self.identity is not None


def registry_view(res: Resources, siren: str) -> RegistryView:
    return registry_views(res, [siren])[siren]


def registry_views(res: Resources, sirens: Sequence[str]) -> dict[str, RegistryView]:
    today = today_in_paris(res.clock())
    identities = res.store.registry.get_identities(sirens)
    views = {}
    for siren in dict.fromkeys(sirens):
        judgments = res.store.registry.list_judgments(siren)
        last = last_proceeding(judgments, today) if judgments else None
        views[siren] = RegistryView(identities.get(siren), last if last and last.closed_by is None else None, last)
    return views


def identity_for(siren: str, typed: str, identity: CompanyIdentity | None) -> Company:
    """The company record to keep for ``siren``: the registry's public identity, else what was typed."""
    name = public_name(identity, typed)
    address = public_address(identity)
    if identity is None or not name.verified:
        return Company(siren, typed)
    ceased = identity.ceased_on
    if address is None:
        return Company(siren, name.text, verified=True, ceased_on=ceased)
    return Company(
        siren, name.text, address.street_line, address.postal_code, address.city, verified=True, ceased_on=ceased
    )


def recorded_identity(res: Resources, siren: str, typed: str) -> Company:
    """The identity a first record of ``siren`` holds (the registry's when it knows the company)."""
    return identity_for(siren, typed, res.store.registry.get_identity(siren))


def align_identity(res: Resources, siren: str) -> None:
    """Refresher: rewrite a known company's record from the registry when the registry knows it (idempotent)."""
    identity = res.store.registry.get_identity(siren)
    if identity is None:
        return
    current = res.store.companies.get_company(siren)
    if current is None:
        return  # not public: the directory records it when it first has to
    wanted = identity_for(siren, current.name, identity)
    if wanted != current:
        res.store.companies.record_company(wanted, REGISTRY_ACTOR)


def filing_gates(res: Resources, siren: str, *, invoice_issued: date | None = None) -> list[GateFailure]:
    """The registry's reasons to refuse a report against ``siren`` now (empty: none, or unknown company)."""
    view = registry_view(res, siren)
    return registry_gates(view.identity, view.proceeding, invoice_issued=invoice_issued)
