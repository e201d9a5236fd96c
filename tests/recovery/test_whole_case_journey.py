"""One case from its opening to the injonction de payer, through the HTTP API, the web pages and ``ardoise tick --at``.

The member opens the case through the API; the real ``ardoise tick --at`` command (in-process, the test's store and
outbox named by its environment: moto's DynamoDB is process-wide, so the command's own client reaches the same
table) sends each step at its date; the debtor follows the link in the first reminder to its page and proposes a
schedule with the page's form; the creditor accepts it on its case page; the first instalment is missed and the scenario
resumes; the notice goes and runs out; the report is filed from the case, the moderator checks it in the moderation
space and approves it; the injonction request is prepared and read back with ``pdftotext``. The creditor follows it
all on its case page.

``tick --at`` refuses a moment in the past, so the whole journey happens in the future: its invoice falls due on the
first day of the next half-year (every penalty then runs at one rate, the one in force that day), and the test's
clock follows the command's moments.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from dataclasses import replace
from datetime import date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from flask.testing import FlaskClient

from functions.cli import main
from functions.core.clock import PARIS, system_clock
from functions.core.config import Settings
from functions.core.domain.penalties import parse_rate_table
from functions.core.french import format_eur, long_date
from functions.core.store.dynamodb import DynamoDbBackend
from functions.core.store.items import ItemBackend
from functions.core.store.sqlite import SqliteBackend
from functions.core.usecases.directory.members import create_moderator
from tests.directory.factories import CREDITOR_SIREN, DEBTOR_SIREN
from tests.recovery.conftest import Desk
from tests.recovery.factories import case_payload
from tests.recovery.test_case_page import LINK, page, post
from tests.recovery.test_case_report import document, invoice
from tests.recovery.test_injunction_api import pdf_text, seat_in_registry
from tests.spaces.conftest import MEMBER_EMAIL
from tests.spaces.helpers import SIGN_IN_LINK, last_mail_to, sign_in, submit, text

DEBTOR, CREDITOR = "comptabilite@sge.fr", "compta@menuiserie-durand.fr"
MODERATOR_EMAIL = "ines.moreau@ardoise.localhost"
NOTHING = {"sent": 0, "ended": 0, "resumed": 0, "failed": 0}
NO_PDFTOTEXT = "poppler-utils' pdftotext is not installed (make test installs it)"

# The journey's inputs: a 2,400 EUR invoice, an ECB rate of 2 % plus the 10 points, the default scenario's delays
# (courteous reminder 3 days after the due date, firm reminder 7 days later, the notice 7 days later with 8 days to
# pay), a schedule of two halves, a 5-day grace after an instalment.
NUMBER = "F-0117"
PRINCIPAL = 2_400_00
ECB_PERCENT, POINTS = Decimal(2), Decimal(10)
ECB_TABLE = f"2016-03-16:{ECB_PERCENT}"  # one rate, in force since long before the journey
RATE = f"{ECB_PERCENT + POINTS:.2f} % l'an".replace(".", ",")  # as the notice and the request write it
INDEMNITY = 40_00
RECEIPT = b"%PDF-1.4\n% Avis de reception LRAR 1A 111 222 3333 4\n%%EOF\n"
SIGNED = "Devis n° D-0042 accepté et signé par le débiteur"


def next_half_year(today: date) -> date:
    """1 January or 1 July after ``today``: the journey's due date, all its penalties at that half-year's rate."""
    return date(today.year, 7, 1) if today.month <= 6 else date(today.year + 1, 1, 1)


DUE = next_half_year(system_clock().date())


def day(offset: int) -> date:
    return DUE + timedelta(days=offset)


def at(offset: int, hour: int = 9, minute: int = 0) -> datetime:
    """A moment ``offset`` days after the due date, Paris time (steps go at 9:00 in Paris)."""
    return datetime.combine(day(offset), time(hour, minute), PARIS)


def interest(days: int) -> int:
    """Simple interest on the principal over ``days`` days at the ECB rate plus 10 points, to the cent half up."""
    exact = Decimal(PRINCIPAL) * (ECB_PERCENT + POINTS) / 100 * days / 365
    return int(exact.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def eur(cents: int) -> str:
    """An amount as the French texts write it, spaces made plain: ``2 458,15 €``."""
    return plain(format_eur(cents))


def plain(words: str) -> str:
    """Text with its French spaces (narrow, non-breaking) made plain and runs of spaces joined."""
    return " ".join(words.replace("\u202f", " ").replace("\u00a0", " ").split())


@pytest.fixture
def settings(settings: Settings) -> Settings:
    """The suite's settings with the penalties' rate an input of this test."""
    return replace(settings, ecb_rates=parse_rate_table(ECB_TABLE), penalty_points=POINTS)


class Command:
    """``ardoise tick --at MOMENT`` in this process, on the test's store, outbox and settings."""

    def __init__(self, desk: Desk, backend: ItemBackend, monkeypatch: pytest.MonkeyPatch) -> None:
        self.desk = desk
        settings = desk.resources.settings
        if isinstance(backend, SqliteBackend):
            store_url = f"sqlite:///{backend.path}"
        else:
            assert isinstance(backend, DynamoDbBackend)
            store_url = f"dynamodb://{backend.table}?region=eu-west-3"
        environment = {
            "ARDOISE_HOME": settings.home,
            "ARDOISE_STORE": store_url,
            "ARDOISE_MAILER": settings.mailer_url,
            "ARDOISE_SITE_DIR": str(settings.site_dir),
            "ARDOISE_SITE_BUILD_DIR": str(settings.site_build_dir),
            "ARDOISE_ECB_RATES": ECB_TABLE,
            "ARDOISE_PENALTY_POINTS": str(POINTS),
        }
        for name, value in environment.items():
            monkeypatch.setenv(name, str(value))

    def tick(self, moment: datetime) -> dict[str, Any]:
        """Run the command as of ``moment``; the test's clock then stands a minute later (the member's next move)."""
        result = CliRunner().invoke(main, ["tick", "--at", moment.isoformat(), "--json"])
        assert result.exit_code == 0, result.output
        self.desk.clock.now = moment + timedelta(minutes=1)
        return dict(json.loads(result.stdout)["recovery_cases"])

    def step_goes_at(self, moment: datetime, to: str) -> EmailMessage:
        """Nothing goes a minute before ``moment``; one message goes at ``moment``, to ``to``: return it."""
        before = len(self.desk.mailer.messages())
        assert self.tick(moment - timedelta(minutes=1)) == NOTHING
        assert len(self.desk.mailer.messages()) == before
        assert self.tick(moment) == {**NOTHING, "sent": 1}
        mails = self.desk.mailer.messages()
        assert len(mails) == before + 1 and mails[-1]["To"] == to
        return mails[-1]


