"""Publishing to S3 (moto) and to a folder: order, headers, unchanged files skipped, recovery after a crash."""

from __future__ import annotations

import json
import posixpath
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest
from moto import mock_aws

from functions.core.identifiers import with_check_digit
from functions.site.builder import SiteBuilder
from functions.site.handwritten import HandwrittenInputs
from functions.site.publish.common import DAY, IMMUTABLE, SHORT, FileInfo, plan_publish, publish, publish_rank
from functions.site.publish.folder import MANIFEST, FolderTarget
from functions.site.publish.s3 import S3Target
from tests.site.factories import make_record, make_signatory, make_snapshot, many_records

BUCKET = "ardoise-site"
_LINK = re.compile(r'(?:href|src)="([^"#?]*)')


class Interrupted(RuntimeError):
    """The publish process died here."""


class RecordingTarget(S3Target):
    """An S3 target that notes every upload and deletion, and can die after ``fail_after`` uploads."""

    def __init__(self, client: Any, fail_after: int | None = None) -> None:
        super().__init__(BUCKET, client)
        self.log: list[tuple[str, str]] = []
        self.fail_after = fail_after

    def put(self, info: FileInfo, data: bytes) -> str:
        if self.fail_after is not None and sum(op == "put" for op, _ in self.log) >= self.fail_after:
            raise Interrupted(info.path)
        stamp = super().put(info, data)
        self.log.append(("put", info.path))
        return stamp

    def delete(self, paths: list[str]) -> None:
        super().delete(paths)
        self.log += [("delete", path) for path in paths]


@pytest.fixture
def s3() -> Iterator[Any]:
    with mock_aws():
        client = boto3.client("s3", region_name="eu-west-3")
        client.create_bucket(Bucket=BUCKET, CreateBucketConfiguration={"LocationConstraint": "eu-west-3"})
        yield client


def built_files(builder: SiteBuilder) -> dict[str, str]:
    return {path: content for path, (_, content) in builder.load_state().files.items()}


def bucket_sizes(client: Any) -> dict[str, int]:
    pages = client.get_paginator("list_objects_v2").paginate(Bucket=BUCKET)
    found = {item["Key"]: item["Size"] for page in pages for item in page.get("Contents", [])}
    return {key: size for key, size in found.items() if not key.startswith(".ardoise/")}


def bucket_keys(client: Any) -> set[str]:
    return set(bucket_sizes(client))


def dangling_links(client: Any) -> list[str]:
    """Every relative link of every page, and every company a search shard names, must exist in the bucket."""
    sizes = bucket_sizes(client)
    keys = set(sizes)
    missing = []
    for key in keys:
        if not key.endswith(".html") and not (key.startswith("recherche/") and sizes[key] > 20):
            continue  # assets and empty search roots name nothing
        body = client.get_object(Bucket=BUCKET, Key=key)["Body"].read()
        if key.endswith(".html"):
            for link in _LINK.findall(body.decode()):
                if not link or link.startswith(("http:", "https:", "mailto:", "data:", "/")):
                    continue
                target = posixpath.normpath(posixpath.join(posixpath.dirname(key), link))
                if link.endswith("/") or target == ".":
                    target = posixpath.join("" if target == "." else target, "index.html")
                if target not in keys:
                    missing.append(f"{key} -> {link}")
        elif key.startswith("recherche/"):
            for row in json.loads(body).get("r", []):
                if f"entreprises/{row[3]}/index.html" not in keys:
                    missing.append(f"{key} -> {row[3]}")
    return missing


class Versions:
    """A site built again and again in place, each version renaming, removing and adding companies."""

    def __init__(self, make_builder: Callable[..., SiteBuilder], inputs: HandwrittenInputs) -> None:
        self.records = [*many_records(150), make_signatory()]
        self.inputs = inputs
        self.builder = make_builder()
        self.version = 0
        self.builder.build(make_snapshot(*self.records), inputs)

    def next(self) -> None:
        """Rename a quarter of the companies, drop five, add one."""
        self.version += 1
        suffix = f" {self.version}"
        renamed = [
            make_record(siren=r.siren, name=r.name + suffix) if i % 4 == 0 else r for i, r in enumerate(self.records)
        ]
        added = make_record(
            siren=with_check_digit(f"{40_483_300 + self.version:08d}"), name=f"Menuiserie Dubois{suffix}"
        )
        self.records = [*renamed[5:], added]
        self.builder.build(make_snapshot(*self.records), self.inputs)

    @property
    def files(self) -> dict[str, str]:
        return built_files(self.builder)

    @property
    def out(self) -> Path:
        return self.builder.out


