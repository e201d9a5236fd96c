"""A change made through one API shows in the others before the request answers, without a tick."""

from __future__ import annotations

from flask.testing import FlaskClient

from functions.core.clock import FixedClock
from functions.core.mailer import OutboxMailer
from functions.core.resources import Resources
from functions.local.tick import run_local_tick
from tests.charter.factories import sign
from tests.directory.conftest import register, reply_token
from tests.directory.factories import DEBTOR_SIREN, filing_payload
from tests.directory.proof import file_report


def test_a_dispute_reinstates_the_debtors_charter_signature_within_the_same_request(
    directory: FlaskClient, charter: FlaskClient, mailer: OutboxMailer, clock: FixedClock, resources: Resources
) -> None:
    sign(charter, mailer)
    member = {"Authorization": register(directory, mailer)}
    filed = file_report(directory, member, filing_payload())
    assert filed.status_code == 201, filed.json
    run_local_tick(resources)  # the notice goes out
    clock.advance(days=16)
    run_local_tick(resources)  # the grace period is over: published, and the signatory suspended
    assert charter.get(f"/signatures/{DEBTOR_SIREN}").json["status"] == "suspended"
    assert resources.store.outbox.list_marked() == []

    disputed = directory.post(
        f"/replies/{reply_token(mailer)}",
        json={"action": "dispute", "reason": "not_owed", "text": "La livraison n'a jamais eu lieu."},
    )

    assert disputed.status_code in (200, 201), disputed.json
    assert resources.store.outbox.list_marked() == []
    assert charter.get(f"/signatures/{DEBTOR_SIREN}").json["status"] == "active"


def test_a_read_only_request_refreshes_nothing(directory: FlaskClient, resources: Resources) -> None:
    resources.store.outbox  # noqa: B018 - the repository exists before the request
    directory.get(f"/companies/{DEBTOR_SIREN}")
    assert resources.store.outbox.list_marked() == []
