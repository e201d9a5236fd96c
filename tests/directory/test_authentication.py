"""Who may call what: credentials are checked before the body, and a known caller in the wrong role gets 403."""

import pytest

from tests.directory.conftest import World
from tests.directory.factories import filing_payload

BAD = {"Authorization": "Bearer ard_mbr_not-a-real-token"}
BAD_MODERATOR = {"Authorization": "Bearer ard_mod_not-a-real-token"}

AUTHENTICATED_WITH_A_BODY = [
    ("POST", "/reports"),
    ("POST", "/reports/rpt_unknown/payments"),
    ("POST", "/reports/rpt_unknown/withdraw"),
    ("POST", "/reports/rpt_unknown/moderation"),
    ("POST", "/members/mbr_unknown/approval"),
    ("GET", "/moderation?limit=not-a-number"),
    ("GET", "/members/pending"),
    ("GET", "/reports/rpt_unknown"),
    ("GET", "/reports/rpt_unknown/evidence/evd_unknown"),
]
MODERATOR_ONLY = [
    ("GET", "/moderation"),
    ("GET", "/members/pending"),
    ("POST", "/reports/rpt_unknown/moderation"),
    ("POST", "/members/mbr_unknown/approval"),
    ("GET", "/reports/rpt_unknown/evidence/evd_unknown"),
]
MEMBER_ONLY = [
    ("POST", "/reports"),
    ("POST", "/reports/rpt_unknown/payments"),
    ("POST", "/reports/rpt_unknown/withdraw"),
]


@pytest.mark.parametrize(("method", "path"), AUTHENTICATED_WITH_A_BODY)
def test_a_bad_token_is_refused_with_401_whatever_the_body(world: World, method: str, path: str) -> None:
    for headers in (BAD, BAD_MODERATOR, {}):
        response = world.api.open(path, method=method, data="", content_type="application/json", headers=headers)
        assert response.status_code == 401, (headers, response.json)
        assert response.json["type"].endswith("/non-authentifie")


@pytest.mark.parametrize(("method", "path"), MODERATOR_ONLY)
def test_a_member_token_on_a_moderator_endpoint_is_forbidden_not_unauthenticated(
    world: World, method: str, path: str
) -> None:
    response = world.api.open(path, method=method, json={}, headers=world.member)
    assert response.status_code == 403, response.json
    assert response.json["type"].endswith("/reserve-aux-moderateurs")


@pytest.mark.parametrize(("method", "path"), MEMBER_ONLY)
def test_a_moderator_token_on_a_member_endpoint_is_forbidden(world: World, method: str, path: str) -> None:
    response = world.api.open(path, method=method, json=filing_payload(), headers=world.moderator)
    assert response.status_code == 403, response.json
    assert response.json["type"].endswith("/reserve-aux-membres")
