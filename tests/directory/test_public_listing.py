"""What the public sees: nothing before the grace period ends, nothing disputed before moderation, search."""

from flask.testing import FlaskClient

from tests.directory.conftest import World, reply_token
from tests.directory.factories import DEBTOR_SIREN, OTHER_DEBTOR_SIREN, filing_payload
from tests.directory.proof import file_report


def public_traces(world: World, siren: str = DEBTOR_SIREN) -> tuple[object, ...]:
    """Every public way a report could show: the company page, search, the listed SIRENs, the aggregate."""
    response = world.api.get(f"/companies/{siren}")
    page = response.json if response.status_code == 200 else {"listed": False, "reports": [], "outstanding_cents": 0}
    hits = world.api.get("/companies", query_string={"q": "societe generale"}).json["items"]
    aggregate = world.resources.store.reports.get_aggregate(siren)
    return (
        page["listed"],
        page["reports"],
        page["outstanding_cents"],
        any(h["listed"] for h in hits),
        world.resources.store.reports.list_listed_sirens(),
        aggregate.open_published_count if aggregate else 0,
    )


NOTHING_PUBLIC = (False, [], 0, False, [], 0)


def test_nothing_about_a_report_is_public_before_its_grace_period_ended(world: World) -> None:
    file_report(world.api, world.member, filing_payload())
    for days in (0, 1, 6, 7):  # 0, 1, 7 and 14 days after the notice
        world.clock.advance(days=days)
        world.tick()
        assert public_traces(world) == NOTHING_PUBLIC
    world.clock.advance(days=1)
    world.tick()
    assert public_traces(world)[0] is True


def test_nothing_disputed_is_public_before_moderation(world: World) -> None:
    report_id = file_report(world.api, world.member, filing_payload()).json["id"]
    world.api.post(
        f"/replies/{reply_token(world.mailer)}",
        json={"action": "dispute", "reason": "not_owed", "text": "Jamais commandé."},
    )
    for _ in range(4):
        world.clock.advance(days=10)
        world.tick()
        assert public_traces(world) == NOTHING_PUBLIC
    world.api.post(
        f"/reports/{report_id}/moderation",
        json={"decision": "upheld", "note": "Bon de commande signé."},
        headers=world.moderator,
    )
    assert public_traces(world)[0] is True


def test_a_published_report_disputed_leaves_the_listing_until_moderation(world: World) -> None:
    file_report(world.api, world.member, filing_payload())
    world.clock.advance(days=15)
    world.tick()
    assert public_traces(world)[0] is True
    world.api.post(
        f"/replies/{reply_token(world.mailer)}",
        json={"action": "dispute", "reason": "other", "text": "Litige en cours."},
    )
    assert public_traces(world) == NOTHING_PUBLIC


def test_an_unknown_company_is_a_404_and_a_bad_siren_a_400(directory: FlaskClient) -> None:
    assert directory.get("/companies/552100554").status_code == 404
    assert directory.get("/companies/552100555").status_code == 400


def test_a_pending_report_answers_exactly_like_no_report_at_all(world: World) -> None:
    before = world.api.get(f"/companies/{DEBTOR_SIREN}")
    file_report(world.api, world.member, filing_payload())
    after = world.api.get(f"/companies/{DEBTOR_SIREN}")
    assert (before.status_code, before.json["detail"]) == (after.status_code, after.json["detail"])
    for query in ("societe", "552100554", "5521"):
        assert world.api.get("/companies", query_string={"q": query}).json["items"] == []


def published_after_grace(world: World) -> None:
    world.clock.advance(days=15)
    world.tick()


def test_search_ignores_accents_and_case_and_matches_the_start_of_any_word(world: World) -> None:
    file_report(world.api, world.member, filing_payload())
    file_report(
        world.api, world.member, filing_payload(debtor_siren=OTHER_DEBTOR_SIREN, debtor_name="Boulangerie Étoile")
    )
    published_after_grace(world)
    for query in ("SOCIÉTÉ gén", "societe generale d equipement", "Soc"):
        assert [h["siren"] for h in world.api.get("/companies", query_string={"q": query}).json["items"]] == [
            DEBTOR_SIREN
        ]
    assert [h["name"] for h in world.api.get("/companies", query_string={"q": "boulangerie eto"}).json["items"]] == [
        "Boulangerie Étoile"
    ]
    assert [h["name"] for h in world.api.get("/companies", query_string={"q": "étoile"}).json["items"]] == [
        "Boulangerie Étoile"
    ]


def test_a_word_in_the_middle_of_a_name_finds_the_company_as_on_the_site(world: World) -> None:
    payload = filing_payload(debtor_siren=OTHER_DEBTOR_SIREN, debtor_name="Chauvin Deschamps SARL")
    file_report(world.api, world.member, payload)
    assert world.api.get("/companies", query_string={"q": "deschamps"}).json["items"] == []  # not listed yet
    published_after_grace(world)
    for query in ("deschamps", "DESCHAMPS sa", "sarl", "chauvin"):
        hits = world.api.get("/companies", query_string={"q": query}).json["items"]
        assert [(h["siren"], h["name"], h["listed"]) for h in hits] == [
            (OTHER_DEBTOR_SIREN, "Chauvin Deschamps SARL", True)
        ]
    assert world.api.get("/companies", query_string={"q": "champs"}).json["items"] == []


def test_search_by_siren_whole_or_prefix(world: World) -> None:
    file_report(world.api, world.member, filing_payload())
    published_after_grace(world)
    assert [h["siren"] for h in world.api.get("/companies", query_string={"q": "552 100 554"}).json["items"]] == [
        DEBTOR_SIREN
    ]
    assert [h["siren"] for h in world.api.get("/companies", query_string={"q": "5521"}).json["items"]] == [DEBTOR_SIREN]
    assert world.api.get("/companies", query_string={"q": "5529"}).json["items"] == []


def test_search_is_paged(world: World) -> None:
    sirens = ["552100554", "542065479", "383474814", "443061841", "732829320"]
    for n, siren in enumerate(sirens[:4]):
        payload = filing_payload(debtor_siren=siren, debtor_name=f"Garage Martin {n}", number=f"F-{n}")
        assert file_report(world.api, world.member, payload).status_code == 201
    published_after_grace(world)
    seen: list[str] = []
    cursor = None
    while True:
        query = {"q": "garage", "limit": 3} | ({"cursor": cursor} if cursor else {})
        page = world.api.get("/companies", query_string=query).json
        seen += [h["name"] for h in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert seen == [f"Garage Martin {n}" for n in range(4)]


def test_a_query_of_one_letter_is_refused(directory: FlaskClient) -> None:
    assert directory.get("/companies", query_string={"q": "s"}).status_code == 400
