"""HTTP routes of the solvency reports: parse, call the domain, respond."""

from __future__ import annotations

from functions.core.errors import Unauthorized
from functions.core.http import Api
from functions.core.validation import parse_path_siren

api = Api("reports", tag="Synthèses")


@api.route("/solvency/<siren>", "GET", summary="Donner la synthèse de solvabilité d'une entreprise.", security="apiKey", problems=(404, 429))
def get_solvency(siren: str) -> None:
    siren = parse_path_siren(siren)
    raise Unauthorized("Clé d'API manquante ou invalide (en-tête X-API-Key).")
