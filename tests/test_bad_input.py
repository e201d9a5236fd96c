"""Bad input is a clear 400 that changes nothing, on every JSON endpoint of the three apps.

The endpoints are taken from each app's OpenAPI document, so a route added
later is covered without touching this file.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from flask.testing import FlaskClient

from functions.core.mailer import OutboxMailer
from functions.core.resources import Resources
from tests.directory.conftest import moderator_headers, register
from tests.reports.factories import add_subscriber
from tests.store_state import stored_state

DEEP = b'{"siren": ' + b"[" * 2048 + b"]" * 2048 + b"}"
DEEP_UNCLOSED = b"[" * 2048
REPEATED = b'{"siren": "552100554", "siren": "732829320", "decision": "approved", "decision": "refused"}'
NOT_A_NUMBER = b'{"amount_cents": NaN}'


@dataclass(frozen=True)
class Endpoint:
    app: str
    method: str
    path: str
    security: str | None

    def __str__(self) -> str:
        return f"{self.app} {self.method.upper()} {self.path}"


@dataclass
class Platform:
    clients: dict[str, FlaskClient]
    credentials: dict[str, dict[str, str]]
    resources: Resources
    mailer: OutboxMailer

    def send(self, endpoint: Endpoint, raw: bytes) -> Any:
        # Path parameters get well-formed values, so that only the body can be wrong.
        path = re.sub(r"\{siren\}", "552100554", endpoint.path)
        path = re.sub(r"\{[a-z_]+\}", "unknown", path)
        headers = self.credentials.get(endpoint.security or "", {})
        client = self.clients[endpoint.app]
        return client.open(path, method=endpoint.method, data=raw, content_type="application/json", headers=headers)


def business_state(platform: Platform) -> dict[tuple[str, str], Any]:
    """What the store holds, less the subscribers' call meter (every authenticated call is metered, refused or not)."""
    state = stored_state(platform.resources.store.backend)
    return {key: value for key, value in state.items() if not key[0].startswith("USAGE#")}


def json_endpoints(platform: Platform) -> Iterator[Endpoint]:
    """Yield every operation of the three apps that reads a JSON body."""
    for app, client in platform.clients.items():
        document = client.get("/openapi.json").json
        for path, operations in document["paths"].items():
            for method, operation in operations.items():
                if "application/json" in operation.get("requestBody", {}).get("content", {}):
                    security = operation["security"][0] if operation.get("security") else {}
                    yield Endpoint(app, method, path, next(iter(security), None))


@pytest.fixture
def platform(
    directory: FlaskClient, charter: FlaskClient, reports: FlaskClient, mailer: OutboxMailer, resources: Resources
) -> Platform:
    _, key = add_subscriber(resources, plan="pro")
    credentials = {
        "memberToken": {"Authorization": register(directory, mailer)},
        "moderatorToken": moderator_headers(directory),
        "apiKey": {"X-API-Key": key},
    }
    clients = {"directory": directory, "charter": charter, "reports": reports}
    return Platform(clients, credentials, resources, mailer)


def test_every_app_has_json_endpoints_to_check(platform: Platform) -> None:
    apps = {endpoint.app for endpoint in json_endpoints(platform)}
    assert apps == {"directory", "charter", "reports"}


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        (DEEP, "json_trop_imbrique"),
        (DEEP_UNCLOSED, "json_trop_imbrique"),
        (REPEATED, "cle_en_double"),
        (NOT_A_NUMBER, "json_invalide"),
    ],
    ids=["deep", "deep-unclosed", "repeated-key", "nan"],
)
def test_a_body_json_should_not_accept_is_a_400_that_changes_nothing(
    platform: Platform, raw: bytes, code: str, caplog: pytest.LogCaptureFixture
) -> None:
    before, mails = business_state(platform), len(platform.mailer.messages())
    answered = {}
    with caplog.at_level(logging.WARNING):
        for endpoint in json_endpoints(platform):
            response = platform.send(endpoint, raw)
            answered[str(endpoint)] = (response.status_code, [e["code"] for e in response.json.get("errors", [])])
    assert all(result == (400, [code]) for result in answered.values()), answered
    assert business_state(platform) == before
    assert len(platform.mailer.messages()) == mails
    assert not [record for record in caplog.records if record.levelno >= logging.ERROR]


def test_a_repeated_key_names_the_key(platform: Platform) -> None:
    endpoint = Endpoint("charter", "post", "/signatures", None)
    response = platform.send(endpoint, REPEATED)
    assert "« siren »" in response.json["errors"][0]["message"]


