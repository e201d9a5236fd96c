"""The creditor's space on the Flask test client: an approved member, signed in or not."""

from __future__ import annotations

import pytest
from flask.testing import FlaskClient

from functions.core.mailer import OutboxMailer
from tests.directory.conftest import register
from tests.directory.factories import CREDITOR_SIREN

MEMBER_EMAIL = "compta@menuiserie-durand.fr"


@pytest.fixture
def browser(directory: FlaskClient, mailer: OutboxMailer) -> FlaskClient:
    """A browser (its own cookie jar) of the app where an approved member, Menuiserie Durand, exists."""
    register(directory, mailer)
    return directory.application.test_client()


__all__ = ["CREDITOR_SIREN", "MEMBER_EMAIL"]
