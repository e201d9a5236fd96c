"""Recovery fixtures: an approved member and a moderator, through the real API."""

from __future__ import annotations

import pytest
from flask.testing import FlaskClient

from functions.core.mailer import OutboxMailer
from tests.directory.conftest import moderator_headers, register


@pytest.fixture
def member(directory: FlaskClient, mailer: OutboxMailer) -> dict[str, str]:
    """Headers of an approved member (Menuiserie Durand SARL)."""
    return {"Authorization": register(directory, mailer)}


@pytest.fixture
def moderator(directory: FlaskClient) -> dict[str, str]:
    return moderator_headers(directory)