def test_a_first_publish_uploads_assets_then_pages_then_lists_and_sets_the_headers(
    make_builder: Callable[..., SiteBuilder], inputs: HandwrittenInputs, s3: Any
) -> None:
    site = Versions(make_builder, inputs)
    target = RecordingTarget(s3)
    report = publish(site.out, site.files, target)
    order = [publish_rank(path) for op, path in target.log if op == "put"]
    assert order == sorted(order) and order[0] == 0 and order[-1] == 6
    assert target.log[-1] == ("put", "sitemap.xml")
    assert len(report.uploaded) == len(site.files) and report.skipped == 0
    # Our fingerprinted stylesheet (a content hash in its name), not the spaces' stable-named one.
    ours = re.compile(r"assets/ardoise/ardoise\.[0-9a-f]{8,}\.css")
    css = next(key for key in sorted(bucket_keys(s3)) if ours.fullmatch(key))
    for key, content_type, cache in (
        ("index.html", "text/html; charset=utf-8", SHORT),
        ("entreprises/page/e/index.html", "text/html; charset=utf-8", SHORT),
        (css, "text/css; charset=utf-8", IMMUTABLE),
        # The web spaces link it by a stable name: it may change under that name, so a day, not a year.
        ("assets/ardoise/espaces.css", "text/css; charset=utf-8", DAY),
        ("assets/ardoise/espaces.js", "text/javascript; charset=utf-8", DAY),  # their script, by the same rule
        ("recherche/en.json", "application/json", SHORT),
        ("sitemap.xml", "application/xml", SHORT),
        ("assets/images/favicon.png", "image/png", DAY),
    ):
        head = s3.head_object(Bucket=BUCKET, Key=key)
        assert (head["ContentType"], head["CacheControl"]) == (content_type, cache), key
    assert dangling_links(s3) == []


def test_unchanged_files_are_skipped_and_a_change_uploads_only_what_changed(
    make_builder: Callable[..., SiteBuilder], inputs: HandwrittenInputs, s3: Any
) -> None:
    site = Versions(make_builder, inputs)
    publish(site.out, site.files, S3Target(BUCKET, s3))
    again = publish(site.out, site.files, RecordingTarget(s3))
    assert again.uploaded == [] and again.deleted == [] and again.skipped == len(site.files)
    site.next()
    target = RecordingTarget(s3)
    report = publish(site.out, site.files, target)
    assert 0 < len(report.uploaded) < len(site.files) // 4
    assert len(report.deleted) >= 5 and all(op == "delete" for op, _ in target.log[-len(report.deleted) :])
    assert bucket_keys(s3) == set(site.files)
    assert dangling_links(s3) == []


def test_a_publish_interrupted_at_any_point_leaves_a_consistent_site_and_the_next_one_completes_it(
    make_builder: Callable[..., SiteBuilder], inputs: HandwrittenInputs, s3: Any
) -> None:
    site = Versions(make_builder, inputs)
    publish(site.out, site.files, S3Target(BUCKET, s3))
    for share in (0.0, 0.1, 0.5, 0.95):
        site.next()
        target = S3Target(BUCKET, s3)
        local = {path: FileInfo(path, content) for path, content in site.files.items()}
        planned = sum(map(len, plan_publish(local, target.read_manifest(), target.list_stamps()).steps))
        assert planned > 30
        before = target.read_manifest()
        with pytest.raises(Interrupted):
            publish(site.out, site.files, RecordingTarget(s3, fail_after=int(planned * share)), threads=1)
        assert dangling_links(s3) == [], share
        recorded = {path for path, entry in target.read_manifest().items() if before.get(path) != entry}
        report = publish(site.out, site.files, RecordingTarget(s3))
        assert bucket_keys(s3) == set(site.files) and dangling_links(s3) == [], share
        # What the stopped run recorded in the manifest (after each finished step) is not sent again.
        assert len(report.uploaded) == planned - len(recorded) and not recorded & set(report.uploaded)
        for key in ("index.html", "entreprises/index.html"):
            assert s3.get_object(Bucket=BUCKET, Key=key)["Body"].read() == site.builder.read(key)


def test_a_folder_receives_the_same_files_and_loses_the_stale_ones(
    make_builder: Callable[..., SiteBuilder], inputs: HandwrittenInputs, tmp_path: Path
) -> None:
    site = Versions(make_builder, inputs)
    folder = tmp_path / "site"
    publish(site.out, site.files, FolderTarget(folder))
    before = set(site.files)
    site.next()
    report = publish(site.out, site.files, FolderTarget(folder))
    present = {p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file()}
    assert present == set(site.files) | {MANIFEST}
    assert set(report.deleted) == before - set(site.files) and len(report.deleted) >= 5
    assert not any(p.name.endswith(".ardoise-tmp") for p in folder.rglob("*"))
    assert (folder / "index.html").read_bytes() == (site.out / "index.html").read_bytes()


