"""HTTP routes of the charter: parse, call the domain, respond."""

from __future__ import annotations

from functions.core.errors import NotFound
from functions.core.http import Api
from functions.core.validation import parse_path_siren

api = Api("charter", tag="Charte")


@api.route("/signatures/<siren>", "GET", summary="Donner la signature d'une entreprise.", problems=(404,))
def get_signature(siren: str) -> None:
    siren = parse_path_siren(siren)
    raise NotFound("Cette entreprise n'a pas signé la charte.")
