"""Recovery fixtures: an approved member and a moderator through the real API, and the desk a test drives."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from email.message import EmailMessage
from typing import Any

import pytest
from flask.testing import FlaskClient

from functions.core.clock import FixedClock
from functions.core.mailer import OutboxMailer
from functions.core.resources import Resources
from functions.local.tick import run_local_tick
from tests.directory.conftest import moderator_headers, register


@pytest.fixture
def member(directory: FlaskClient, mailer: OutboxMailer) -> dict[str, str]:
    """Headers of an approved member (Menuiserie Durand SARL)."""
    return {"Authorization": register(directory, mailer)}


@pytest.fixture
def moderator(directory: FlaskClient) -> dict[str, str]:
    return moderator_headers(directory)


@dataclass
class Desk:
    """What a recovery test drives: the API as the member, the tick at a moment, the outboxes."""

    api: FlaskClient
    member: dict[str, str]
    resources: Resources
    clock: FixedClock
    mailer: OutboxMailer

    def tick_at(self, moment: datetime) -> dict[str, Any]:
        """Run every stage's tick as of ``moment``; return the recovery step's counts."""
        self.clock.now = moment
        return dict(run_local_tick(self.resources)["recovery_cases"])

    def mails_to(self, address: str) -> list[EmailMessage]:
        return [m for m in self.mailer.messages() if m["To"] == address]

    def case(self, case_id: str) -> dict[str, Any]:
        response = self.api.get(f"/cases/{case_id}", headers=self.member)
        assert response.status_code == 200, response.json
        return dict(response.json)


@pytest.fixture
def desk(
    directory: FlaskClient, member: dict[str, str], resources: Resources, clock: FixedClock, mailer: OutboxMailer
) -> Desk:
    return Desk(directory, member, resources, clock, mailer)
