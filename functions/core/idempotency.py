"""``Idempotency-Key``: every state-changing route replays its first response for 24 hours.

One mechanism for the three apps, declared by ``Api.route`` (every route but
``GET`` is idempotent) and carried out here, at the edge:

1. A request with a key is identified by who sends it — the member, moderator
   or subscriber its credentials name; for anonymous routes, the method and path
   (which hold the reply link or signature in question) — and the key. Its
   fingerprint digests the method, path, query and body (validated, so key order
   and spacing do not matter).
2. A live record with another fingerprint: ``422 cle-idempotence-reutilisee``.
   A live record with a response: that response again, ``Idempotent-Replayed: true``.
3. Otherwise the request runs, and its **first commit carries the claim** (see
   ``Store.commit``): the key is recorded in the same transaction as the change,
   so a claim exists if and only if the change does. A concurrent request with
   the same key loses that transaction and is answered as in 2.
4. The response is recorded on the claim afterwards. A request that committed
   nothing (a batch counted on atomic counters, a no-op) records its successful
   response then; a refused request (4xx before any commit) records nothing, so it
   can be corrected and sent again under the same key.

A retry whose first request committed but never recorded its response (it
crashed, or is still running) never applies the change again: it is answered
``202`` ``{"status": "accepted"}`` with ``Idempotent-Replayed: true`` — the change
is in; read the resource to see its state. Routes declared ``repeatable`` (their
writes are upserts) run again instead.

Recorded bodies are sealed (``tokens.seal``): a response that shows a token once
(a member's API token, a webhook secret) is never readable from the store alone.
"""

from __future__ import annotations

import hashlib
import json
import zlib
from dataclasses import dataclass
from typing import Any

from flask import Response, current_app, request

from functions.core.errors import FieldError, RuleNotMet, ValidationFailed
from functions.core.logs import get_logger
from functions.core.resources import Resources
from functions.core.store.base import request_writes
from functions.core.store.replays import Replay
from functions.core.tokens import derive_key, seal, unseal

HEADER = "Idempotency-Key"
REPLAYED = "Idempotent-Replayed"
MAX_KEY_LENGTH = 200
# A record stays well under DynamoDB's 400 KB item: a larger response (compressed and
# sealed) is recorded without its body, and its retry is answered 202 like a lost one.
MAX_RECORDED_BODY = 300_000
# Headers a replay gives again (others are the edge's own, added to every response).
KEPT_HEADERS = ("Location", "Cache-Control", "Content-Disposition", "Retry-After")

log = get_logger("idempotency")


class IdempotencyKeyReused(RuleNotMet):
    slug, title = "cle-idempotence-reutilisee", "Clé d'idempotence déjà utilisée"


@dataclass(frozen=True)
class KeyedRequest:
    """A request sent with a key: where its record lives and what it must match."""

    pk: str
    fingerprint: str
    repeatable: bool

    @property
    def purpose(self) -> str:
        return f"idempotency:{self.pk}"


def key_of_request() -> str | None:
    """Return the request's key (None when it sent none); 400 when it is too long or not printable."""
    key = request.headers.get(HEADER, "").strip()
    if not key:
        return None
    if len(key) > MAX_KEY_LENGTH or not key.isprintable() or not key.isascii():
        raise ValidationFailed(
            "Clé d'idempotence invalide.",
            [FieldError(HEADER, "cle_invalide", f"{MAX_KEY_LENGTH} caractères ASCII imprimables au plus.")],
        )
    return key


