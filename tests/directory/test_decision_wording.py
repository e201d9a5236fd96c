"""What the e-mails say after a decision or a closure is true of the report's past.

A report contested during its grace period was never published: upheld, it is
published (now or at the end of the period), never "again"; rejected, it
"will not be" published, not "no longer" listed.
"""

from pathlib import Path
from typing import Any

import pytest

from tests.directory.conftest import World, reply_token
from tests.directory.factories import filing_payload
from tests.directory.proof import file_report
from tests.directory.test_payment_declarations import proof

CREDITOR_MAIL = "compta@menuiserie-durand.fr"
DEBTOR_MAIL = "comptabilite@sge.fr"


@pytest.fixture(autouse=True)
def _evidence_in_tmp(tmp_path: Path, monkeypatch: Any) -> None:
    monkeypatch.chdir(tmp_path)


def _last_text(world: World, to: str) -> str:
    return [m for m in world.mailer.messages() if m["To"] == to][-1].get_body(("plain",)).get_content()


def _file(world: World, *, published: bool) -> tuple[str, str]:
    report_id = file_report(world.api, world.member, filing_payload()).json["id"]
    if published:
        world.clock.advance(days=15)
        world.tick()
    return str(report_id), reply_token(world.mailer)


def _contest(world: World, token: str) -> None:
    response = world.api.post(
        f"/replies/{token}", json={"action": "dispute", "reason": "not_owed", "text": "Commande annulée par écrit."}
    )
    assert response.status_code == 200, response.json


def _decide(world: World, report_id: str, decision: str) -> str:
    response = world.api.post(
        f"/reports/{report_id}/moderation", json={"decision": decision, "note": "Vu."}, headers=world.moderator
    )
    assert response.status_code == 200, response.json
    return str(response.json["status"])


def test_an_upheld_contest_from_the_grace_period_decided_after_it_is_published_not_published_again(
    world: World,
) -> None:
    report_id, token = _file(world, published=False)
    _contest(world, token)
    world.clock.advance(days=20)
    assert _decide(world, report_id, "upheld") == "published"
    for to in (DEBTOR_MAIL, CREDITOR_MAIL):
        text = _last_text(world, to)
        assert "La contestation n'a pas été retenue : le signalement est maintenu." in text
        assert "désormais publié sur l'annuaire" in text
        assert "de nouveau" not in text


def _reply(world: World, token: str) -> None:
    response = world.api.post(f"/replies/{token}", json={"action": "reply", "text": "Nous contestons cette facture."})
    assert response.status_code == 200, response.json


def test_an_upheld_contest_within_the_grace_period_says_when_it_will_be_published(world: World) -> None:
    report_id, token = _file(world, published=False)
    _reply(world, token)
    _contest(world, token)
    assert _decide(world, report_id, "upheld") == "notified"
    text = _last_text(world, DEBTOR_MAIL)
    assert "Il n'est pas publié à ce jour : il le sera le 17 mars 2026" in text
    assert "sera affichée à côté du signalement s'il est publié" in text
    assert "est affichée" not in text


def test_an_upheld_contest_of_a_published_report_is_published_again(world: World) -> None:
    report_id, token = _file(world, published=True)
    _reply(world, token)
    _contest(world, token)
    assert _decide(world, report_id, "upheld") == "published"
    text = _last_text(world, CREDITOR_MAIL)
    assert "Il est de nouveau publié sur l'annuaire." in text
    assert "La réponse du débiteur est affichée à côté du signalement." in text


def test_an_upheld_contest_without_a_public_reply_promises_none(world: World) -> None:
    """The contest's text is for the moderator: it never becomes the public reply."""
    report_id, token = _file(world, published=True)
    _contest(world, token)
    assert _decide(world, report_id, "upheld") == "published"
    assert "réponse du débiteur" not in _last_text(world, CREDITOR_MAIL)


@pytest.mark.parametrize(
    ("published", "fate"),
    [
        (False, "Il n'a jamais été publié et ne le sera pas."),
        (True, "Il ne figure plus sur l'annuaire et n'y reviendra pas."),
    ],
)
def test_a_rejected_contest_says_whether_the_report_had_been_published(
    world: World, published: bool, fate: str
) -> None:
    report_id, token = _file(world, published=published)
    _contest(world, token)
    assert _decide(world, report_id, "rejected") == "rejected"
    text = _last_text(world, DEBTOR_MAIL)
    assert "La contestation a été retenue : le signalement est rejeté." in text and fate in text


def test_a_decision_on_a_payment_declaration_names_it(world: World) -> None:
    report_id, token = _file(world, published=False)
    declared = world.api.post(
        f"/replies/{token}",
        json={"action": "declare_payment", "paid_on": "2026-03-01", "evidence_ids": [proof(world, token)]},
    )
    assert declared.status_code == 200, declared.json
    _decide(world, report_id, "upheld")
    debtor = [m for m in world.mailer.messages() if m["To"] == DEBTOR_MAIL][-1]
    assert debtor["Subject"] == "Décision de modération sur votre déclaration de paiement"
    text = debtor.get_body(("plain",)).get_content()
    assert "La déclaration de paiement n'a pas été retenue : le signalement est maintenu." in text
    assert "contestation" not in text


def test_a_withdrawal_within_the_grace_period_says_the_report_will_not_be_published(world: World) -> None:
    report_id, _ = _file(world, published=False)
    assert world.api.post(f"/reports/{report_id}/withdraw", headers=world.member).status_code == 200
    text = _last_text(world, DEBTOR_MAIL)
    assert "le signalement ne sera pas publié sur l'annuaire public Ardoise" in text
    assert "ne figure plus" not in text


def test_the_creditor_is_told_a_contest_suspends_publication_of_a_report_not_yet_published(world: World) -> None:
    _, token = _file(world, published=False)
    _contest(world, token)
    text = _last_text(world, CREDITOR_MAIL)
    assert "La publication du signalement" in text and "est suspendue" in text
    assert "(ou plus)" not in text
