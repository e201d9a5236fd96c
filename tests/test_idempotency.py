"""Every state-changing route of the three apps honours ``Idempotency-Key``, on both stores.

Each scenario prepares what its route needs through the APIs, then names one
keyed request. Sent again (its first response lost on the way back), the
request is never applied twice: same status, same body, ``Idempotent-Replayed``,
no new audit event, e-mail, quota or file. The same key with another body is a
422. When the first request committed but its response could not be recorded,
the retry is a ``202`` and still applies nothing.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from flask.testing import FlaskClient

from functions.charter.app import create_app as create_charter
from functions.core.clock import FixedClock
from functions.core.config import Settings
from functions.core.mailer import OutboxMailer
from functions.core.resources import Resources
from functions.core.store import Store
from functions.core.store.items import ItemBackend
from functions.core.usecases.propagation import refresh_marked
from functions.core.usecases.reports.subscribers import month_of
from functions.directory.app import create_app as create_directory
from functions.reports.app import create_app as create_reports
from tests.charter.factories import SIREN as SIGNATORY
from tests.charter.factories import last_token, sign, signature_form
from tests.directory import proof
from tests.directory.conftest import VERIFICATION, moderator_headers, register, reply_token
from tests.directory.factories import DEBTOR_SIREN, filing_payload
from tests.faults import FaultyBackend
from tests.reports.factories import add_subscriber, file_published, record_company

KEY = "4d0c2b9e-7a51-4f7e-9d1c-0b6f3e8a2c11"
REUSED = "https://ardoise.fr/problemes/cle-idempotence-reutilisee"


@dataclass
class Env:
    directory: FlaskClient
    charter: FlaskClient
    reports: FlaskClient
    resources: Resources
    mailer: OutboxMailer
    faulty: FaultyBackend
    evidence: Path


@dataclass
class Keyed:
    """One keyed request, and how the same key could be reused for another request."""

    client: FlaskClient
    method: str
    path: str
    json: Any = None
    data: bytes | None = None
    content_type: str | None = None
    headers: dict[str, str] = field(default_factory=dict)
    # Whether the route commits its change to the store (a batch only counts on atomic counters).
    commits: bool = True
    other: dict[str, Any] | None = None

    def send(self, **changes: Any) -> Any:
        """Send the request with the key (``changes`` replace its path, JSON body or bytes)."""
        sent = {"json": self.json, "data": self.data, "content_type": self.content_type, **changes}
        path = sent.pop("path", self.path)
        options = {name: value for name, value in sent.items() if value is not None}
        headers = {**self.headers, "Idempotency-Key": KEY}
        return self.client.open(path, method=self.method, headers=headers, **options)


@pytest.fixture
def env(  # noqa: PLR0917 - pytest injects fixtures by position
    backend: ItemBackend,
    settings: Settings,
    mailer: OutboxMailer,
    clock: FixedClock,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> Env:
    monkeypatch.chdir(tmp_path)  # evidence goes to var/evidence under the test's folder
    faulty = FaultyBackend(backend)
    store = Store(faulty, clock)
    resources = Resources(settings, store=store, mailer=mailer, clock=clock)

    def client(factory: Callable[..., Any]) -> FlaskClient:
        app = factory(settings=settings, store=store, mailer=mailer, clock=clock)
        app.config["TESTING"] = True
        return app.test_client()  # type: ignore[no-any-return]

    return Env(
        client(create_directory),
        client(create_charter),
        client(create_reports),
        resources,
        mailer,
        faulty,
        tmp_path / "var" / "evidence",
    )


def applied(env: Env) -> tuple[int, int, int, int]:
    """What a second application would change: audit events, e-mails, summaries counted, evidence files."""
    store = env.resources.store
    events = sum(len(store.audit.list_events(subject)) for subject in store.audit.list_subjects())
    counted = sum(
        store.subscribers.get_usage(subscriber.id, month_of(env.resources.clock()))["summaries"]
        for subscriber in store.subscribers.list_subscribers()[0]
    )
    files = len(list(env.evidence.rglob("*"))) if env.evidence.exists() else 0
    return events, len(env.mailer.messages()), counted, files


# -- scenarios: what each route needs, then its keyed request ---------------------------------


REGISTRATION = {
    "siren": "732829320",
    "company_name": "Menuiserie Durand SARL",
    "contact_name": "Claire Durand",
    "email": "compta@menuiserie-durand.fr",
}


def member_of(env: Env) -> dict[str, str]:
    return {"Authorization": register(env.directory, env.mailer)}


def filed(env: Env, member: dict[str, str]) -> str:
    response = proof.file_report(env.directory, member, filing_payload())
    assert response.status_code == 201, response.json
    return str(response.json["id"])


def disputed(env: Env) -> str:
    report_id = filed(env, member_of(env))
    dispute = {"action": "dispute", "reason": "not_owed", "text": "La livraison n'a jamais eu lieu."}
    assert env.directory.post(f"/replies/{reply_token(env.mailer)}", json=dispute).status_code == 200
    return report_id


def register_member(env: Env) -> Keyed:
    return Keyed(
        env.directory, "POST", "/members", REGISTRATION, other={"json": {**REGISTRATION, "siren": "542065479"}}
    )


def verify_member(env: Env) -> Keyed:
    assert env.directory.post("/members", json=REGISTRATION).status_code == 202
    code = VERIFICATION.findall(env.mailer.messages()[-1].get_content())[0]
    return Keyed(env.directory, "POST", "/members/verify", {"token": code}, other={"json": {"token": code + "x"}})


def approve_member(env: Env) -> Keyed:
    assert env.directory.post("/members", json=REGISTRATION).status_code == 202
    code = VERIFICATION.findall(env.mailer.messages()[-1].get_content())[0]
    member_id = env.directory.post("/members/verify", json={"token": code}).json["member_id"]
    decision = {"decision": "approved", "note": "Extrait Kbis vérifié."}
    return Keyed(
        env.directory,
        "POST",
        f"/members/{member_id}/approval",
        decision,
        headers=moderator_headers(env.directory),
        other={"json": {"decision": "refused", "note": "Kbis illisible."}},
    )


def file_report(env: Env) -> Keyed:
    member = member_of(env)
    return Keyed(
        env.directory,
        "POST",
        "/reports",
        proof.with_documents(env.directory, member),
        headers=member,
        other={"json": proof.with_documents(env.directory, member, filing_payload(number="F-2025-0999"))},
    )


def record_payment(env: Env) -> Keyed:
    member = member_of(env)
    report_id = filed(env, member)
    payment = {"amount_cents": 100_00, "paid_on": "2026-03-01"}
    return Keyed(
        env.directory,
        "POST",
        f"/reports/{report_id}/payments",
        payment,
        headers=member,
        other={"json": {**payment, "amount_cents": 200_00}},
    )


def withdraw_report(env: Env) -> Keyed:
    member = member_of(env)
    report_id = filed(env, member)
    other_id = proof.file_report(env.directory, member, filing_payload(number="F-2025-0999")).json["id"]
    return Keyed(
        env.directory,
        "POST",
        f"/reports/{report_id}/withdraw",
        headers=member,
        other={"path": f"/reports/{other_id}/withdraw"},
    )


def dispute(env: Env) -> Keyed:
    filed(env, member_of(env))
    action = {"action": "dispute", "reason": "not_owed", "text": "La livraison n'a jamais eu lieu."}
    return Keyed(
        env.directory,
        "POST",
        f"/replies/{reply_token(env.mailer)}",
        action,
        other={"json": {**action, "reason": "already_paid"}},
    )


def reply(env: Env) -> Keyed:
    filed(env, member_of(env))
    action = {"action": "reply", "text": "Un échéancier a été proposé le 20 février."}
    return Keyed(
        env.directory,
        "POST",
        f"/replies/{reply_token(env.mailer)}",
        action,
        other={"json": {**action, "text": "Autre réponse."}},
    )


def declare_evidence(env: Env) -> Keyed:
    filed(env, member_of(env))
    declared = {"filename": "releve.pdf", "content_type": "application/pdf", "size": 24}
    return Keyed(
        env.directory,
        "POST",
        f"/replies/{reply_token(env.mailer)}/evidence",
        declared,
        other={"json": {**declared, "size": 25}},
    )


def upload_evidence(env: Env) -> Keyed:
    filed(env, member_of(env))
    token = reply_token(env.mailer)
    started = env.directory.post(
        f"/replies/{token}/evidence", json={"filename": "releve.pdf", "content_type": "application/pdf", "size": 24}
    )
    path = started.json["url"].split("/api/directory", 1)[1]
    content = b"%PDF-1.4 releve bancaire"
    return Keyed(
        env.directory,
        "PUT",
        path,
        data=content,
        content_type="application/pdf",
        commits=False,
        other={"data": b"%PDF-1.4 autre releve!!!"},
    )


def review_report(env: Env) -> Keyed:
    report_id = proof.file_for_review(env.directory, member_of(env)).json["id"]
    return Keyed(
        env.directory,
        "POST",
        f"/reports/{report_id}/review",
        {"decision": "approved"},
        headers=moderator_headers(env.directory),
        other={"json": {"decision": "refused", "reason": "Preuve d'envoi illisible."}},
    )


def declare_document(env: Env) -> Keyed:
    declared = {"kind": "invoice", "filename": "facture.pdf", "content_type": "application/pdf", "size": 24}
    return Keyed(
        env.directory,
        "POST",
        "/documents",
        declared,
        headers=member_of(env),
        other={"json": {**declared, "size": 25}},
    )


def upload_document(env: Env) -> Keyed:
    member = member_of(env)
    declared = {"kind": "invoice", "filename": "facture.pdf", "content_type": "application/pdf", "size": 24}
    started = env.directory.post("/documents", json=declared, headers=member)
    path = started.json["url"].split("/api/directory", 1)[1]
    return Keyed(
        env.directory,
        "PUT",
        path,
        data=b"%PDF-1.4 facture F-00412",
        content_type="application/pdf",
        headers=member,
        commits=False,
        other={"data": b"%PDF-1.4 autre facture!!"},
    )


def moderate(env: Env) -> Keyed:
    report_id = disputed(env)
    decision = {"decision": "upheld", "note": "Livraison prouvée."}
    return Keyed(
        env.directory,
        "POST",
        f"/reports/{report_id}/moderation",
        decision,
        headers=moderator_headers(env.directory),
        other={"json": {**decision, "decision": "rejected"}},
    )


def share_experiences(env: Env) -> Keyed:
    lines = [
        {"debtor_siren": DEBTOR_SIREN, "amount_cents": 1_000_00, "due_date": "2026-01-31", "paid_on": "2026-02-10"}
    ]
    return Keyed(
        env.directory,
        "POST",
        "/experiences",
        lines,
        headers=member_of(env),
        other={"json": [{**lines[0], "amount_cents": 2_000_00}]},
    )


def request_signature(env: Env) -> Keyed:
    form = signature_form()
    return Keyed(env.charter, "POST", "/signatures", form, other={"json": {**form, "representative_name": "Paul Roy"}})


def verify_signature(env: Env) -> Keyed:
    assert env.charter.post("/signatures", json=signature_form()).status_code == 202
    token = last_token(env.mailer)
    return Keyed(env.charter, "POST", "/signatures/verify", {"token": token}, other={"json": {"token": token + "x"}})


def request_withdrawal(env: Env) -> Keyed:
    sign(env.charter, env.mailer)
    # Anonymous: keyed by method and path, so another path is another key altogether.
    return Keyed(env.charter, "POST", f"/signatures/{SIGNATORY}/withdraw")


def confirm_withdrawal(env: Env) -> Keyed:
    sign(env.charter, env.mailer)
    assert env.charter.post(f"/signatures/{SIGNATORY}/withdraw").status_code == 202
    token = last_token(env.mailer)
    return Keyed(
        env.charter,
        "POST",
        f"/signatures/{SIGNATORY}/withdraw/confirm",
        {"token": token},
        other={"json": {"token": token + "x"}},
    )


def subscriber(env: Env) -> dict[str, str]:
    return {"X-API-Key": add_subscriber(env.resources)[1]}


def batch(env: Env) -> Keyed:
    record_company(env.resources)
    file_published(env.resources, id="r1", number="F-1", due_date=date(2026, 1, 5), amount_cents=1_000_00)
    refresh_marked(env.resources)
    return Keyed(
        env.reports,
        "POST",
        "/solvency/batch",
        {"sirens": [DEBTOR_SIREN]},
        headers=subscriber(env),
        commits=False,
        other={"json": {"sirens": [DEBTOR_SIREN, "732829320"]}},
    )


def watch(env: Env) -> Keyed:
    return Keyed(
        env.reports,
        "PUT",
        f"/watchlist/{DEBTOR_SIREN}",
        headers=subscriber(env),
        other={"path": "/watchlist/732829320"},
    )


def unwatch(env: Env) -> Keyed:
    headers = subscriber(env)
    assert env.reports.put(f"/watchlist/{DEBTOR_SIREN}", headers=headers).status_code == 201
    return Keyed(
        env.reports, "DELETE", f"/watchlist/{DEBTOR_SIREN}", headers=headers, other={"path": "/watchlist/732829320"}
    )


def set_webhook(env: Env) -> Keyed:
    hook = {"url": "http://127.0.0.1:8080/ardoise"}
    return Keyed(
        env.reports,
        "PUT",
        "/webhook",
        hook,
        headers=subscriber(env),
        other={"json": {"url": "http://127.0.0.1:8081/x"}},
    )


def clear_webhook(env: Env) -> Keyed:
    headers = subscriber(env)
    assert (
        env.reports.put("/webhook", json={"url": "http://127.0.0.1:8080/ardoise"}, headers=headers).status_code == 200
    )
    return Keyed(env.reports, "DELETE", "/webhook", headers=headers)


SCENARIOS = [
    register_member,
    verify_member,
    approve_member,
    file_report,
    record_payment,
    withdraw_report,
    dispute,
    reply,
    declare_evidence,
    upload_evidence,
    declare_document,
    upload_document,
    review_report,
    moderate,
    share_experiences,
    request_signature,
    verify_signature,
    request_withdrawal,
    confirm_withdrawal,
    batch,
    watch,
    unwatch,
    set_webhook,
    clear_webhook,
]


@pytest.mark.parametrize("scenario", SCENARIOS, ids=lambda scenario: scenario.__name__)
def test_a_keyed_request_sent_again_replays_its_response_and_applies_nothing_twice(
    env: Env, scenario: Callable[[Env], Keyed]
) -> None:
    keyed = scenario(env)
    first = keyed.send()
    assert first.status_code < 300, first.get_data(as_text=True)
    assert "Idempotent-Replayed" not in first.headers
    after_first = applied(env)

    again = keyed.send()

    assert again.status_code == first.status_code
    assert again.get_data() == first.get_data()
    assert again.headers["Idempotent-Replayed"] == "true"
    assert again.headers.get("Location") == first.headers.get("Location")
    assert applied(env) == after_first
    if keyed.other is not None:
        reused = keyed.send(**keyed.other)
        assert reused.status_code == 422, reused.get_data(as_text=True)
        assert reused.json["type"] == REUSED
        assert applied(env) == after_first


def only_idempotency_records(writes: Any, *args: Any, **kwargs: Any) -> bool:
    return all((w.item.pk if hasattr(w, "item") else w.pk).startswith("IDEMPOTENCY#") for w in writes)


@pytest.mark.parametrize(
    "scenario",
    [s for s in SCENARIOS if s not in (batch, upload_evidence, upload_document)],
    ids=lambda scenario: scenario.__name__,
)
def test_a_retry_after_a_response_that_was_never_recorded_is_accepted_and_applies_nothing(
    env: Env, scenario: Callable[[Env], Keyed]
) -> None:
    keyed = scenario(env)
    # The change commits with its claim; recording the response afterwards fails.
    env.faulty.fail("transact", matches=only_idempotency_records, calls=None)
    first = keyed.send()
    assert first.status_code < 300, first.get_data(as_text=True)
    after_first = applied(env)
    env.faulty.clear()

    again = keyed.send()

    if scenario is share_experiences:  # upserts: run again, harmlessly
        assert again.status_code == first.status_code
    else:
        assert again.status_code == 202, again.get_data(as_text=True)
        assert again.json["status"] == "accepted"
        assert again.headers["Idempotent-Replayed"] == "true"
        assert applied(env) == after_first


def test_every_state_changing_route_documents_the_idempotency_key(env: Env) -> None:
    for client in (env.directory, env.charter, env.reports):
        document = client.get("/openapi.json").json
        for path, operations in document["paths"].items():
            for method, operation in operations.items():
                names = {parameter["name"] for parameter in operation.get("parameters", [])}
                if method == "get":
                    assert "Idempotency-Key" not in names, f"{method} {path}"
                    continue
                assert "Idempotency-Key" in names, f"{method} {path}"
                assert operation["responses"]["422"]
                assert all(
                    "Idempotent-Replayed" in response["headers"]
                    for status, response in operation["responses"].items()
                    if status.startswith("2")
                ), f"{method} {path}"


def test_a_members_token_shown_once_is_sealed_in_the_store_and_replayed_to_its_retry(env: Env) -> None:
    keyed = verify_member(env)
    token = keyed.send().json["api_token"]
    store = env.resources.store
    stored = [item for pk in store.backend.scan_partitions("IDEMPOTENCY#") for item in store.backend.query(pk).items]
    assert len(stored) == 1
    assert token not in str(stored[0].data)
    assert keyed.send().json["api_token"] == token


def test_keys_of_different_members_never_meet(env: Env) -> None:
    first = {"Authorization": register(env.directory, env.mailer)}
    second = {"Authorization": register(env.directory, env.mailer, siren="542065479", name="Boulangerie Étoile")}
    headers = {"Idempotency-Key": KEY}
    assert proof.file_report(env.directory, {**first, **headers}, filing_payload()).status_code == 201
    other = proof.file_report(env.directory, {**second, **headers}, filing_payload())
    assert other.status_code == 201 and "Idempotent-Replayed" not in other.headers


def test_a_key_too_long_or_not_printable_is_a_400(env: Env) -> None:
    for key in ("k" * 201, "clé"):
        response = env.charter.post("/signatures", json=signature_form(), headers={"Idempotency-Key": key})
        assert response.status_code == 400
        assert response.json["errors"][0]["field"] == "Idempotency-Key"
    assert env.mailer.messages() == []


class PausingBackend:
    """Delegate to a backend; hold the first transaction that claims a key until released."""

    def __init__(self, inner: Any) -> None:
        self.inner = inner
        self.reached = threading.Event()
        self.release = threading.Event()
        self.held = False

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)

    def transact(self, writes: Any) -> None:
        claims = [w for w in writes if hasattr(w, "item") and w.item.pk.startswith("IDEMPOTENCY#")]
        if claims and len(writes) > 1 and not self.held:
            self.held = True
            self.reached.set()
            self.release.wait(timeout=30)
        self.inner.transact(writes)


def test_concurrent_requests_with_the_same_key_apply_the_change_once(env: Env) -> None:
    keyed = record_payment(env)
    report_id = keyed.path.split("/")[2]
    before = env.resources.store.reports.get_report(report_id)
    assert before is not None
    pausing = PausingBackend(env.faulty.inner)
    env.faulty.inner = pausing
    answers: dict[str, Any] = {}
    # The first request stops just before committing its payment and claim...
    slow = threading.Thread(target=lambda: answers.setdefault("slow", keyed.send()))
    slow.start()
    assert pausing.reached.wait(timeout=30)
    # ...while the same request, sent again, commits and answers.
    answers["fast"] = keyed.send()
    pausing.release.set()
    slow.join(timeout=30)

    fast, late = answers["fast"], answers["slow"]
    assert (fast.status_code, late.status_code) == (200, 200), late.get_data(as_text=True)
    assert late.get_data() == fast.get_data()
    assert late.headers["Idempotent-Replayed"] == "true"
    report = env.resources.store.reports.get_report(report_id)
    assert report is not None and report.outstanding_cents == before.outstanding_cents - 100_00


def test_a_keyed_upload_still_meets_its_routes_own_size_limit(env: Env) -> None:
    padded = b"[" + b" " * (4 * 1024 * 1024 + 1) + b"]"  # valid JSON, over the 4 MiB of /experiences
    headers = {**member_of(env), "Idempotency-Key": KEY}
    response = env.directory.post("/experiences", data=padded, content_type="application/json", headers=headers)
    assert response.status_code == 413
