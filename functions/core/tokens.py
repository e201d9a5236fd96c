"""Secrets handed to people (API tokens, private links): random, stored hashed.

Tokens carry 256 random bits, so a fast hash is enough: the store only ever
holds SHA-256 digests and look-ups go by digest, never by the secret itself.
A token that must be given again, identical (a debtor's notice sent a second
time), is derived instead: an HMAC of a stored random seed under the secret
key, as unguessable as a random token for whoever lacks the key.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets


def new_token(prefix: str) -> str:
    """Return a new secret such as ``ard_mbr_...`` (the prefix tells what it opens)."""
    return f"{prefix}_{secrets.token_urlsafe(32)}"


def derived_token(secret: str, prefix: str, message: str) -> str:
    """Return the token ``message`` always gives under ``secret``, shaped like :func:`new_token`'s."""
    digest = hmac.new(secret.encode(), message.encode(), hashlib.sha256).digest()
    return f"{prefix}_{base64.urlsafe_b64encode(digest).rstrip(b'=').decode()}"


def hash_token(token: str) -> str:
    """Return the digest the store keeps in place of a token."""
    return hashlib.sha256(token.encode()).hexdigest()


def same_digest(token: str, digest: str) -> bool:
    """Compare a presented token to a stored digest in constant time."""
    return hmac.compare_digest(hash_token(token), digest)


def sign(secret: str, message: str) -> str:
    """Return the hex HMAC-SHA256 of ``message`` under ``secret``."""
    return hmac.new(secret.encode(), message.encode(), hashlib.sha256).hexdigest()