def test_nesting_within_the_limit_is_judged_by_the_schema_not_refused_as_deep(platform: Platform) -> None:
    endpoint = Endpoint("charter", "post", "/signatures", None)
    response = platform.send(endpoint, b'{"siren": ' + b"[" * 15 + b"]" * 15 + b"}")
    assert response.status_code == 400
    codes = {e["field"]: e["code"] for e in response.json["errors"]}
    assert codes["siren"] == "string_type"


def _resolve(schema: dict[str, Any], document: dict[str, Any]) -> dict[str, Any]:
    if "$ref" in schema:
        return _resolve(document["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]], document)
    return schema


def _text_fields(schema: dict[str, Any], document: dict[str, Any], path: tuple[str | int, ...] = ()) -> Iterator[Any]:
    """Yield (path, schema, is_list) for every free-text string a body accepts, nested objects included."""
    for name, prop in _resolve(schema, document).get("properties", {}).items():
        for choice in prop.get("anyOf", [prop]):
            option = _resolve(choice, document)
            is_list = option.get("type") == "array"
            item = _resolve(option["items"], document) if is_list else option
            if item.get("type") == "object" or "properties" in item:
                # A list of objects (a scenario's steps) is reached through its first item.
                yield from _text_fields(item, document, (*path, name, 0) if is_list else (*path, name))
            elif item.get("type") == "string" and "enum" not in item and "const" not in item:
                yield (*path, name), item, is_list


def _shapes(schema: dict[str, Any], document: dict[str, Any]) -> Iterator[tuple[dict[str, Any], dict[str, Any]]]:
    """Yield (what a body of this shape always carries, the shape): each of a tagged union's, with its tag."""
    resolved = _resolve(schema, document)
    if "discriminator" not in resolved:
        yield {}, resolved
        return
    tag = resolved["discriminator"]["propertyName"]
    for value, ref in resolved["discriminator"]["mapping"].items():
        yield {tag: value}, _resolve({"$ref": ref}, document)


def _with_control_character(schema: dict[str, Any]) -> str:
    """A text long enough for the field's own bounds, with a NUL in it."""
    length = max(schema.get("minLength", 0), 4)
    return ("A\x00" + "b" * length)[: max(schema.get("maxLength", length), 2)]


def _nest(path: tuple[str | int, ...], value: Any) -> dict[str | int, Any]:
    """The body holding ``value`` at ``path``; an index (0) in the path makes a list of one object."""
    head, rest = path[0], path[1:]
    if not rest:
        return {head: value}
    if isinstance(rest[0], int):
        return {head: [_nest(rest[1:], value) if rest[1:] else value]}
    return {head: _nest(rest, value)}


def test_every_text_field_of_every_app_refuses_control_characters(platform: Platform) -> None:
    accepted = []
    checked = 0
    tagged = set()
    for endpoint in json_endpoints(platform):
        document = platform.clients[endpoint.app].get("/openapi.json").json
        operation = document["paths"][endpoint.path][endpoint.method]
        schema = operation["requestBody"]["content"]["application/json"]["schema"]
        for fixed, shape in _shapes(schema, document):
            for path, field, is_list in _text_fields(shape, document):
                value = _with_control_character(field)
                body = {**fixed, **_nest(path, [value] if is_list else value)}
                response = platform.send(endpoint, json.dumps(body).encode())
                fields = {e["field"] for e in response.json.get("errors", [])}
                wanted = ".".join(str(part) for part in path) + (".0" if is_list else "")
                checked += 1
                tagged |= {(value, wanted) for value in fixed.values()}
                if response.status_code != 400 or wanted not in fields:
                    accepted.append(f"{endpoint} {wanted}: {response.status_code} {sorted(fields)}")
    assert checked > 30
    assert {("dispute", "text"), ("declare_payment", "text"), ("reply", "text")} <= tagged  # each shape of a union
    assert accepted == []


@pytest.mark.parametrize("app", ["directory", "charter", "reports"])
def test_every_text_query_parameter_refuses_control_characters(platform: Platform, app: str) -> None:
    document = platform.clients[app].get("/openapi.json").json
    accepted = []
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            security = next(iter(operation["security"][0]), "") if operation.get("security") else ""
            for parameter in operation.get("parameters", []):
                schema = parameter["schema"]
                options = [_resolve(o, document) for o in schema.get("anyOf", [schema])]
                texts = [o for o in options if o.get("type") == "string" and "enum" not in o]
                if parameter["in"] != "query" or not texts:
                    continue
                url = re.sub(r"\{siren\}", "552100554", path)
                response = platform.clients[app].open(
                    url,
                    method=method,
                    query_string={parameter["name"]: _with_control_character(texts[0])},
                    headers=platform.credentials.get(security, {}),
                )
                if response.status_code != 400:
                    accepted.append(f"{method} {path}?{parameter['name']}: {response.status_code}")
    assert accepted == []
