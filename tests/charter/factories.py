"""Keyword-only factories with realistic defaults for the charter tests."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any

from flask.testing import FlaskClient

from functions.core.domain.charter import Signature, SignatureRequest, Standing
from functions.core.mailer import OutboxMailer
from functions.core.resources import Resources
from functions.core.usecases.directory.members import decide_member, register_member, verify_member

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
    proven_by: str | None = None,
) -> SignatureRequest:
    return SignatureRequest(
        siren, company_name, representative_name, representative_role, email, charter_version, proven_by
    )


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


def member_header(res: Resources, mailer: OutboxMailer, siren: str, email: str = EMAIL) -> dict[str, str]:
    """Register, verify and approve a member of ``siren`` the way a creditor is; return its auth header."""
    register_member(res, siren=siren, company_name=f"Entreprise {siren}", contact_name="Claire Fontaine", email=email)
    verification = re.findall(r"ard_ver_[\w-]+", mailer.messages()[-1].get_content())[0]
    credentials = verify_member(res, verification)
    assert credentials.member is not None
    decide_member(res, credentials.member.id, approved=True, note="", actor="moderator:test")
    return {"Authorization": f"Bearer {credentials.token}"}


def sign(client: FlaskClient, mailer: OutboxMailer, **form: Any) -> dict[str, Any]:
    """Sign the charter through the API as an approved member of the company (request, then verify)."""
    res: Resources = client.application.extensions["ardoise"]
    body = signature_form(**form)
    siren = "".join(c for c in body["siren"] if c.isdigit())[:9]  # a SIRET names its SIREN
    headers = member_header(res, mailer, siren, body["email"])
    response = client.post("/signatures", json=body, headers=headers)
    assert response.status_code == 202, response.json
    verified = client.post("/signatures/verify", json={"token": last_token(mailer)})
    assert verified.status_code == 200, verified.json
    assert verified.json["signature"] is not None, verified.json
    return verified.json["signature"]
