"""Each route is driven into the errors any client can cause; every answer must be in the app's OpenAPI document.

``tests/documented.py`` checks every request of the suite the same way; this
test makes sure each operation meets each generic error at least once: no or
the wrong credentials, a malformed path, body or query, a body too large or of
another media type, an ``Accept`` nobody serves.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from flask import Flask

from functions.core.mailer import OutboxMailer
from functions.core.resources import Resources
from tests.directory.conftest import moderator_headers, register
from tests.documented import AnswerLog
from tests.reports.factories import add_subscriber

BODIES: list[tuple[str, bytes]] = [
    ("application/json", b"{}"),
    ("application/json", b"[]"),
    ("application/json", b"{"),
    ("application/json", b'{"unexpected": true}'),
    ("text/plain", b"du texte"),
    ("application/xml", b"<a/>"),
]
PATH_VALUES = ["unknown", "123", "55210055400013"]
QUERY_VALUES = [{"limit": "0"}, {"limit": "abc"}, {"cursor": "not-a-cursor"}, {"format": "gif"}, {"q": "a"}]


def _urls(path: str) -> list[str]:
    names = re.findall(r"\{([a-z_]+)\}", path)
    urls = []
    for value in PATH_VALUES:
        url = path
        for name in names:
            url = url.replace("{" + name + "}", value)
        urls.append(url)
    return urls


def _drive(app: Flask, credentials: dict[str, dict[str, str]]) -> set[int]:
    client = app.test_client()
    document = client.get("/openapi.json").json
    answered = set()
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            security = next(iter(operation["security"][0])) if operation.get("security") else None
            own = credentials.get(security, {}) if security else {}
            identities: list[dict[str, str]] = [{}, *credentials.values()]
            largest = app.config["MAX_CONTENT_LENGTH"] + 1 if "requestBody" in operation else 0
            for url in _urls(path):
                calls: list[dict[str, Any]] = [{"headers": headers} for headers in identities]
                calls += [{"headers": own, "data": data, "content_type": media} for media, data in BODIES]
                calls += [{"headers": own, "query_string": query} for query in QUERY_VALUES]
                calls.append({"headers": {**own, "Accept": "image/gif"}})
                if largest:
                    calls.append({"headers": own, "data": b"x" * largest, "content_type": "application/json"})
                    calls.append({"headers": own, "data": b"{" * (1024 * 1024 + 1), "content_type": "application/json"})
                for call in calls:
                    answered.add(client.open(url, method=method, **call).status_code)
    return answered


@pytest.fixture
def credentials(directory_app: Flask, mailer: OutboxMailer, resources: Resources) -> dict[str, dict[str, str]]:
    client = directory_app.test_client()
    _, key = add_subscriber(resources, plan="pro")
    return {
        "memberToken": {"Authorization": register(client, mailer)},
        "moderatorToken": moderator_headers(client),
        "apiKey": {"X-API-Key": key},
    }


@pytest.mark.parametrize("app_fixture", ["directory_app", "charter_app", "reports_app"])
def test_every_error_a_client_can_cause_is_documented_on_every_route(
    request: pytest.FixtureRequest, credentials: dict[str, dict[str, str]], answers: AnswerLog, app_fixture: str
) -> None:
    app: Flask = request.getfixturevalue(app_fixture)
    answered = _drive(app, credentials)
    assert 500 not in answered
    assert {400, 404} <= answered
    assert answers.undocumented() == []
