"""The debtor's private reply links and the evidence files it declared.

- ``REPLYLINK#{digest}`` / ``LINK``: which report a link opens, until when.
  Only the SHA-256 digest of the link's 256-bit token is stored.
- ``DEBTOR#{siren}`` / ``LINK#{report}#{digest}``: the same, beside the report,
  so that deleting a report finds and deletes its links.
- ``DEBTOR#{siren}`` / ``EVIDENCE#{report}#{id}``: one declared evidence file.
- A paper notice's short code is another key to its report, stored like a link
  (``REPLYLINK#{digest}`` with ``kind: code``, and its twin) so that it expires
  and is deleted with the report's links; only the rate-limited code page
  resolves it, never the reply link's routes. What the store is given is a
  keyed digest of the code, never the code: 50 bits are too few for a plain one.
- ``CODETRIES#{client digest}`` and ``CODETRIES#all`` / ``{hour}``: failed codes
  in that hour, the rate limit against guessing (expire).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from functions.core.domain.evidence import Evidence
from functions.core.domain.replies import ReplyLink
from functions.core.domain.reports import Report
from functions.core.store.base import Repository
from functions.core.store.codec import from_data, from_item, to_data
from functions.core.store.expiry import expiry_keys
from functions.core.store.items import Item, Put, Write
from functions.core.store.reports import debtor_pk
from functions.core.tokens import hash_token, same_digest

LINK, CODE = "link", "code"
CODE_TRIES = "CODETRIES#"

# An expired link is kept a while, so that a late click says "expired" (410), not "unknown" (404).
EXPIRED_LINK_KEPT = timedelta(days=30)


class Replies(Repository):
    """Issue and resolve reply links; record evidence declarations."""

    def issue_link(self, report: Report, token: str, expires_at: datetime) -> None:
        """Store a new link for ``report`` (earlier links stay valid until they expire)."""
        self.backend.transact(self.link_writes(report, token, expires_at))

    def link_writes(self, report: Report, token: str, expires_at: datetime, *, kind: str = LINK) -> list[Write]:
        """The writes storing a link (or, ``kind=CODE``, a short code), to commit with a change of the report.

        The same token gives the same items, so that writing a derived link again rewrites them.
        """
        digest = hash_token(token)
        forget = int((expires_at + EXPIRED_LINK_KEPT).timestamp())
        link = ReplyLink(report.id, report.debtor.siren, expires_at)
        data = {**to_data(link), "digest": digest, "kind": kind}
        link_pk = f"REPLYLINK#{digest}"
        # Unconditional: writing a derived link again (a notice's copy) rewrites the same items.
        return [
            # Queued for deletion with its twin beside the report (see expiry.py).
            Put(Item(link_pk, "LINK", data, **expiry_keys(forget, link_pk, "LINK")), unconditional=True),
            Put(
                Item(debtor_pk(report.debtor.siren), f"LINK#{report.id}#{digest}", data, expires_at=forget),
                unconditional=True,
            ),
        ]

    def find_link(self, token: str, *, kind: str = LINK) -> ReplyLink | None:
        """Return what a token (or, ``kind=CODE``, a short code) opens, expired or not; None if unknown."""
        digest = hash_token(token)
        item = self.backend.get(f"REPLYLINK#{digest}", "LINK")
        if item is None or not same_digest(token, item.data["digest"]) or item.data.get("kind", LINK) != kind:
            return None
        return from_data(ReplyLink, item.data)

    def failed_codes(self, keys: Sequence[str], window: str) -> dict[str, int]:
        """How many wrong codes each key (a client's digest, or ``all``) sent in ``window``."""
        items = self.backend.get_many([(f"{CODE_TRIES}{key}", window) for key in keys])
        return {item.pk.removeprefix(CODE_TRIES): int(item.data["failures"]) for item in items}

    def count_failed_code(self, keys: Sequence[str], window: str, expires_at: datetime) -> None:
        """Count one wrong code against each key in ``window`` (a lost race raises ``ConditionFailed``: retry)."""
        current = {item.pk: item for item in self.backend.get_many([(f"{CODE_TRIES}{k}", window) for k in keys])}
        writes: list[Write] = []
        for key in keys:
            pk = f"{CODE_TRIES}{key}"
            item = current.get(pk)
            if item is None:
                expires = int(expires_at.timestamp())
                writes.append(Put(Item(pk, window, {"failures": 1}, **expiry_keys(expires, pk, window)), None))
            else:
                writes.append(Put(item.bumped({"failures": int(item.data["failures"]) + 1}), item.version))
        self.backend.transact(writes)

    def record_evidence(self, report: Report, evidence: Evidence) -> None:
        data = to_data(evidence)
        sk = f"EVIDENCE#{report.id}#{evidence.id}"
        # The file's name is the debtor's text: the audit log keeps its id, type and size only.
        event = self.store.event(
            f"company:{report.debtor.siren}",
            f"report:{report.id}",
            "evidence.declared",
            f"debtor:{report.debtor.siren}",
            after={"evidence": evidence.id, "content_type": evidence.content_type, "bytes": evidence.declared_bytes},
        )
        self.store.commit([Put(Item(debtor_pk(report.debtor.siren), sk, data), None)], [event])

    def list_evidence(self, report: Report) -> list[Evidence]:
        items = self.query_all(debtor_pk(report.debtor.siren), sk_prefix=f"EVIDENCE#{report.id}#")
        return [from_item(Evidence, item) for item in items]
