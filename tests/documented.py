"""Every status and header an app answers is in its OpenAPI document: checked on every request of the suite.

An autouse fixture (``tests/conftest.py``) records, through Flask's
``request_finished`` signal, what every app built during a test answered, the
three functions' apps wherever a test builds them; after the test, anything an
app's document does not list fails that test. The whole suite, which drives
every route into its errors, thereby checks the documents against what the
server really does.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from flask import Flask, Response, request, request_finished

from functions.core.mounts import is_space_page
from functions.core.openapi import Operation

# Headers a client acts upon: each must be documented where it is sent.
CHECKED_HEADERS = ("Location", "Retry-After", "Idempotent-Replayed")
# An unexpected error is a bug to fix, never an answer to document.
UNDOCUMENTED_BY_DESIGN = {500}

Answer = tuple[str, str, int, tuple[str, ...]]


class AnswerLog:
    """What each app answered during one test: (method, OpenAPI path, status, checked headers sent)."""

    def __init__(self) -> None:
        self.answers: dict[Flask, set[Answer]] = defaultdict(set)
        self.recording = True

    def __enter__(self) -> AnswerLog:
        request_finished.connect(self._record)
        return self

    def __exit__(self, *_exc: object) -> None:
        request_finished.disconnect(self._record)

    def _record(self, sender: Flask, response: Response, **_extra: Any) -> None:
        if not self.recording or "ardoise" not in sender.extensions or request.url_rule is None:
            return
        if request.method in {"HEAD", "OPTIONS"} or is_space_page(request.url_rule.endpoint):
            return  # the web spaces' pages are not the API (docs/spaces.md)
        sent = tuple(name for name in CHECKED_HEADERS if name in response.headers)
        path = Operation(request.url_rule.rule, request.method, "").path
        self.answers[sender].add((request.method.lower(), path, response.status_code, sent))

    def undocumented(self) -> list[str]:
        """Return each answer its app's document does not describe."""
        self.recording = False
        try:
            missing = []
            for app, answers in self.answers.items():
                document = app.test_client().get("/openapi.json").json
                missing += _missing(document, answers)
            return missing
        finally:
            self.recording = True


def _missing(document: dict[str, Any], answers: set[Answer]) -> list[str]:
    missing = []
    for method, path, status, sent in sorted(answers):
        if status in UNDOCUMENTED_BY_DESIGN:
            continue
        where = f"{document['info']['title']}: {method.upper()} {path}"
        responses = document["paths"][path][method]["responses"]
        if str(status) not in responses:
            missing.append(f"{where} answered {status}")
            continue
        documented = responses[str(status)].get("headers", {})
        missing += [f"{where} answered {status} with {name}" for name in sent if name not in documented]
    return missing
