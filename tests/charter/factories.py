"""Keyword-only factories with realistic defaults for the charter tests."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any

from flask.testing import FlaskClient

from functions.core.domain.charter import Signature, SignatureRequest, Standing
from functions.core.mailer import OutboxMailer

SIREN = "552100554"
COMPANY = "Société Générale d'Équipement"
EMAIL = "direction@sge-equipement.fr"
# The version in force at the test clock's date (2026-03-02).
VERSION = "2025-06"
NEXT_VERSION = "2026-09"

_TOKEN = re.compile(r"jeton=([A-Za-z0-9_\-]+)")


def signature_form(
    *,
    siren: str = SIREN,
    company_name: str = COMPANY,
    representative_name: str = "Claire Fontaine",
    representative_role: str = "Directrice administrative et financière",
    email: str = EMAIL,
    version: str = VERSION,
    accepted: Any = True,
    **changes: Any,
) -> dict[str, Any]:
    """Return the JSON body of ``POST /signatures`` as a representative fills it in."""
    return {
        "siren": siren,
        "company_name": company_name,
        "representative_name": representative_name,
        "representative_role": representative_role,
        "email": email,
        "version": version,
        "accepted": accepted,
        **changes,
    }


def make_request(
    *,
    siren: str = SIREN,
    company_name: str = COMPANY,
    representative_name: str = "Claire Fontaine",
    representative_role: str = "Directrice administrative et financière",
    email: str = EMAIL,
    charter_version: str = VERSION,
) -> SignatureRequest:
    return SignatureRequest(siren, company_name, representative_name, representative_role, email, charter_version)


def make_signature(
    *,
    siren: str = SIREN,
    company_name: str = COMPANY,
    email: str = EMAIL,
    charter_version: str = VERSION,
    signed_at: datetime = datetime(2026, 3, 2, 9, tzinfo=UTC),
    standing: Standing = Standing.ACTIVE,
    **changes: Any,
) -> Signature:
    return Signature(
        siren=siren,
        company_name=company_name,
        representative_name="Claire Fontaine",
        representative_role="Directrice administrative et financière",
        email=email,
        charter_version=charter_version,
        signed_at=signed_at,
        standing=standing,
        standing_since=changes.pop("standing_since", signed_at),
        **changes,
    )


def last_token(mailer: OutboxMailer) -> str:
    """Return the token of the last link e-mailed."""
    body = mailer.messages()[-1].get_body(("plain",))
    assert body is not None
    found = _TOKEN.search(body.get_content())
    assert found, "no link in the last e-mail"
    return found.group(1)


def sign(client: FlaskClient, mailer: OutboxMailer, **form: Any) -> dict[str, Any]:
    """Sign the charter through the API (request, then verify); return the signature."""
    response = client.post("/signatures", json=signature_form(**form))
    assert response.status_code == 202, response.json
    verified = client.post("/signatures/verify", json={"token": last_token(mailer)})
    assert verified.status_code == 200, verified.json
    return verified.json["signature"]