class DiesInTheSearchStep:
    """A target (S3 or folder) whose publish dies after ``shards`` search shards were written."""

    def __init__(self, target: Any, shards: int) -> None:
        self.target = target
        self.shards = shards
        self.written: list[str] = []

    def __getattr__(self, name: str) -> Any:
        return getattr(self.target, name)

    def put(self, info: FileInfo, data: bytes) -> Any:
        if info.path.startswith("recherche/"):
            if self.shards == 0:
                raise Interrupted(info.path)
            self.shards -= 1
            self.written.append(info.path)
        return self.target.put(info, data)


def held_by(target: Any, s3: Any) -> dict[str, bytes]:
    """Every published file the target holds, with its bytes."""
    if isinstance(target, S3Target):
        return {key: s3.get_object(Bucket=BUCKET, Key=key)["Body"].read() for key in bucket_keys(s3)}
    root = target.root
    return {
        p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*") if p.is_file() and p.name != MANIFEST
    }


@pytest.mark.parametrize("kind", ["s3", "folder"])
def test_a_publish_killed_in_the_search_step_then_reverted_is_repaired_by_the_next_publish(
    make_builder: Callable[..., SiteBuilder], inputs: HandwrittenInputs, s3: Any, tmp_path: Path, kind: str
) -> None:
    site = Versions(make_builder, inputs)
    first = list(site.records)
    target = S3Target(BUCKET, s3) if kind == "s3" else FolderTarget(tmp_path / "site")
    publish(site.out, site.files, target)
    withdrawn = make_record(siren="390000024", name="Sonorisation Nord")  # its name and SIREN touch so, no, 39
    site.builder.build(make_snapshot(*first, withdrawn), inputs)
    dying = DiesInTheSearchStep(target, shards=2)
    with pytest.raises(Interrupted):
        publish(site.out, site.files, dying, threads=1)
    site.builder.build(make_snapshot(*first), inputs)  # the company is withdrawn: back to the first version
    fresh = S3Target(BUCKET, s3) if kind == "s3" else FolderTarget(tmp_path / "site")  # another process
    report = publish(site.out, site.files, fresh)
    # Only the shards the dead publish wrote differ from what the manifest says: they alone are sent again.
    assert len(dying.written) == 2
    assert {path for path in report.uploaded if path.startswith("recherche/")} == set(dying.written)
    held = held_by(fresh, s3)
    assert held.keys() == site.files.keys()
    assert [path for path, data in held.items() if data != site.builder.read(path)] == []
    assert not any(b"Sonorisation" in data for data in held.values())


def test_a_publish_with_nothing_to_do_reads_the_manifest_and_lists_the_bucket_once(
    make_builder: Callable[..., SiteBuilder], inputs: HandwrittenInputs, s3: Any
) -> None:
    site = Versions(make_builder, inputs)
    publish(site.out, site.files, S3Target(BUCKET, s3))
    calls: list[str] = []
    s3.meta.events.register("before-call.s3", lambda model, **_: calls.append(model.name))
    report = publish(site.out, site.files, S3Target(BUCKET, s3))
    assert report.uploaded == [] and report.deleted == [] and report.skipped == len(site.files)
    pages = -(-(len(site.files) + 1) // 1000)  # 1,000 keys a listing page, the manifest included
    assert len(site.files) > 1000 and calls == ["GetObject"] + ["ListObjectsV2"] * pages


@pytest.mark.parametrize("kind", ["s3", "folder"])
def test_a_file_changed_in_the_target_behind_the_manifest_s_back_is_published_again(
    make_builder: Callable[..., SiteBuilder], inputs: HandwrittenInputs, s3: Any, tmp_path: Path, kind: str
) -> None:
    site = Versions(make_builder, inputs)
    target = S3Target(BUCKET, s3) if kind == "s3" else FolderTarget(tmp_path / "site")
    publish(site.out, site.files, target)
    tampered = "recherche/en.json"
    if kind == "s3":
        s3.put_object(Bucket=BUCKET, Key=tampered, Body=b'{"r": []}')
    else:
        (tmp_path / "site" / tampered).write_bytes(b'{"r": []}')
    report = publish(site.out, site.files, target)
    assert report.uploaded == [tampered]
    assert held_by(target, s3)[tampered] == site.builder.read(tampered)


def test_a_manifest_of_the_former_format_means_one_full_upload_then_none(
    make_builder: Callable[..., SiteBuilder], inputs: HandwrittenInputs, tmp_path: Path
) -> None:
    site = Versions(make_builder, inputs)
    target = FolderTarget(tmp_path / "site")
    publish(site.out, site.files, target)
    (tmp_path / "site" / MANIFEST).write_text(json.dumps({path: "old signature" for path in site.files}))
    assert len(publish(site.out, site.files, target).uploaded) == len(site.files)
    assert publish(site.out, site.files, FolderTarget(tmp_path / "site")).uploaded == []
