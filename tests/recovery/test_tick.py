"""The tick runs each case's scenario: every step at its date by its channel, its trace on the timeline."""

from __future__ import annotations

import hashlib
import shutil
import subprocess
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from functions.core.domain.recovery import SendingClaim
from functions.core.errors import RuleNotMet
from functions.core.mailer import MailNotSent, Message
from functions.core.resources import Resources
from functions.core.sms import OutboxSms
from functions.core.usecases.recovery import cases
from functions.core.usecases.recovery.debtor import case_link
from functions.core.usecases.recovery.progress import advance_case, run_due_cases
from functions.directory.recovery import case_opening_of
from functions.directory.recovery_schemas import CaseOpeningIn
from tests.directory.factories import CREDITOR_SIREN
from tests.recovery.conftest import Desk
from tests.recovery.factories import case_payload, notice_payload, step_payload

DEBTOR, CREDITOR = "comptabilite@sge.fr", "compta@menuiserie-durand.fr"
NOTHING = {"sent": 0, "ended": 0, "resumed": 0, "failed": 0}


def march(day: int, hour: int = 8, minute: int = 0) -> datetime:
    """A moment in March 2026 (UTC): 8:00 UTC is 9:00 in Paris, when planned steps go."""
    return datetime(2026, 3, day, hour, minute, tzinfo=UTC)


@pytest.fixture
def case_id(desk: Desk) -> str:
    """A case on the default scenario: e-mail on 4 March, e-mail on 11 March, a letter on 18 March."""
    response = desk.api.post("/cases", json=case_payload(), headers=desk.member)
    assert response.status_code == 201, response.json
    return str(response.json["id"])


def test_each_default_step_goes_at_its_date_and_the_case_ends_unpaid_after_the_notice(desk: Desk, case_id: str) -> None:
    assert desk.tick_at(march(4, 7, 59)) == NOTHING
    assert desk.tick_at(march(4))["sent"] == 1
    (first,) = desk.mails_to(DEBTOR)
    assert str(first["Subject"]) == "Facture F-2026-0117 : un oubli ?"
    assert first["Reply-To"] == CREDITOR and "Menuiserie Durand SARL (SIREN 732829320)" in first.get_content()
    assert desk.tick_at(march(10, 12))["sent"] == 0
    assert desk.tick_at(march(11))["sent"] == 1
    firm = desk.mails_to(DEBTOR)[-1].get_content()
    assert "pénalités de retard" in firm and "40,00" in firm

    assert desk.tick_at(march(18))["sent"] == 1
    letter = desk.mails_to(CREDITOR)[-1]
    assert str(letter["Subject"]).startswith("À poster : Mise en demeure de payer la facture F-2026-0117")
    (attachment,) = list(letter.iter_attachments())
    pdf = attachment.get_content()
    case = desk.case(case_id)
    notice = case["timeline"][-1]
    assert (notice["kind"], notice["step_name"]) == ("step_sent", "Mise en demeure")
    assert notice["message"]["sha256"] == hashlib.sha256(pdf).hexdigest() and notice["message"]["size"] == len(pdf)
    assert notice["message"]["recipient"] == "12 rue de la Paix, 75002 Paris"
    assert case["next_action"]["kind"] == "end_scenario" and case["next_action"]["at"] == "2026-03-27T09:00:00+01:00"

    assert desk.tick_at(march(27))["ended"] == 1
    case = desk.case(case_id)
    assert case["status"] == "unpaid"
    assert [(e["kind"], (e["message"] or {}).get("channel")) for e in case["timeline"]] == [
        ("opened", None),
        ("step_sent", "email"),
        ("step_sent", "email"),
        ("step_sent", "letter"),
        ("scenario_ended", None),
    ]
    assert desk.tick_at(datetime(2026, 4, 30, 8, tzinfo=UTC)) == NOTHING


NO_PDFTOTEXT = "poppler-utils' pdftotext is not installed (make test installs it)"


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason=NO_PDFTOTEXT)
def test_the_notice_letter_states_the_amounts_and_its_deadline(desk: Desk, case_id: str, tmp_path: Path) -> None:
    for day in (4, 11, 18):
        desk.tick_at(march(day))
    (attachment,) = list(desk.mails_to(CREDITOR)[-1].iter_attachments())
    path = tmp_path / "notice.pdf"
    path.write_bytes(attachment.get_content())
    text = subprocess.run(["pdftotext", str(path), "-"], check=True, capture_output=True, text=True).stdout
    flat = " ".join(text.replace("\u202f", " ").replace("\u00a0", " ").split())
    for expected in (
        "Lettre recommandée avec accusé de réception",
        "article 1344 du Code civil",
        "Principal restant dû : 2 400,00 €",
        "Indemnité forfaitaire pour frais de recouvrement (article D441-5 du Code de commerce) : 40,00 €",
        "au plus tard le 26/03/2026",
        "Société Générale d'Équipement",
    ):
        assert expected in flat, expected


