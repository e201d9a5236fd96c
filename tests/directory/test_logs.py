"""Logs never carry a debtor's private link."""

from functions.core.mailer import Message
from functions.directory.app import create_app
from tests.directory.conftest import Collect, World, reply_token
from tests.directory.factories import filing_payload
from tests.directory.proof import file_report


class RefusingMailer:
    """A mailer whose service is down."""

    def send(self, message: Message) -> str:
        raise RuntimeError("service d'envoi indisponible")


def test_an_unexpected_error_behind_a_reply_link_logs_the_route_not_the_token(world: World, logged: Collect) -> None:
    file_report(world.api, world.member, filing_payload())
    token = reply_token(world.mailer)
    resources = world.resources
    broken = create_app(
        settings=resources.settings, store=resources.store, mailer=RefusingMailer(), clock=resources.clock
    )
    response = broken.test_client().post(
        f"/replies/{token}", json={"action": "dispute", "reason": "not_owed", "text": "Commande annulée par écrit."}
    )
    # The dispute was committed before the e-mail failed: accepted, never a 5xx.
    assert response.status_code == 202
    [line] = [line for line in logged.lines if "error after the change was committed" in line]
    assert '"route": "/replies/<token>"' in line
    assert token not in line and token not in "".join(logged.lines)
