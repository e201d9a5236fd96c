"""Sign-in links and sessions of the web spaces, as stored (their life is ``domain/sessions.py``'s).

- ``SIGNIN#{digest}`` / ``LINK``: a one-time sign-in link (kept a day past its
  expiry, so that a late click says "expired" rather than "unknown").
- ``SESSION#{digest}`` / ``SESSION``: an open session, until its idle timeout.
- ``SIGNINCOUNT#{key}`` / ``{hour}``: how many links were asked for in that hour
  for one inbox (``mailbox#{digest}``) or one company (``siren#{siren}``).

Only digests of the tokens are stored. Every record sits in the expiry queue
(``expiry.py``), so that SQLite deletes it too.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime, timedelta

from functions.core.domain import sessions
from functions.core.domain.sessions import Session, SignInLink
from functions.core.store.base import AuditEvent, Repository
from functions.core.store.codec import from_item, to_data
from functions.core.store.expiry import expiry_keys
from functions.core.store.items import ConditionFailed, Delete, Item, Put, Write
from functions.core.tokens import hash_token

COUNT = "SIGNINCOUNT#"
LINK_KEPT = timedelta(days=1)


def _link_item(link: SignInLink, digest: str, version: int) -> Item:
    pk = f"SIGNIN#{digest}"
    return Item(
        pk, "LINK", to_data(link), version, **expiry_keys(int((link.expires_at + LINK_KEPT).timestamp()), pk, "LINK")
    )


def _session_item(session: Session, digest: str, version: int) -> Item:
    pk = f"SESSION#{digest}"
    return Item(
        pk, "SESSION", to_data(session), version, **expiry_keys(int(session.ends_at().timestamp()), pk, "SESSION")
    )


class Sessions(Repository):
    """Count link requests, issue and spend links, open, touch and close sessions."""

    def count_request(self, keys: Sequence[str], window: str, limit: int, expires_at: datetime) -> bool:
        """Count one link request against each key in ``window``; False (nothing counted) if one is at ``limit``.

        A lost race raises ``ConditionFailed``: read again and retry.
        """
        current = {item.pk: item for item in self.backend.get_many([(f"{COUNT}{k}", window) for k in keys])}
        if any(int(item.data["requests"]) >= limit for item in current.values()):
            return False
        writes: list[Write] = []
        for key in keys:
            pk = f"{COUNT}{key}"
            item = current.get(pk)
            if item is None:
                expires = int(expires_at.timestamp())
                writes.append(Put(Item(pk, window, {"requests": 1}, **expiry_keys(expires, pk, window)), None))
            else:
                writes.append(Put(item.bumped({"requests": int(item.data["requests"]) + 1}), item.version))
        self.backend.transact(writes)
        return True

    def issue_link(self, link: SignInLink, token: str) -> None:
        """Store a new sign-in link under its token's digest."""
        self.backend.transact([Put(_link_item(link, hash_token(token), 1), None)])

    def find_link(self, token: str) -> SignInLink | None:
        """Return the link a token names (used, expired or not), or None when unknown."""
        item = self.backend.get(f"SIGNIN#{hash_token(token)}", "LINK")
        return from_item(SignInLink, item) if item else None

    def open_with_link(self, link: SignInLink, link_token: str, session_token: str, now: datetime) -> Session:
        """Spend the link and open its session in one transaction: of two uses at once, one fails.

        Raises ValueError when the link cannot be used, ``ConditionFailed`` when another use won.
        """
        spent = sessions.link_used(link, now)
        session = sessions.session_started(link.kind, link.principal_id, now)
        writes: list[Write] = [Put(_link_item(spent, hash_token(link_token), link.version + 1), link.version)]
        return self._open(session, session_token, writes)

    def open_session(self, session: Session, token: str) -> Session:
        """Open a session that no link opened (an address confirmed when signing up)."""
        return self._open(session, token, [])

    def _open(self, session: Session, token: str, writes: list[Write]) -> Session:
        item = _session_item(session, hash_token(token), 1)
        self.store.commit([*writes, Put(item, None)], [self._event(session, "session.started")])
        return replace(session, version=1)

    def find_session(self, token: str) -> Session | None:
        item = self.backend.get(f"SESSION#{hash_token(token)}", "SESSION")
        return from_item(Session, item) if item else None

    def touch(self, session: Session, token: str, now: datetime) -> Session:
        """Record the session's activity (at most once a minute); a concurrent touch wins harmlessly."""
        touched = sessions.session_touched(session, now)
        if touched == session:
            return session
        try:
            self.backend.transact(
                [Put(_session_item(touched, hash_token(token), session.version + 1), session.version)]
            )
        except ConditionFailed:
            return session  # another request of the same browser touched it first
        return replace(touched, version=session.version + 1)

    def close(self, session: Session, token: str, action: str = "session.ended") -> None:
        """Delete the session (signed out, idle or its principal revoked), with its audit event."""
        delete = Delete(f"SESSION#{hash_token(token)}", "SESSION", unconditional=True)
        self.store.commit([delete], [self._event(session, action)])

    def _event(self, session: Session, action: str) -> AuditEvent:
        who = f"{session.kind.value}:{session.principal_id}"
        after = {"kind": session.kind.value, "started_at": session.started_at.isoformat()}
        return self.store.event(who, "session", action, who, after=after)
