"""Request and response models of the directory (they also write its OpenAPI)."""

from __future__ import annotations

from functions.core.validation import Model


class CompanyListing(Model):
    """Fiche publique d'une entreprise."""

    siren: str
    name: str
    city: str
    listed: bool
