"""Sealed records: only the key they were sealed under opens them, and any change is detected."""

from __future__ import annotations

import base64

from functions.core.tokens import derive_key, seal, unseal

KEY = derive_key("test-secret-key-not-for-production", "idempotency:IDEMPOTENCY#0123")


def test_a_sealed_record_opens_with_its_key_and_hides_its_content() -> None:
    plaintext = b'{"api_token":"ard_mbr_s3cr3t"}' * 40
    sealed = seal(KEY, plaintext)
    assert unseal(KEY, sealed) == plaintext
    assert b"ard_mbr" not in base64.urlsafe_b64decode(sealed)
    assert seal(KEY, plaintext) != sealed  # a fresh nonce each time


def test_an_empty_record_round_trips() -> None:
    assert unseal(KEY, seal(KEY, b"")) == b""


def test_another_key_or_another_record_opens_nothing() -> None:
    sealed = seal(KEY, b"201 Created")
    assert unseal(derive_key("test-secret-key-not-for-production", "idempotency:IDEMPOTENCY#4567"), sealed) is None
    assert unseal(derive_key("another-secret", "idempotency:IDEMPOTENCY#0123"), sealed) is None


def test_an_altered_or_truncated_record_opens_nothing() -> None:
    raw = bytearray(base64.urlsafe_b64decode(seal(KEY, b"201 Created")))
    raw[20] ^= 1
    assert unseal(KEY, base64.urlsafe_b64encode(bytes(raw)).decode()) is None
    assert unseal(KEY, base64.urlsafe_b64encode(bytes(raw[:40])).decode()) is None
    assert unseal(KEY, "not base64 !") is None
