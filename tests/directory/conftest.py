"""Directory fixtures: an approved member and a moderator, through the real API and services."""

from __future__ import annotations

import logging
import re
import shutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import boto3
import pytest
from flask.testing import FlaskClient

from functions.core.clock import FixedClock
from functions.core.logs import JsonFormatter
from functions.core.mailer import OutboxMailer
from functions.core.resources import Resources
from functions.core.usecases.directory.members import create_moderator
from functions.core.usecases.site_snapshot import load_site_snapshot
from functions.directory.app import create_app
from functions.local.tick import run_local_tick
from functions.site.builder import SiteBuilder
from functions.site.handwritten import HandwrittenInputs
from functions.site.mkdocs_stage import ensure_mkdocs
from tests.directory.factories import CREDITOR_NAME, CREDITOR_SIREN
from tests.site.factories import BASE_URL, make_inputs

VERIFICATION = re.compile(r"ard_ver_[A-Za-z0-9_-]+")


def moderator_headers(client: FlaskClient) -> dict[str, str]:
    """Create a moderator in the store behind ``client``; return its headers."""
    resources: Resources = client.application.extensions["ardoise"]
    credentials = create_moderator(
        resources, name="Inès Moreau", email="moderation@ardoise.localhost", actor="operator:test"
    )
    return {"Authorization": f"Bearer {credentials.token}"}


def register_pending(
    client: FlaskClient,
    mailer: OutboxMailer,
    *,
    siren: str = CREDITOR_SIREN,
    name: str = CREDITOR_NAME,
    email: str | None = None,
) -> tuple[str, str]:
    """Register and verify a member through the API; return its id and bearer header value (not approved yet)."""
    response = client.post(
        "/members",
        json={
            "siren": siren,
            "company_name": name,
            "contact_name": "Claire Durand",
            "email": email or ("compta@menuiserie-durand.fr" if siren == CREDITOR_SIREN else f"compta@{siren}.fr"),
        },
    )
    assert response.status_code == 202, response.json
    code = VERIFICATION.findall(mailer.messages()[-1].get_content())[0]
    verified = client.post("/members/verify", json={"token": code})
    assert verified.status_code == 201, verified.json
    return verified.json["member_id"], f"Bearer {verified.json['api_token']}"


def register(
    client: FlaskClient,
    mailer: OutboxMailer,
    *,
    siren: str = CREDITOR_SIREN,
    name: str = CREDITOR_NAME,
    email: str | None = None,
) -> str:
    """Register, verify and (as a moderator, through the API) approve a member; return its bearer header value."""
    member_id, bearer = register_pending(client, mailer, siren=siren, name=name, email=email)
    approved = client.post(
        f"/members/{member_id}/approval",
        json={"decision": "approved", "note": "Extrait Kbis vérifié."},
        headers=moderator_headers(client),
    )
    assert approved.status_code == 200, approved.json
    return bearer


@pytest.fixture
def member(directory: FlaskClient, mailer: OutboxMailer) -> dict[str, str]:
    """Headers of a verified member (Menuiserie Durand SARL)."""
    return {"Authorization": register(directory, mailer)}


@pytest.fixture
def moderator(directory: FlaskClient) -> dict[str, str]:
    """Headers of a moderator."""
    return moderator_headers(directory)


REPLY_TOKEN = re.compile(r"ard_rep_[A-Za-z0-9_-]+")


def reply_token(mailer: OutboxMailer, to: str = "comptabilite@sge.fr") -> str:
    """Return the debtor's latest private link token, read from its e-mails."""
    for message in reversed(mailer.messages()):
        found = REPLY_TOKEN.findall(message.get_body(("plain",)).get_content()) if message["To"] == to else []
        if found:
            return found[0]
    raise AssertionError(f"no reply link sent to {to}")


def subjects_to(mailer: OutboxMailer, to: str) -> list[str]:
    return [str(m["Subject"]) for m in mailer.messages() if m["To"] == to]


@dataclass
class S3Directory:
    """The directory API in front of the store of ``resources``, its files in a (moto) S3 bucket."""

    s3: Any  # a boto3 S3 client
    resources: Resources  # the same store, mailer and clock, with S3 storage
    api: FlaskClient


def s3_directory(resources: Resources, mailer: OutboxMailer, prefix: str) -> S3Directory:
    """Create the bucket and an app storing the evidence and documents under ``s3://ardoise-pieces/{prefix}``."""
    s3 = boto3.client("s3", region_name="eu-west-3")
    s3.create_bucket(Bucket="ardoise-pieces", CreateBucketConfiguration={"LocationConstraint": "eu-west-3"})
    settings = resources.settings.replace(evidence_url=f"s3://ardoise-pieces/{prefix}")
    client = create_app(settings=settings, store=resources.store, mailer=mailer, clock=resources.clock).test_client()
    return S3Directory(s3, Resources(settings, store=resources.store, mailer=mailer, clock=resources.clock), client)


@dataclass
class World:
    """Everything a directory test drives: the API, a member, a moderator, the outbox, time."""

    api: FlaskClient
    member: dict[str, str]
    moderator: dict[str, str]
    mailer: OutboxMailer
    clock: FixedClock
    resources: Resources

    def tick(self) -> dict[str, Any]:
        return run_local_tick(self.resources)


@pytest.fixture
def world(  # noqa: PLR0917 - pytest injects fixtures by position; this bundles them once for the tests
    directory: FlaskClient,
    member: dict[str, str],
    moderator: dict[str, str],
    mailer: OutboxMailer,
    clock: FixedClock,
    resources: Resources,
) -> World:
    return World(directory, member, moderator, mailer, clock, resources)


class Collect(logging.Handler):
    """Every line the ``ardoise`` loggers write, as they would write it."""

    def __init__(self) -> None:
        super().__init__()
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(JsonFormatter().format(record))


@pytest.fixture
def logged() -> Iterator[Collect]:
    handler = Collect()
    logger = logging.getLogger("ardoise")
    level = logger.level
    logger.setLevel(logging.DEBUG)  # every record, however minor
    logger.addHandler(handler)
    yield handler
    logger.removeHandler(handler)
    logger.setLevel(level)


@pytest.fixture(scope="session")
def site_inputs() -> HandwrittenInputs:
    return make_inputs()


@pytest.fixture(scope="session")
def mkdocs_once(tmp_path_factory: pytest.TempPathFactory, site_inputs: HandwrittenInputs) -> Path:
    """The hand-written pages built by MkDocs once (each site build starts from a copy)."""
    return ensure_mkdocs(tmp_path_factory.mktemp("mkdocs"), site_inputs, BASE_URL).folder


@pytest.fixture
def site(world: World, tmp_path: Path, mkdocs_once: Path, site_inputs: HandwrittenInputs) -> Callable[[], str]:
    """Build the public site from the store; return every file's text, joined (to look for traces)."""
    build_dir = tmp_path / "site-build"
    shutil.copytree(mkdocs_once, build_dir / "mkdocs")
    builder = SiteBuilder(build_dir, base_url=BASE_URL, workers=1)

    def build() -> str:
        builder.build(load_site_snapshot(world.resources), site_inputs)
        files = builder.saved_state().files
        return "\n".join(builder.read(path).decode(errors="replace") for path in sorted(files))

    return build
