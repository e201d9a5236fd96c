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


# Crockford's base 32: no I, L, O nor U, so that a code read off paper is typed right;
# typed I/L and O are read as 1 and 0, and case, spaces and dashes do not matter.
CODE_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
CODE_LENGTH = 10  # 50 bits: guessing is held off by the rate limit of the page that takes codes
_TYPED_AS = str.maketrans({"I": "1", "L": "1", "O": "0"})


def derived_code(secret: str, message: str) -> str:
    """Return the short code ``message`` always gives under ``secret`` (``CODE_LENGTH`` characters)."""
    number = int.from_bytes(hmac.new(secret.encode(), message.encode(), hashlib.sha256).digest(), "big")
    return "".join(CODE_ALPHABET[(number >> (5 * i)) & 31] for i in range(CODE_LENGTH))


def read_code(typed: str) -> str | None:
    """Return the code a person typed ("k7pm3 qxd9f", "K7PM3-QXD9F"), or None if it cannot be one."""
    code = "".join(ch for ch in typed.upper() if ch not in " -.\u00a0\u202f\t").translate(_TYPED_AS)
    if len(code) != CODE_LENGTH or any(ch not in CODE_ALPHABET for ch in code):
        return None
    return code


def grouped_code(code: str) -> str:
    """``K7PM3-QXD9F``: two groups of five, easier to read out and to type."""
    half = len(code) // 2
    return f"{code[:half]}-{code[half:]}"
