"""The moderation queue: disputes oldest first, paged, moderators only."""

from tests.directory.conftest import World, reply_token
from tests.directory.factories import filing_payload
from tests.directory.proof import file_report

DEBTORS = [("552100554", "compta@sge.fr"), ("542065479", "gerance@etoile.fr"), ("383474814", "direction@martin.fr")]


def test_the_queue_lists_disputes_oldest_first_and_pages(world: World) -> None:
    ids = []
    for siren, email in DEBTORS:
        filed = file_report(world.api, world.member, filing_payload(debtor_siren=siren, debtor_email=email))
        ids.append(filed.json["id"])
    # Disputed in the reverse order of filing, an hour apart.
    for (_, email), _report_id in reversed(list(zip(DEBTORS, ids, strict=True))):
        world.api.post(
            f"/replies/{reply_token(world.mailer, email)}",
            json={"action": "dispute", "reason": "other", "text": "Nous contestons."},
        )
        world.clock.advance(hours=1)
    first = world.api.get("/moderation", query_string={"limit": 2}, headers=world.moderator).json
    second = world.api.get(
        "/moderation", query_string={"limit": 2, "cursor": first["next_cursor"]}, headers=world.moderator
    ).json
    assert [r["id"] for r in first["items"] + second["items"]] == list(reversed(ids))
    assert second["next_cursor"] is None
    world.api.post(
        f"/reports/{ids[1]}/moderation", json={"decision": "rejected", "note": "Fondé."}, headers=world.moderator
    )
    assert [r["id"] for r in world.api.get("/moderation", headers=world.moderator).json["items"]] == [ids[2], ids[0]]


def test_only_a_moderator_may_decide(world: World) -> None:
    report_id = file_report(world.api, world.member, filing_payload()).json["id"]
    world.api.post(
        f"/replies/{reply_token(world.mailer)}",
        json={"action": "dispute", "reason": "other", "text": "Nous contestons."},
    )
    decision = {"decision": "upheld", "note": "Je décide moi-même."}
    assert world.api.post(f"/reports/{report_id}/moderation", json=decision, headers=world.member).status_code == 403
    assert world.api.post(f"/reports/{report_id}/moderation", json=decision).status_code == 401
    assert world.api.get(f"/reports/{report_id}", headers=world.moderator).json["status"] == "disputed"


def test_a_report_that_is_not_disputed_cannot_be_moderated(world: World) -> None:
    report_id = file_report(world.api, world.member, filing_payload()).json["id"]
    refused = world.api.post(
        f"/reports/{report_id}/moderation", json={"decision": "rejected", "note": "?"}, headers=world.moderator
    )
    assert refused.status_code == 409
    assert (
        world.api.post(
            "/reports/rpt_unknown/moderation", json={"decision": "rejected", "note": "?"}, headers=world.moderator
        ).status_code
        == 404
    )
