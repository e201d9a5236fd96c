"""Directory fixtures: a verified member and a moderator, through the real API and services."""

from __future__ import annotations

import re

import pytest
from flask.testing import FlaskClient

from functions.core.context import Services
from functions.core.mailer import OutboxMailer
from functions.core.services.directory.members import create_moderator
from tests.directory.factories import CREDITOR_NAME, CREDITOR_SIREN

VERIFICATION = re.compile(r"ard_ver_[A-Za-z0-9_-]+")


def register(
    client: FlaskClient, mailer: OutboxMailer, *, siren: str = CREDITOR_SIREN, name: str = CREDITOR_NAME
) -> str:
    """Register and verify a member through the API; return its bearer header value."""
    response = client.post(
        "/members",
        json={
            "siren": siren,
            "company_name": name,
            "contact_name": "Claire Durand",
            "email": "compta@menuiserie-durand.fr",
        },
    )
    assert response.status_code == 202, response.json
    code = VERIFICATION.findall(mailer.messages()[-1].get_content())[0]
    verified = client.post("/members/verify", json={"token": code})
    assert verified.status_code == 201, verified.json
    return f"Bearer {verified.json['api_token']}"


@pytest.fixture
def member(directory: FlaskClient, mailer: OutboxMailer) -> dict[str, str]:
    """Headers of a verified member (Menuiserie Durand SARL)."""
    return {"Authorization": register(directory, mailer)}


@pytest.fixture
def moderator(services: Services) -> dict[str, str]:
    """Headers of a moderator."""
    credentials = create_moderator(
        services, name="Inès Moreau", email="moderation@ardoise.localhost", actor="operator:test"
    )
    return {"Authorization": f"Bearer {credentials.token}"}