def keyed_request(key: str, principal: Any, security: str | None, body: Any, repeatable: bool) -> KeyedRequest:
    """Identify a keyed request: its record's key from who sends it, its fingerprint from what it sends."""
    who = getattr(principal, "id", None)
    scope = f"{security}:{who}" if who is not None else f"{request.method} {request.path}"
    if body is not None:
        content: Any = body.model_dump(mode="json")
    else:
        raw = request.get_data(cache=True)
        content = hashlib.sha256(raw).hexdigest() if raw else None
    request_text = [request.method, request.path, sorted(request.args.items(multi=True)), content]
    canonical = json.dumps(request_text, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return KeyedRequest(
        pk="IDEMPOTENCY#" + hashlib.sha256(f"{scope}\n{key}".encode()).hexdigest(),
        fingerprint=hashlib.sha256(canonical.encode()).hexdigest(),
        repeatable=repeatable,
    )


def keyed_form(token: str, scope: str, fields: list[tuple[str, str]]) -> KeyedRequest:
    """Identify a form sent with its one-time token: the record's key from the browser and the token.

    The web spaces' forms carry the token a page printed (``spaces.form_token``), so
    a second submission (double click, back button, reload) meets the first one's
    record in the same store as the API's keys. ``fields`` are the submitted
    values (files by digest), the fingerprint.
    """
    if len(token) > MAX_KEY_LENGTH or not token.isprintable() or not token.isascii():
        raise ValidationFailed(
            "Ce formulaire porte un jeton d'envoi invalide : rechargez la page et envoyez-le à nouveau.",
            [FieldError("idempotence", "jeton_invalide", f"{MAX_KEY_LENGTH} caractères ASCII imprimables au plus.")],
        )
    request_text = [request.method, request.path, sorted(fields)]
    canonical = json.dumps(request_text, separators=(",", ":"), ensure_ascii=False)
    return KeyedRequest(
        pk="IDEMPOTENCY#" + hashlib.sha256(f"form:{scope}\n{token}".encode()).hexdigest(),
        fingerprint=hashlib.sha256(canonical.encode()).hexdigest(),
        repeatable=False,
    )


def start(res: Resources, keyed: KeyedRequest) -> Response | None:
    """Replay what a live record holds, or arrange for the request's first commit to claim the key."""
    replay, stored = res.store.replays.find(keyed.pk)
    if replay is not None:
        return _answer(res, keyed, replay)  # None: a repeatable request that left no response runs again
    writes = request_writes.get()
    if writes is not None:
        writes.claim = res.store.replays.claim(keyed.pk, keyed.fingerprint, stored)
    return None


def answer_for_lost_claim(res: Resources, keyed: KeyedRequest) -> Response:
    """Answer a request whose claim lost to a concurrent one with the same key."""
    replay, _ = res.store.replays.find(keyed.pk)
    if replay is None:  # pragma: no cover - the winner's claim expired within the request
        return committed(replayed=True)
    return _answer(res, keyed, replay) or committed(replayed=True)


def finish(res: Resources, keyed: KeyedRequest, response: Response) -> None:
    """Record the response of a keyed request, unless nothing happened (refused before any commit)."""
    writes = request_writes.get()
    # A commit of this request carried the claim (or a claim-only record was there already).
    committed_here = writes is not None and writes.commits > 0
    if response.status_code >= 500 or (not committed_here and response.status_code >= 300):
        return
    recorded = _recorded(res, keyed, response)
    try:
        replay, stored = res.store.replays.find(keyed.pk)
        if replay is not None:
            res.store.replays.complete(keyed.pk, recorded)
        else:
            res.store.replays.record(keyed.pk, keyed.fingerprint, recorded, stored)
    except Exception:  # the client has its response; a retry sees the change (202) or runs again
        log.exception("response to a keyed request not recorded", extra={"status": response.status_code})


COMMITTED_DETAIL = (
    "Votre demande a été enregistrée, mais sa réponse n'a pas pu être préparée : consultez la ressource "
    "pour voir son état. Ne renvoyez pas la demande, sauf avec la même clé Idempotency-Key."
)


def committed(*, replayed: bool = False) -> Response:
    """Answer a request whose change is committed but whose own response is not available.

    Never a 5xx: a client told "error" would send the change again. What
    remained to do (e-mails, derived data) is logged; the tick refreshes what
    the commit marked.
    """
    body = json.dumps({"status": "accepted", "detail": COMMITTED_DETAIL}, ensure_ascii=False)
    response = current_app.response_class(body, status=202, mimetype="application/json")
    if replayed:
        response.headers[REPLAYED] = "true"
    return response


def _answer(res: Resources, keyed: KeyedRequest, replay: Replay) -> Response | None:
    if replay.fingerprint != keyed.fingerprint:
        raise IdempotencyKeyReused(
            "Cette clé d'idempotence a déjà servi pour une autre requête : utilisez une nouvelle clé."
        )
    body = _opened(res, keyed, replay)
    if replay.status is None or body is None:
        return None if keyed.repeatable else committed(replayed=True)
    response = current_app.response_class(body, status=replay.status, headers=dict(replay.headers))
    response.headers[REPLAYED] = "true"
    return response


def _recorded(res: Resources, keyed: KeyedRequest, response: Response) -> dict[str, Any]:
    headers = {name: response.headers[name] for name in KEPT_HEADERS if name in response.headers}
    headers["Content-Type"] = response.headers.get("Content-Type", "application/json")
    # Compressed first: a batch of summaries shrinks well below an item's 400 KB.
    body = seal(derive_key(res.settings.secret_key, keyed.purpose), zlib.compress(response.get_data()))
    if len(body) > MAX_RECORDED_BODY:
        return {"status": None}
    return {"status": response.status_code, "headers": headers, "body": body}


def _opened(res: Resources, keyed: KeyedRequest, replay: Replay) -> bytes | None:
    if replay.status is None:
        return None
    opened = unseal(derive_key(res.settings.secret_key, keyed.purpose), replay.body)
    # Sealed under another secret (the platform's key was rotated): as if not recorded.
    return zlib.decompress(opened) if opened is not None else None