def moderation_browser(desk: Desk) -> FlaskClient:
    """A moderator signed in to the moderation space by the e-mailed link."""
    create_moderator(desk.resources, name="Inès Moreau", email=MODERATOR_EMAIL, actor="operator:test")
    browser = desk.api.application.test_client()
    submit(browser, "/moderation/", "/moderation/connexion", email=MODERATOR_EMAIL)
    token = SIGN_IN_LINK.findall(last_mail_to(desk.mailer, MODERATOR_EMAIL))[0]
    opened = submit(browser, f"/moderation/connexion/{token}", "/moderation/connexion/ouvrir", jeton=token)
    assert opened.status_code == 303
    return browser


def pdf_attachment_text(message: EmailMessage, tmp_path: Path) -> str:
    (attachment,) = list(message.iter_attachments())
    path = tmp_path / "courrier.pdf"
    path.write_bytes(attachment.get_content())
    return plain(subprocess.run(["pdftotext", str(path), "-"], check=True, capture_output=True, text=True).stdout)


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason=NO_PDFTOTEXT)
def test_a_case_goes_from_its_reminders_through_a_missed_schedule_to_the_report_and_the_injunction(
    desk: Desk, backend: ItemBackend, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    command = Command(desk, backend, monkeypatch)
    seat_in_registry(desk)

    # The member opens the case the day after the due date.
    desk.clock.now = at(1, 10)
    body = case_payload(
        number=NUMBER,
        issue_date=day(-30).isoformat(),
        due_date=DUE.isoformat(),
        amount_cents=PRINCIPAL,
        outstanding_cents=PRINCIPAL,
    )
    opened = desk.api.post("/cases", json=body, headers=desk.member)
    assert opened.status_code == 201, opened.json
    case_id = str(opened.json["id"])

    # The courteous reminder, three days after the due date, carries the debtor's link.
    courteous = command.step_goes_at(at(3), DEBTOR)
    assert str(courteous["Subject"]) == f"Facture {NUMBER} : un oubli ?"
    link = LINK.search(courteous.get_content())
    assert link is not None
    token = link.group(1)

    # The debtor opens the page from the e-mail and proposes two halves with its form.
    html, hidden = page(desk, token)
    assert NUMBER in html and eur(PRINCIPAL) in plain(html)
    assert hidden["csrf"]
    halves = {
        "instalments.0.due_on": day(10).isoformat(),
        "instalments.0.amount_cents": eur(PRINCIPAL // 2).removesuffix(" €"),
        "instalments.1.due_on": day(40).isoformat(),
        "instalments.1.amount_cents": eur(PRINCIPAL // 2).removesuffix(" €"),
    }
    proposed = post(desk, token, "echeancier", halves, hidden)
    assert proposed.status_code == 303, proposed.get_data(as_text=True)
    told = desk.mails_to(CREDITOR)[-1]
    assert "propose un échéancier" in str(told["Subject"]) and day(10).strftime("%d/%m/%Y") in told.get_content()

    # The creditor follows the e-mail's link to its case page, reads the proposal and accepts it: the scenario pauses.
    case_page = f"/espace/dossiers/{case_id}"
    assert case_page in told.get_content()
    creditor = desk.api.application.test_client()
    sign_in(creditor, desk.mailer, siren=CREDITOR_SIREN, email=MEMBER_EMAIL)
    proposal = plain(text(creditor.get(case_page)))
    half = eur(PRINCIPAL // 2)
    for number, offset in ((1, 10), (2, 40)):
        assert f"n° {number} {day(offset).strftime('%d/%m/%Y')} {half}" in proposal
    accepted_page = submit(creditor, case_page, f"{case_page}/echeancier/acceptation")
    assert accepted_page.status_code == 303, accepted_page.get_data(as_text=True)
    accepted = desk.case(case_id)
    assert (accepted["status"], accepted["schedule"]["status"]) == ("scheduled", "accepted")
    assert "accepté" in str(desk.mails_to(DEBTOR)[-1]["Subject"])
    scheduled = plain(text(desk.api.get(f"/debtor-cases/{token}", headers={"Accept": "text/html"})))
    half = eur(PRINCIPAL // 2)
    assert f"Échéancier accepté {long_date(day(10))} : {half} {long_date(day(40))} : {half}" in scheduled
    to_debtor = len(desk.mails_to(DEBTOR))

    # The firm reminder was due 7 days after the first: nothing goes while the schedule holds, nor during the grace
    # after the first instalment (day 10, 5 days' grace).
    for moment in (at(10), at(12), at(15, 23, 59)):
        assert command.tick(moment) == NOTHING
    assert len(desk.mails_to(DEBTOR)) == to_debtor

    # Missed on day 16: the scenario resumes, and the overdue firm reminder goes at the next tick.
    assert command.tick(at(16)) == {**NOTHING, "resumed": 1}
    resumed = desk.case(case_id)
    assert resumed["timeline"][-1]["instalment"] == 0  # the first one
    assert (resumed["status"], resumed["timeline"][-1]["kind"], resumed["schedule"]) == (
        "running",
        "instalment_missed",
        None,
    )
    assert command.tick(at(16, 10)) == {**NOTHING, "sent": 1}
    firm = desk.mails_to(DEBTOR)[-1]
    assert str(firm["Subject"]) == f"Facture {NUMBER} impayée : deuxième relance"
    firm_text = plain(firm.get_content())
    assert f"{eur(interest(16))} à ce jour" in firm_text and eur(INDEMNITY) in firm_text

    # The formal notice, 7 days after the firm reminder: a letter for the creditor to post, 8 days to pay.
    letter = command.step_goes_at(at(23), CREDITOR)
    assert str(letter["Subject"]).startswith(f"À poster : Mise en demeure de payer la facture {NUMBER}")
    notice = pdf_attachment_text(letter, tmp_path)
    notice_interest = interest(23)  # from the day after the due date to the notice's day, both included
    for expected in (
        "article 1344 du Code civil",
        f"Principal restant dû : {eur(PRINCIPAL)}",
        f"Pénalités de retard à ce jour ({RATE}, article L441-10 du Code de commerce) : {eur(notice_interest)}",
        f"Indemnité forfaitaire pour frais de recouvrement (article D441-5 du Code de commerce) : {eur(INDEMNITY)}",
        f"Total : {eur(PRINCIPAL + notice_interest + INDEMNITY)}",
        f"au plus tard le {day(31).strftime('%d/%m/%Y')}",
    ):
        assert expected in notice, expected

    # The creditor joins the letter's receipt; the notice runs out unpaid the morning after its deadline.
    desk.clock.now = at(26, 10)
    joined = desk.api.post(
        f"/cases/{case_id}/dispatch-proofs",
        json={"step": 2, "document_id": document(desk, "notice_proof", RECEIPT, "accuse.pdf")},
        headers=desk.member,
    )
    assert joined.status_code == 200, joined.json
    assert command.tick(at(32, 8, 59)) == NOTHING
    assert command.tick(at(32)) == {**NOTHING, "ended": 1}
    assert desk.case(case_id)["status"] == "unpaid"

    # The report, filed from the case: its steps and proofs are Ardoise's records.
    desk.clock.now = at(33, 10)
    filed = desk.api.post(f"/cases/{case_id}/report", json={"documents": [invoice(desk)]}, headers=desk.member)
    assert filed.status_code == 201, filed.json
    report = filed.json
    assert (report["case_id"], report["status"], report["outstanding_cents"]) == (case_id, "under_review", PRINCIPAL)
    assert report["reminder_dates"] == [day(3).isoformat(), day(16).isoformat()]
    assert (report["notice_date"], report["notice_channel"]) == (day(23).isoformat(), "registered_letter")
    proofs = report["ardoise_proofs"]
    assert [p["kind"] for p in proofs] == ["reminder", "reminder", "formal_notice", "dispatch_proof"]

    # The moderator reads the proofs produced by Ardoise and approves the report.
    moderation = moderation_browser(desk)
    review = f"/moderation/verifications/{report['id']}"
    shown = moderation.get(review)
    assert shown.status_code == 200 and "Preuves produites par Ardoise" in text(shown)
    assert all(proof["sha256"] in shown.get_data(as_text=True) for proof in proofs)
    assert submit(moderation, review, review, decision="approved").status_code == 303
    reviewed = desk.api.get(f"/reports/{report['id']}", headers=desk.member)
    assert (reviewed.status_code, reviewed.json["status"]) == (200, "notified")  # the debtor is told

    # The injonction de payer, prepared two days after the filing: interest to that day.
    desk.clock.now = at(35, 10)
    prepared = desk.api.post(
        f"/cases/{case_id}/injunction",
        json={"procedure": "injonction_de_payer", "court": {"code": "tae-paris"}, "signed_document": SIGNED},
        headers=desk.member,
    )
    assert prepared.status_code == 201, prepared.json
    amounts = prepared.json["amounts"]
    owed_interest = interest(35)
    assert (amounts["principal_cents"], amounts["interest_cents"], amounts["indemnity_cents"]) == (
        PRINCIPAL,
        owed_interest,
        INDEMNITY,
    )
    request = pdf_text(desk, prepared.json["pdf_url"], tmp_path)
    total = PRINCIPAL + owed_interest + INDEMNITY
    for expected in (
        "Requête en injonction de payer",
        "Tribunal des activités économiques de Paris",
        # Both parties, from the registry (seat_in_registry): names, SIREN, seats.
        "MENUISERIE DURAND",
        CREDITOR_SIREN,
        "4 RUE DES TONNELIERS, 69003 LYON 3",
        "SOCIETE GENERALE D'EQUIPEMENT",
        DEBTOR_SIREN,
        "3 AV DES CHAMPS, 75008 PARIS 8",
        # The amounts: the table's labels, then its column of figures; the basis of the claim.
        f"Principal restant dû Intérêts de retard au {long_date(day(35))} Indemnité forfaitaire (D. 441-5) Total",
        f"{eur(PRINCIPAL)} {eur(owed_interest)} {eur(INDEMNITY)} {eur(total)}",
        f"taux BCE majoré de 10 points, soit {RATE}) "
        f"du {long_date(day(1))} au {long_date(day(35))} : {eur(owed_interest)}",
        f"de lui payer {eur(total)}",
        # The documents: the invoice, the signed document, each message sent, the receipt, the case's record.
        f"Pièce n° 1 : Facture n° {NUMBER}",
        f"Pièce n° 2 : Document signé par le débiteur : {SIGNED}",
        "Pièce n° 3 : Relance courtoise",
        "Pièce n° 4 : Relance ferme",
        "Pièce n° 5 : Mise en demeure",
        "Pièce n° 6 : Preuve d'envoi de « Mise en demeure » (accuse.pdf)",
        f"Pièce n° 7 : Relevé horodaté du dossier de recouvrement Ardoise {case_id}",
    ):
        assert expected in request, expected

    # The creditor's case page tells the whole story, each event at its moment.
    browser = desk.api.application.test_client()
    sign_in(browser, desk.mailer, siren=CREDITOR_SIREN, email=MEMBER_EMAIL)
    timeline = text(browser.get(f"/espace/dossiers/{case_id}"))

    def when(offset: int, hour: int = 9, minute: int = 0) -> str:
        return f"{day(offset).strftime('%d/%m/%Y')} à {hour:02d}h{minute:02d}"

    lines = [
        f"{stamp} — {what}"
        for stamp, what in (
            (when(1, 10), "Dossier ouvert"),
            (when(3), "Relance courtoise : e-mail"),
            (when(3, 9, 1), "Échéancier proposé par le débiteur (2 échéances)"),
            (when(3, 9, 1), "Échéancier accepté : relances suspendues"),
            (when(16), "Échéance manquée : relances reprises (échéance n° 1)"),
            (when(16, 10), "Relance ferme : e-mail"),
            (when(23), "Mise en demeure : courrier préparé par Ardoise, à poster par vous"),
            (when(26, 10), "Preuve d'envoi jointe pour « Mise en demeure »"),
            (when(32), "Scénario terminé : facture impayée au terme de la mise en demeure"),
            (when(35, 10), "Requête au tribunal préparée"),
        )
    ]
    assert [line for line in lines if line not in timeline] == []
    assert sorted(lines, key=timeline.index) == lines  # in the order they happened