def test_an_sms_step_goes_to_the_outbox_with_its_digest(desk: Desk) -> None:
    text = "{creancier} : facture {facture}, reste dû {reste_du}. Merci de régler."
    steps = [step_payload(channel="sms", body=text), notice_payload()]
    scenario = desk.api.post("/scenarios", json={"name": "SMS", "steps": steps}, headers=desk.member).json
    body = case_payload(scenario_id=scenario["id"], phone="07 11 22 33 44")
    case = desk.api.post("/cases", json=body, headers=desk.member).json
    desk.tick_at(march(6))
    sms = desk.resources.sms
    assert isinstance(sms, OutboxSms)
    ((number, sent),) = sms.messages()
    assert number == "+33711223344"
    link = case_link(desk.resources, case["id"])
    reminder = "Menuiserie Durand SARL : facture F-2026-0117, reste dû 2\u202f400,00\u00a0€. Merci de régler."
    assert sent == f"{reminder} Votre dossier : {link}"
    trace = desk.case(case["id"])["timeline"][-1]["message"]
    assert trace["sha256"] == hashlib.sha256(sent.encode()).hexdigest() and trace["channel"] == "sms"


def test_a_case_paid_in_full_gets_no_more_reminders(desk: Desk, case_id: str) -> None:
    desk.tick_at(march(4))
    payment = {"amount_cents": 2_400_00, "paid_on": "2026-03-04"}
    assert desk.api.post(f"/cases/{case_id}/payments", json=payment, headers=desk.member).json["status"] == "paid"
    for day in (11, 18, 27):
        assert desk.tick_at(march(day))["sent"] == 0
    assert len(desk.mails_to(DEBTOR)) == 1


def test_a_step_claimed_by_one_tick_is_not_sent_by_another(desk: Desk, case_id: str) -> None:
    res = desk.resources
    desk.clock.now = march(4)
    case = res.store.cases.get_case(case_id)
    assert case is not None
    # Another tick claimed the step a minute ago and is sending it now.
    claimed = replace(case, sending=SendingClaim(0, "other-tick", desk.clock.now))
    res.store.cases.save(case, claimed, actor="system:tick", action="case.step_claimed")
    assert advance_case(res, case_id, desk.clock.now) is None
    assert desk.mails_to(DEBTOR) == []
    # Its claim outlived CLAIM_TTL: that tick crashed, this one sends the step.
    desk.clock.now = march(4, 8, 16)
    assert run_due_cases(res)["sent"] == 1
    assert len(desk.mails_to(DEBTOR)) == 1


class ThrottledMailer:
    """A mail service that takes nothing now (SES throttling), then everything once ``recovered``."""

    def __init__(self, outbox: Any) -> None:
        self.outbox, self.recovered = outbox, False

    def send(self, message: Message) -> str:
        if not self.recovered:
            raise MailNotSent("Throttling", transient=True)
        return str(self.outbox.send(message))


def test_a_step_the_mail_service_did_not_take_goes_at_a_later_tick(desk: Desk, case_id: str) -> None:
    res = desk.resources
    throttled = ThrottledMailer(desk.mailer)
    local = Resources(res.settings, store=res.store, mailer=throttled, clock=desk.clock)
    desk.clock.now = march(4)
    assert run_due_cases(local) == {"sent": 0, "ended": 0, "resumed": 0, "failed": 1}
    assert [e["kind"] for e in desk.case(case_id)["timeline"]] == ["opened"]
    throttled.recovered = True
    desk.clock.now = march(4, 8, 20)  # the next tick, once the failed one's claim has run out
    assert run_due_cases(local)["sent"] == 1
    assert len(desk.mails_to(DEBTOR)) == 1


def test_without_an_sms_provider_a_scenario_with_an_sms_step_is_refused(desk: Desk) -> None:
    steps = [step_payload(channel="sms"), notice_payload()]
    scenario = desk.api.post("/scenarios", json={"name": "SMS", "steps": steps}, headers=desk.member).json
    res = desk.resources
    without_sms = Resources(res.settings.replace(sms_url="off"), store=res.store, mailer=res.mailer, clock=res.clock)
    member = res.store.members.list_members(CREDITOR_SIREN)[0]
    body = case_payload(number="F-1", phone="+33711223344", scenario_id=scenario["id"])
    opening = case_opening_of(CaseOpeningIn.model_validate(body))
    with pytest.raises(RuleNotMet) as refused:
        cases.open_case(without_sms, member, opening)
    assert [(e.field, e.code) for e in refused.value.errors] == [("scenario_id", "sms_indisponible")]
