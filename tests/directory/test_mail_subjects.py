"""E-mail subjects: never an internal id, one line, and nothing the creditor typed in what the debtor receives."""

from functions.core.mailer import Message, to_mime
from tests.directory.conftest import World, reply_token
from tests.directory.factories import filing_payload
from tests.directory.proof import file_report

CREDITOR_MAIL = "compta@menuiserie-durand.fr"
DEBTOR_MAIL = "comptabilite@sge.fr"
# A creditor may type anything one line holds as an invoice "number".
HOSTILE_NUMBER = "F-9 URGENT payez sur evil.example"


def _subjects(world: World, to: str) -> list[str]:
    return [str(m["Subject"]) for m in world.mailer.messages() if m["To"] == to]


def _live_a_report(world: World, **filing: object) -> str:
    """File, contest, uphold, publish, settle: the mails both sides get on the way."""
    api, member, moderator = world.api, world.member, world.moderator
    report = file_report(api, member, filing_payload(**filing)).json  # type: ignore[arg-type]
    token = reply_token(world.mailer)
    world.clock.advance(days=2)
    contested = api.post(
        f"/replies/{token}", json={"action": "dispute", "reason": "not_owed", "text": "Commande annulée par écrit."}
    )
    assert contested.status_code == 200, contested.json
    decided = api.post(
        f"/reports/{report['id']}/moderation",
        json={"decision": "upheld", "note": "Bon de commande signé."},
        headers=moderator,
    )
    assert decided.status_code == 200, decided.json
    world.clock.advance(days=14)
    world.tick()
    paid = api.post(
        f"/reports/{report['id']}/payments", json={"amount_cents": 125000, "paid_on": "2026-03-18"}, headers=member
    )
    assert paid.json["status"] == "settled", paid.json
    return str(report["id"])


def test_no_subject_names_a_report_id_and_the_creditor_s_name_its_invoice_and_debtor(world: World) -> None:
    report_id = _live_a_report(world)
    creditor = _subjects(world, CREDITOR_MAIL)
    debtor = _subjects(world, DEBTOR_MAIL)
    everything = [str(m["Subject"]) for m in world.mailer.messages()]
    assert len(debtor) >= 4 and len(creditor) >= 3
    assert not [s for s in everything if report_id in s or "rpt_" in s]
    assert creditor[-3:] == [
        "Facture F-2025-0412 (Société Générale d'Équipement) : contestée par le débiteur",
        "Facture F-2025-0412 (Société Générale d'Équipement) : décision de modération",
        "Facture F-2025-0412 (Société Générale d'Équipement) : signalement publié",
    ]
    assert debtor == [
        "Avant publication : une facture impayée vous est signalée sur Ardoise",
        "Décision de modération sur votre contestation",
        "Signalement publié sur l'annuaire Ardoise",
        "Signalement clos : règlement enregistré",
    ]


def test_the_debtor_s_subjects_carry_nothing_the_creditor_typed(world: World) -> None:
    _live_a_report(world, number=HOSTILE_NUMBER)
    debtor = _subjects(world, DEBTOR_MAIL)
    assert len(debtor) == 4
    for subject in debtor:
        assert "evil" not in subject and "URGENT" not in subject and "Menuiserie" not in subject
    # The creditor's own mails may name its own invoice.
    assert any(HOSTILE_NUMBER in s for s in _subjects(world, CREDITOR_MAIL))


def test_a_subject_is_folded_to_one_line() -> None:
    mime = to_mime(Message(to="a@example.org", subject="Facture\r\nBcc: b@example.org\t(x)\u202e", text="."), "x@y.fr")
    assert mime["Subject"] == "Facture Bcc: b@example.org (x)"
    headers = bytes(mime).decode().split("\r\n\r\n" if "\r\n" in bytes(mime).decode() else "\n\n")[0]
    assert "\nBcc:" not in headers
