"""Signing in to the web spaces: ask for a one-time link by e-mail, exchange it for a session, sign out.

One mechanism for the three kinds of principal (members in ``/espace/``,
moderators in ``/moderation/``, subscribers in ``/abonne/``); the rules are
``domain/sessions.py``'s. Asking for a link always answers the same, whether
the address is known or not, so that the form tells nobody who is a member;
the rate limit counts every request.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from functions.core.cooldown import mailbox_of, too_soon
from functions.core.domain import members as member_rules
from functions.core.domain import sessions
from functions.core.domain.sessions import LinkState, PrincipalKind, Session
from functions.core.errors import ExpiredLink, UnknownLink
from functions.core.french import short_datetime
from functions.core.mailer import Message
from functions.core.mounts import space_url
from functions.core.resources import Resources
from functions.core.store import ConditionFailed, retry_on_conflict
from functions.core.tokens import hash_token, new_token

LINK_PREFIX = "ard_lien"
SESSION_PREFIX = "ard_ses"
SPACE_NAMES = {
    PrincipalKind.MEMBER: "l'espace créancier",
    PrincipalKind.MODERATOR: "l'espace de modération",
    PrincipalKind.SUBSCRIBER: "l'espace abonné",
}


@dataclass(frozen=True)
class Principal:
    """Who a session is for, as the spaces show it."""

    kind: PrincipalKind
    id: str
    name: str
    email: str
    siren: str = ""


@dataclass(frozen=True)
class SignedIn:
    """An open session and its principal, read again for this request."""

    session: Session
    principal: Principal


def _members(res: Resources, siren: str) -> list[Principal]:
    return [
        Principal(PrincipalKind.MEMBER, m.id, m.contact_name, m.email, m.siren)
        for m in res.store.members.list_members(siren)
        if member_rules.opens_api(m)
    ]


def find_principals(res: Resources, kind: PrincipalKind, email: str, siren: str = "") -> list[Principal]:
    """The active principals of ``kind`` this address reaches (members: of the company ``siren``)."""
    inbox = mailbox_of(email)
    if kind is PrincipalKind.MEMBER:
        found = _members(res, siren) if siren else []
    elif kind is PrincipalKind.MODERATOR:
        found = [Principal(kind, m.id, m.name, m.email) for m in res.store.moderators.list_moderators() if m.active]
    else:
        found = []
        cursor = None
        while True:
            page, cursor = res.store.subscribers.list_subscribers(limit=100, cursor=cursor)
            found += [Principal(kind, s.id, s.name, s.email) for s in page if s.is_active]
            if cursor is None:
                break
    return [p for p in found if mailbox_of(p.email) == inbox]


def load_principal(res: Resources, kind: PrincipalKind, principal_id: str) -> Principal | None:
    """The principal a session is for, if it may still sign in (None: revoked, refused, unknown)."""
    if kind is PrincipalKind.MEMBER:
        member = res.store.members.get_member(principal_id)
        ok = member is not None and member_rules.opens_api(member)
        return Principal(kind, member.id, member.contact_name, member.email, member.siren) if ok and member else None
    if kind is PrincipalKind.MODERATOR:
        moderator = res.store.moderators.get_moderator(principal_id)
        ok = moderator is not None and moderator.active
        return Principal(kind, moderator.id, moderator.name, moderator.email) if ok and moderator else None
    subscriber = res.store.subscribers.get_subscriber(principal_id)
    ok = subscriber is not None and subscriber.is_active
    return Principal(kind, subscriber.id, subscriber.name, subscriber.email) if ok and subscriber else None


def rate_keys(email: str, siren: str) -> list[str]:
    """What a link request counts against: the inbox (as a digest) and, for members, the company."""
    keys = [f"mailbox#{hash_token(mailbox_of(email))}"]
    return [*keys, f"siren#{siren}"] if siren else keys


def request_link(res: Resources, kind: PrincipalKind, email: str, siren: str = "") -> int:
    """E-mail a one-time sign-in link to each principal this address reaches; return how many went.

    Past :data:`sessions.LINKS_PER_HOUR` requests in the hour for this inbox (or
    this company), answer 429 ``demande-trop-rapprochee`` with ``Retry-After``.
    """
    now = res.clock()
    counted = retry_on_conflict(
        lambda: res.store.sessions.count_request(
            rate_keys(email, siren), sessions.rate_window(now), sessions.LINKS_PER_HOUR, sessions.window_end(now)
        )
    )
    if not counted:
        wait = int((sessions.window_end(now) - now).total_seconds()) + 1
        raise too_soon(wait, "Trop de liens de connexion demandés pour cette adresse ou cette entreprise ; réessayez")
    principals = find_principals(res, kind, email, siren)
    for principal in principals:
        token = issue_link(res, kind, principal.id)
        res.mailer.send(_link_message(res, principal, token, res.clock() + sessions.LINK_LIFETIME))
    return len(principals)


def issue_link(res: Resources, kind: PrincipalKind, principal_id: str) -> str:
    """Store a new one-time link for a principal and return its token (the operator's demo prints its address)."""
    token = new_token(LINK_PREFIX)
    res.store.sessions.issue_link(sessions.link_issued(kind, principal_id, res.clock()), token)
    return token


def link_url(res: Resources, kind: PrincipalKind, token: str) -> str:
    return space_url(res.settings.base_url, kind.value, f"/connexion/{token}")


def _link_message(res: Resources, principal: Principal, token: str, expires_at: datetime) -> Message:
    minutes = int(sessions.LINK_LIFETIME.total_seconds() // 60)
    company = f" pour le SIREN {principal.siren}" if principal.siren else ""
    text = f"""Bonjour {principal.name},

Pour vous connecter à {SPACE_NAMES[principal.kind]} d'Ardoise{company}, ouvrez ce lien
dans les {minutes} minutes (jusqu'au {short_datetime(expires_at)}) :

    {link_url(res, principal.kind, token)}

Ce lien ne sert qu'une fois. Si vous n'avez rien demandé, ignorez ce message :
personne ne peut se connecter sans lui.

L'équipe Ardoise
"""
    return Message(to=principal.email, subject="Ardoise : votre lien de connexion", text=text)


def check_link(res: Resources, kind: PrincipalKind, token: str) -> None:
    """Say whether a link may still open a session: 404 unknown or already used, 410 expired."""
    link = res.store.sessions.find_link(token)
    if link is None or link.kind is not kind:
        raise UnknownLink("Ce lien de connexion est inconnu.")
    state = link.state(res.clock())
    if state is LinkState.USED:
        raise UnknownLink("Ce lien de connexion a déjà servi : demandez-en un nouveau.")
    if state is LinkState.EXPIRED:
        minutes = int(sessions.LINK_LIFETIME.total_seconds() // 60)
        raise ExpiredLink(f"Ce lien de connexion a expiré ({minutes} minutes) : demandez-en un nouveau.")


def open_session(res: Resources, kind: PrincipalKind, link_token: str) -> str:
    """Spend a sign-in link and return the new session's token (for its cookie); 404/410 as :func:`check_link`."""
    check_link(res, kind, link_token)
    link = res.store.sessions.find_link(link_token)
    assert link is not None  # checked above
    if load_principal(res, kind, link.principal_id) is None:
        raise UnknownLink("Ce compte n'a plus accès à Ardoise.")
    token = new_token(SESSION_PREFIX)
    try:
        res.store.sessions.open_with_link(link, link_token, token, res.clock())
    except (ValueError, ConditionFailed) as exc:
        raise UnknownLink("Ce lien de connexion a déjà servi : demandez-en un nouveau.") from exc
    return token


def start_session(res: Resources, kind: PrincipalKind, principal_id: str) -> str:
    """Open a session for a principal that just proved its address another way (signing up); return its token."""
    token = new_token(SESSION_PREFIX)
    res.store.sessions.open_session(sessions.session_started(kind, principal_id, res.clock()), token)
    return token


def signed_in(res: Resources, kind: PrincipalKind, token: str) -> SignedIn | None:
    """The open session a cookie's token names and its principal, or None (and the session closed when it ended)."""
    session = res.store.sessions.find_session(token) if token.startswith(SESSION_PREFIX + "_") else None
    if session is None or session.kind is not kind:
        return None
    now = res.clock()
    if not session.is_open(now):
        res.store.sessions.close(session, token, "session.expired")
        return None
    principal = load_principal(res, kind, session.principal_id)
    if principal is None:
        res.store.sessions.close(session, token, "session.revoked")
        return None
    return SignedIn(res.store.sessions.touch(session, token, now), principal)


def sign_out(res: Resources, kind: PrincipalKind, token: str) -> None:
    """Close the session a cookie's token names (nothing happens when there is none)."""
    session = res.store.sessions.find_session(token) if token else None
    if session is not None and session.kind is kind:
        res.store.sessions.close(session, token)
