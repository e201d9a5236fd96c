"""Debtors' evidence files: a local folder, or an S3 bucket with presigned uploads.

Files never pass through a Lambda in production: the debtor's browser posts
them straight to S3 with a presigned POST whose policy caps the size at 5 MB
and fixes the key and content type. Locally, the directory API receives the
upload itself (``PUT /replies/{token}/evidence/{id}``) and writes the folder.
Either way, a dispute only cites files whose stored size is then checked,
and records each one's SHA-256. Locally a file is written once (a second
upload to the same key is refused); a presigned POST may be replayed until it
expires (15 minutes), which is why the digest recorded at dispute time, checked
again at each moderator download, is what proves a file unchanged.
"""

from __future__ import annotations

import os
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from functions.core.domain.evidence import MAX_EVIDENCE_BYTES

UPLOAD_SECONDS = 15 * 60


class EvidenceAlreadyStored(FileExistsError):
    """A file was already stored under this key: evidence is never replaced."""


@dataclass(frozen=True)
class Upload:
    """How a client sends one file: method, URL and, for S3, the policy's form fields."""

    method: str
    url: str
    fields: dict[str, str] = field(default_factory=dict)
    max_bytes: int = MAX_EVIDENCE_BYTES


class EvidenceStorage(Protocol):
    """Where evidence files live."""

    def upload(self, key: str, content_type: str, size: int, local_url: str) -> Upload:
        """Return how to upload ``key``, of exactly ``size`` bytes (``local_url`` is the API's own address)."""

    def write(self, key: str, content: bytes) -> None:
        """Store a file received by the API (local folder only), once: raise EvidenceAlreadyStored after."""

    def size(self, key: str) -> int | None:
        """Return the stored size of ``key``, or None when nothing was uploaded."""

    def read(self, key: str) -> bytes:
        """Return a stored file's content (moderators, exports)."""

    def delete(self, key: str) -> None:
        """Delete a file if present (retention)."""


class EvidenceFolder:
    """Files under a local folder, one sub-folder per report."""

    def __init__(self, root: str | Path) -> None:
        self.root = Path(root)

    def _path(self, key: str) -> Path:
        path = (self.root / key).resolve()
        if self.root.resolve() not in path.parents:
            raise ValueError(f"evidence key escapes its folder: {key!r}")
        return path

    def upload(self, key: str, content_type: str, size: int, local_url: str) -> Upload:
        # The API checks size and content itself when the file arrives (replies.receive_upload).
        return Upload("PUT", local_url, {"Content-Type": content_type})

    def write(self, key: str, content: bytes) -> None:
        if len(content) > MAX_EVIDENCE_BYTES:
            raise ValueError("evidence larger than 5 MB")
        path = self._path(key)
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.with_name(f".{path.name}.{uuid.uuid4().hex}.tmp")
        temporary.write_bytes(content)
        try:
            # A hard link publishes the whole file at once and, unlike a rename, never replaces one.
            os.link(temporary, path)
        except FileExistsError as exc:
            raise EvidenceAlreadyStored(key) from exc
        finally:
            temporary.unlink()

    def size(self, key: str) -> int | None:
        path = self._path(key)
        return path.stat().st_size if path.exists() else None

    def read(self, key: str) -> bytes:
        return self._path(key).read_bytes()

    def delete(self, key: str) -> None:
        self._path(key).unlink(missing_ok=True)


class EvidenceBucket:
    """Files in S3; uploads by presigned POST limited to 5 MB."""

    def __init__(self, bucket: str, prefix: str = "", client: Any = None, region: str = "eu-west-3") -> None:
        if client is None:
            import boto3  # deferred: local runs never pay for it

            client = boto3.client("s3", region_name=region)
        self.bucket, self.prefix, self.client = bucket, prefix.strip("/"), client

    def _key(self, key: str) -> str:
        return f"{self.prefix}/{key}" if self.prefix else key

    def upload(self, key: str, content_type: str, size: int, local_url: str) -> Upload:
        # S3 refuses a form whose Content-Type differs from the declared one (an exact-match condition)
        # or whose file is not exactly the declared size; the bytes are checked when a dispute cites them.
        post = self.client.generate_presigned_post(
            Bucket=self.bucket,
            Key=self._key(key),
            Fields={"Content-Type": content_type},
            Conditions=[{"Content-Type": content_type}, ["content-length-range", size, size]],
            ExpiresIn=UPLOAD_SECONDS,
        )
        return Upload("POST", post["url"], dict(post["fields"]))

    def write(self, key: str, content: bytes) -> None:
        """Store a file the function itself received (a web space's form); never replace one."""
        if len(content) > MAX_EVIDENCE_BYTES:
            raise ValueError("evidence larger than 5 MB")
        try:
            # If-None-Match: S3 refuses (412) to write over an object already stored under the key.
            self.client.put_object(Bucket=self.bucket, Key=self._key(key), Body=content, IfNoneMatch="*")
        except self.client.exceptions.ClientError as exc:
            if exc.response.get("Error", {}).get("Code") in {"PreconditionFailed", "412"}:
                raise EvidenceAlreadyStored(key) from exc
            raise

    def size(self, key: str) -> int | None:
        try:
            head = self.client.head_object(Bucket=self.bucket, Key=self._key(key))
        except self.client.exceptions.ClientError as exc:
            if exc.response.get("Error", {}).get("Code") in {"404", "NoSuchKey", "NotFound"}:
                return None
            raise
        return int(head["ContentLength"])

    def read(self, key: str) -> bytes:
        return bytes(self.client.get_object(Bucket=self.bucket, Key=self._key(key))["Body"].read())

    def delete(self, key: str) -> None:
        self.client.delete_object(Bucket=self.bucket, Key=self._key(key))


def stored_bytes(storage: EvidenceStorage, key: str) -> bytes | None:
    """A stored file's bytes, or None when nothing was uploaded under ``key``."""
    return storage.read(key) if storage.size(key) is not None else None


def evidence_storage(url: str, *, s3_client: Any = None) -> EvidenceStorage:
    """Open the storage a setting names: ``folder:PATH`` or ``s3://BUCKET/PREFIX``."""
    if url.startswith("folder:"):
        return EvidenceFolder(url.removeprefix("folder:"))
    if url.startswith("s3://"):
        bucket, _, prefix = url.removeprefix("s3://").partition("/")
        return EvidenceBucket(bucket, prefix, s3_client)
    raise ValueError(f"unknown evidence storage {url!r}: use folder:PATH or s3://BUCKET/PREFIX")
