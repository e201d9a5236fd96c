"""Registry files an operator drops in an S3 bucket, read by byte ranges (never downloaded whole).

A Lambda has 512 MB of ``/tmp`` and 15 minutes; the monthly stock is several
GB. The object is read through ranged ``GetObject`` calls from any offset, so an
import stopped by the time limit carries on from its kept offset at the next
invocation. An object is recognised again by its ETag and size.
"""

from __future__ import annotations

import hashlib
import io
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, BinaryIO

from functions.core.registry.files import CHUNK

if TYPE_CHECKING:  # pragma: no cover
    from mypy_boto3_s3 import S3Client
else:
    S3Client = Any


class _Ranges(io.RawIOBase):
    """A seekable raw stream over one S3 object: one streaming GET per position, reopened after a seek."""

    def __init__(self, client: S3Client, bucket: str, key: str, size: int) -> None:
        self._client, self._bucket, self._key, self._size = client, bucket, key, size
        self._position = 0
        self._body: Any = None

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def tell(self) -> int:
        return self._position

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        base = {io.SEEK_SET: 0, io.SEEK_CUR: self._position, io.SEEK_END: self._size}[whence]
        position = max(0, base + offset)
        if position != self._position:
            self._drop()
            self._position = position
        return position

    def readinto(self, buffer: Any) -> int:
        if self._position >= self._size:
            return 0
        if self._body is None:
            answer = self._client.get_object(Bucket=self._bucket, Key=self._key, Range=f"bytes={self._position}-")
            self._body = answer["Body"]
        data = self._body.read(len(buffer))
        buffer[: len(data)] = data
        self._position += len(data)
        return len(data)

    def _drop(self) -> None:
        if self._body is not None:
            self._body.close()
            self._body = None

    def close(self) -> None:
        self._drop()
        super().close()


@dataclass(frozen=True)
class S3Object:
    """A registry file in a bucket (a :class:`functions.core.usecases.registry_import.SourceFile`)."""

    client: S3Client
    bucket: str
    key: str
    bytes: int
    etag: str

    @property
    def name(self) -> str:
        return self.key.rsplit("/", 1)[-1]

    def size(self) -> int:
        return self.bytes

    def fingerprint(self) -> str:
        return hashlib.sha256(f"s3:{self.etag}:{self.bytes}".encode()).hexdigest()[:32]

    def open(self) -> BinaryIO:
        return io.BufferedReader(_Ranges(self.client, self.bucket, self.key, self.bytes), CHUNK)


def s3_client() -> S3Client:
    """The S3 client of the Lambda's role (boto3 imported only when the registry bucket is read)."""
    import boto3

    return boto3.client("s3")


def list_objects(client: S3Client, bucket: str, prefix: str) -> list[S3Object]:
    """The files under ``prefix``, in key order (name them so that a stock sorts before its daily updates)."""
    found: list[S3Object] = []
    for page in client.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=prefix):
        for entry in page.get("Contents", []):
            if not entry["Key"].endswith("/") and entry["Size"] > 0:
                found.append(S3Object(client, bucket, entry["Key"], entry["Size"], entry["ETag"].strip('"')))
    return sorted(found, key=lambda item: item.key)
