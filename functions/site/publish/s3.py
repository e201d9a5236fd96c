"""Publishing to an S3 bucket (behind CloudFront or the bucket's website endpoint).

The boto3 client is injected (tests pass one under moto). The manifest lives at
``.ardoise/publication.json``; the listing of the bucket is the truth about what
exists, the manifest only says which content each object holds.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from functions.site.publish.common import FileInfo, chunks

MANIFEST_KEY = ".ardoise/publication.json"
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

    def read_manifest(self) -> dict[str, str]:
        try:
            body = self.client.get_object(Bucket=self.bucket, Key=self.key(MANIFEST_KEY))["Body"].read()
        except self.client.exceptions.NoSuchKey:
            return {}
        try:
            return {str(path): str(signature) for path, signature in json.loads(body).items()}
        except ValueError:
            return {}

    def write_manifest(self, manifest: Mapping[str, str]) -> None:
        body = json.dumps(manifest, separators=(",", ":"), sort_keys=True).encode()
        self.client.put_object(
            Bucket=self.bucket, Key=self.key(MANIFEST_KEY), Body=body,
            ContentType="application/json", CacheControl="no-store",
        )  # fmt: skip

    def list_paths(self) -> set[str]:
        found = set()
        paginator = self.client.get_paginator("list_objects_v2")
        for page in paginator.paginate(Bucket=self.bucket, Prefix=self.prefix):
            for item in page.get("Contents", []):
                path = item["Key"][len(self.prefix) :]
                if not path.startswith(".ardoise/"):
                    found.add(path)
        return found

    def put(self, info: FileInfo, data: bytes) -> None:
        self.client.put_object(
            Bucket=self.bucket,
            Key=self.key(info.path),
            Body=data,
            ContentType=info.content_type,
            CacheControl=info.cache_control,
            Metadata={"ardoise-digest": info.digest},
        )

    def delete(self, paths: list[str]) -> None:
        for batch in chunks(paths, DELETE_BATCH):
            self.client.delete_objects(
                Bucket=self.bucket, Delete={"Objects": [{"Key": self.key(p)} for p in batch], "Quiet": True}
            )
