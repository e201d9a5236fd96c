"""Publishing to an S3 bucket (behind CloudFront or the bucket's website endpoint).

The boto3 client is injected (tests pass one under moto). The manifest lives at
``.ardoise/publication.json``; the listing of the bucket is the truth about what
exists and, through each object's ETag (returned by the upload, shown by the
listing), whether it is still what the manifest says it is. An ETag is the MD5 of
a single-part upload, or an opaque digest under SSE-KMS: either way a new write
gives a new ETag, which is all the publisher relies on.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from functions.site.publish.common import (
    FileInfo,
    Manifest,
    Published,
    StateMoved,
    chunks,
    decode_manifest,
    encode_manifest,
    pack_state,
    unpack_state,
)

MANIFEST_KEY = ".ardoise/publication.json"
STATE_KEY = ".ardoise/build-state.sqlite.gz"
DELETE_BATCH = 1_000


class S3Target:
    """An S3 bucket, optionally under a key prefix."""

    def __init__(self, bucket: str, client: Any | None = None, prefix: str = "") -> None:
        if client is None:
            import boto3

            client = boto3.client("s3")
        self.bucket = bucket
        self.client = client
        self.prefix = prefix.strip("/") + "/" if prefix.strip("/") else ""

    def key(self, path: str) -> str:
        return self.prefix + path

    def read_manifest(self) -> Manifest:
        try:
            body = self.client.get_object(Bucket=self.bucket, Key=self.key(MANIFEST_KEY))["Body"].read()
        except self.client.exceptions.NoSuchKey:
            return {}
        return decode_manifest(body)

    def write_manifest(self, manifest: Mapping[str, Published]) -> None:
        self.client.put_object(
            Bucket=self.bucket, Key=self.key(MANIFEST_KEY), Body=encode_manifest(manifest),
            ContentType="application/json", CacheControl="no-store",
        )  # fmt: skip

    def list_stamps(self) -> dict[str, str]:
        """Every object -> its ETag: one paginated listing (1,000 keys a request), never a request per object."""
        found = {}
        paginator = self.client.get_paginator("list_objects_v2")
        for page in paginator.paginate(Bucket=self.bucket, Prefix=self.prefix):
            for item in page.get("Contents", []):
                path = item["Key"][len(self.prefix) :]
                if not path.startswith(".ardoise/"):
                    found[path] = _etag(item["ETag"])
        return found

    def put(self, info: FileInfo, data: bytes) -> str:
        answer = self.client.put_object(
            Bucket=self.bucket,
            Key=self.key(info.path),
            Body=data,
            ContentType=info.content_type,
            CacheControl=info.cache_control,
            Metadata={"ardoise-digest": info.digest},
        )
        return _etag(answer["ETag"])

    def state_stamp(self) -> str | None:
        try:
            answer = self.client.head_object(Bucket=self.bucket, Key=self.key(STATE_KEY))
        except self.client.exceptions.ClientError as exc:
            if exc.response.get("Error", {}).get("Code") in ("404", "NoSuchKey", "NotFound"):
                return None
            raise
        return _etag(answer["ETag"])

    def read_state(self, destination: Path) -> str | None:
        try:
            answer = self.client.get_object(Bucket=self.bucket, Key=self.key(STATE_KEY))
        except self.client.exceptions.NoSuchKey:
            return None
        return _etag(answer["ETag"]) if unpack_state(answer["Body"].read(), destination) else None

    def write_state(self, source: Path, expected: str | None) -> str:
        # S3's conditional writes: over that very object, or where there is none.
        condition = {"IfMatch": f'"{expected}"'} if expected is not None else {"IfNoneMatch": "*"}
        try:
            answer = self.client.put_object(
                Bucket=self.bucket, Key=self.key(STATE_KEY), Body=pack_state(source),
                ContentType="application/gzip", CacheControl="no-store", **condition,
            )  # fmt: skip
        except self.client.exceptions.ClientError as exc:
            code = exc.response.get("Error", {}).get("Code")
            if code in ("PreconditionFailed", "ConditionalRequestConflict", "NoSuchKey", "412", "409", "404"):
                raise StateMoved(f"{STATE_KEY}: {code}") from exc
            raise
        return _etag(answer["ETag"])

    def delete(self, paths: list[str]) -> None:
        for batch in chunks(paths, DELETE_BATCH):
            self.client.delete_objects(
                Bucket=self.bucket, Delete={"Objects": [{"Key": self.key(p)} for p in batch], "Quiet": True}
            )


def _etag(value: str) -> str:
    """S3 quotes its ETags (``"9b2c..."``); the manifest keeps the bare value."""
    return value.strip('"')
