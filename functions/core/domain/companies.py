"""A company as the directory knows it: its identity, and why the public may know of it.

The identity is public information (SIREN, name, address; ``verified`` when it
comes from the official registry rather than from what someone typed). The
company's presence (``domain/visibility.py``'s :class:`Presence`) changes with
the two events below; the store persists the results, with the public index
that follows from them (``store/companies.py``).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date

from functions.core.domain.visibility import Presence


@dataclass(frozen=True)
class Company:
    """What the directory knows of a company's identity (public information)."""

    siren: str
    name: str
    address: str = ""
    postal_code: str = ""
    city: str = ""
    verified: bool = False  # taken from the official registry (SIRENE), not from what someone typed
    ceased_on: date | None = None  # SIRENE says the company ceased that day (état administratif C)


def kept_identity(known: Company | None, offered: Company) -> Company:
    """The identity to keep when a company's presence changes: the one Ardoise knows, else the one offered."""
    return known if known is not None else offered


def signed(presence: Presence) -> Presence:
    """A charter signatory is public for good: the register is public, and it made itself known."""
    return replace(presence, signatory=True)


def with_listing(presence: Presence, listed: bool) -> Presence:
    """The company entered (``listed``) or left the listing; a signature keeps it public either way."""
    return replace(presence, listed=listed)
