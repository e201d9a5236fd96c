"""Secrets handed to people (API tokens, private links): random, stored hashed.

Tokens carry 256 random bits, so a fast hash is enough: the store only ever
holds SHA-256 digests and look-ups go by digest, never by the secret itself.
A token that must be given again, identical (a debtor's notice sent a second
time), is derived instead: an HMAC of a stored random seed under the secret
key, as unguessable as a random token for whoever lacks the key.
The few records that must be read back yet may show a secret (a replayed
response) are sealed with a key derived from the platform's secret.
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


# -- sealed records ---------------------------------------------------------------
# Records that must not be readable from the store alone (a replayed response may
# show a token once more) are encrypted and authenticated with keys derived from
# the platform's secret: HMAC-SHA256 as a pseudo-random function in counter mode
# for the key stream, then HMAC-SHA256 over nonce and ciphertext (encrypt-then-MAC).
_NONCE_BYTES = 16
_BLOCK = hashlib.sha256().digest_size


def derive_key(secret: str, purpose: str) -> bytes:
    """Return a 256-bit key for one purpose (one record) from the platform's secret."""
    return hmac.digest(secret.encode(), purpose.encode(), "sha256")


def _keystream(key: bytes, nonce: bytes, length: int) -> bytes:
    blocks = (length + _BLOCK - 1) // _BLOCK
    return b"".join(hmac.digest(key, nonce + counter.to_bytes(8, "big"), "sha256") for counter in range(blocks))[
        :length
    ]


def _xor(data: bytes, stream: bytes) -> bytes:
    return (int.from_bytes(data, "big") ^ int.from_bytes(stream, "big")).to_bytes(len(data), "big")


def seal(key: bytes, plaintext: bytes) -> str:
    """Encrypt and authenticate ``plaintext``; return it as URL-safe text."""
    encrypt, authenticate = hmac.digest(key, b"encrypt", "sha256"), hmac.digest(key, b"authenticate", "sha256")
    nonce = secrets.token_bytes(_NONCE_BYTES)
    cipher = _xor(plaintext, _keystream(encrypt, nonce, len(plaintext)))
    tag = hmac.digest(authenticate, nonce + cipher, "sha256")
    return base64.urlsafe_b64encode(nonce + cipher + tag).decode()


def unseal(key: bytes, sealed: str) -> bytes | None:
    """Return what :func:`seal` sealed under ``key``; None when altered, truncated or sealed under another key."""
    try:
        raw = base64.urlsafe_b64decode(sealed.encode())
    except ValueError:
        return None
    if len(raw) < _NONCE_BYTES + _BLOCK:
        return None
    nonce, cipher, tag = raw[:_NONCE_BYTES], raw[_NONCE_BYTES:-_BLOCK], raw[-_BLOCK:]
    encrypt, authenticate = hmac.digest(key, b"encrypt", "sha256"), hmac.digest(key, b"authenticate", "sha256")
    if not hmac.compare_digest(tag, hmac.digest(authenticate, nonce + cipher, "sha256")):
        return None
    return _xor(cipher, _keystream(encrypt, nonce, len(cipher)))
