"""HTTP routes of the directory: parse, call the domain, respond."""

from __future__ import annotations

from functions.core.http import Api, services
from functions.core.errors import NotFound
from functions.core.validation import parse_path_siren
from functions.directory.schemas import CompanyListing

api = Api("directory", tag="Annuaire")


@api.route("/companies/<siren>", "GET", summary="Donner la fiche publique d'une entreprise.", responses={200: CompanyListing}, problems=(404,))
def get_company(siren: str) -> CompanyListing:
    siren = parse_path_siren(siren)
    company = services().store.companies.get_company(siren)
    if company is None:
        raise NotFound("Aucune entreprise connue sous ce SIREN.")
    return CompanyListing(siren=company.siren, name=company.name, city=company.city, listed=False)
