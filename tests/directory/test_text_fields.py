"""Text fields refuse control characters; one record the mailer refuses never stalls the notices."""

from dataclasses import replace
from datetime import timedelta

import pytest
from flask.testing import FlaskClient

from functions.core.domain.reports import ReportStatus
from functions.core.resources import Resources
from functions.core.usecases.directory.notices import notify_pending
from tests.directory.conftest import World, reply_token
from tests.directory.factories import CREDITOR_SIREN, filing_payload, make_report
from tests.directory.proof import file_report


def field_codes(response: object) -> dict[str, str]:
    return {e["field"]: e["code"] for e in response.json["errors"]}  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"debtor_name": "Société Générale\nBcc: tous@exemple.fr"}, "debtor.name"),
        ({"number": "F-2025\t0412"}, "invoice.number"),
        ({"number": "F-2025\u202e0412"}, "invoice.number"),
        ({"description": "Relances restées sans effet.\x00"}, "description"),
        ({"description": "Relances\tsans effet."}, "description"),
    ],
)
def test_a_control_character_in_a_report_field_is_refused(world: World, change: dict[str, str], field: str) -> None:
    response = file_report(world.api, world.member, filing_payload(**change))
    assert response.status_code == 400
    assert field_codes(response) == {field: "texte_invalide"}
    assert "caractère de contrôle" in response.json["errors"][0]["message"]


def test_free_text_keeps_its_line_breaks_and_browser_line_ends_are_unified(world: World) -> None:
    payload = filing_payload(
        postal_address="Société Générale d'Équipement\r\n3 quai Saint-Vincent\r\n69001 Lyon",
        description="Première relance le 10 janvier.\nMise en demeure le 30 janvier.",
    )
    response = file_report(world.api, world.member, payload)
    assert response.status_code == 201
    report = world.resources.store.reports.get_report(response.json["id"])
    assert report.debtor.postal_address == "Société Générale d'Équipement\n3 quai Saint-Vincent\n69001 Lyon"
    assert report.description == "Première relance le 10 janvier.\nMise en demeure le 30 janvier."


def test_a_member_name_with_a_line_break_is_refused(directory: FlaskClient) -> None:
    response = directory.post(
        "/members",
        json={
            "siren": CREDITOR_SIREN,
            "company_name": "Menuiserie Durand\r\nSubject: urgent",
            "contact_name": "Claire Durand",
            "email": "claire@durand.fr",
        },
    )
    assert response.status_code == 400 and field_codes(response) == {"company_name": "texte_invalide"}


def test_a_debtor_reply_and_a_moderator_note_refuse_control_characters(world: World) -> None:
    report_id = file_report(world.api, world.member, filing_payload()).json["id"]
    token = reply_token(world.mailer)
    reply = world.api.post(f"/replies/{token}", json={"action": "reply", "text": "Nous payons\x1b[31m demain."})
    assert reply.status_code == 400 and field_codes(reply) == {"text": "texte_invalide"}
    note = world.api.post(
        f"/reports/{report_id}/moderation", json={"decision": "upheld", "note": "Vu\x07"}, headers=world.moderator
    )
    assert note.status_code == 400 and field_codes(note) == {"note": "texte_invalide"}


def test_one_report_the_mailer_refuses_does_not_stall_the_other_notices(resources: Resources) -> None:
    # A record stored before the text checks existed: its address would break the e-mail's header.
    legacy = make_report(id="rpt_broken", number="F-1", created_at=resources.clock())
    broken = replace(legacy, debtor=replace(legacy.debtor, email="compta@sge.fr\nBcc: tous@exemple.fr"))
    sound = make_report(id="rpt_sound", number="F-2", created_at=resources.clock() + timedelta(seconds=1))
    for report in (broken, sound):
        resources.store.reports.file_report(report, actor="test:legacy")
    assert notify_pending(resources) == 1
    assert resources.store.reports.get_report("rpt_sound").status is ReportStatus.NOTIFIED
    assert resources.store.reports.get_report("rpt_broken").status is ReportStatus.SUBMITTED
    # Left for a later tick: once its claim lapses, it is tried again (and fails alone again).
    resources.clock.advance(minutes=11)  # type: ignore[attr-defined]
    assert notify_pending(resources) == 0
    assert resources.store.reports.get_report("rpt_broken").status is ReportStatus.SUBMITTED


@pytest.mark.parametrize("email", ["claire\x00@durand.fr", "claire\x07@durand.fr", "claire\u202e@durand.fr"])
def test_a_member_email_with_a_control_character_is_refused(directory: FlaskClient, email: str) -> None:
    response = directory.post(
        "/members",
        json={"siren": CREDITOR_SIREN, "company_name": "Menuiserie Durand", "contact_name": "Claire", "email": email},
    )
    assert response.status_code == 400 and field_codes(response) == {"email": "email_invalide"}
