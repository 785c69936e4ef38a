"""The object store's contract, held by both stores: a local folder (file://) and S3 over real
HTTP (moto's S3 server on a free local port, reached through obstore's own client)."""

from __future__ import annotations

import os
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from slidespeaker.common.object_store import (
    PART_SIZE,
    MissingObject,
    ObjectStore,
    StoreError,
)
from slidespeaker.common.settings import Settings

from .stores import new_bucket, s3_access


@pytest.fixture(params=["file", "s3"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> ObjectStore:
    if request.param == "file":
        return ObjectStore((tmp_path / "store").as_uri())
    endpoint: str = request.getfixturevalue("s3_endpoint")
    bucket = f"slides-{request.node.name.partition('[')[0].replace('_', '-')}"[:63]
    new_bucket(endpoint, bucket)
    return ObjectStore(f"s3://{bucket}/team", s3_access(endpoint))


def test_round_trips(store: ObjectStore, tmp_path: Path) -> None:
    store.put_bytes("jobs/a/deck.pptx", b"deck")
    assert store.get_bytes("jobs/a/deck.pptx") == b"deck"
    assert store.exists("jobs/a/deck.pptx")
    assert store.size("jobs/a/deck.pptx") == 4

    store.put_bytes("jobs/a/deck.pptx", b"another deck")
    assert store.get_bytes("jobs/a/deck.pptx") == b"another deck"

    source = tmp_path / "slide.png"
    source.write_bytes(b"\x89PNG" + bytes(range(256)))
    store.put_file("jobs/a/slides/slide-001.png", source)
    fetched = tmp_path / "scratch" / "slide.png"
    store.fetch("jobs/a/slides/slide-001.png", fetched)
    assert fetched.read_bytes() == source.read_bytes()

    store.delete("jobs/a/deck.pptx")
    assert not store.exists("jobs/a/deck.pptx")
    store.delete("jobs/a/deck.pptx")  # already gone: no error


def test_a_big_file_streams_through_in_parts(store: ObjectStore, tmp_path: Path) -> None:
    source = tmp_path / "video.mp4"
    source.write_bytes(os.urandom(2 * PART_SIZE + 12345))  # three parts, the last one short
    store.put_file("jobs/a/output/video.mp4", source)
    assert store.size("jobs/a/output/video.mp4") == source.stat().st_size

    fetched = tmp_path / "scratch" / "video.mp4"
    store.fetch("jobs/a/output/video.mp4", fetched)
    assert fetched.read_bytes() == source.read_bytes()
    assert [p.name for p in fetched.parent.iterdir()] == ["video.mp4"]  # no temporary left


def test_ranged_read(store: ObjectStore) -> None:
    data = bytes(range(256)) * 40
    store.put_bytes("jobs/a/output/video.mp4", data)
    assert store.read_range("jobs/a/output/video.mp4", 0, 1) == data[:1]
    assert store.read_range("jobs/a/output/video.mp4", 1000, 5000) == data[1000:5000]
    assert store.read_range("jobs/a/output/video.mp4", 10_000, 10_240) == data[10_000:]


def test_listing_below_a_prefix(store: ObjectStore) -> None:
    before = time.time() - 5
    for key in ("jobs/a/deck.pdf", "jobs/a/slides/slide-001.png", "jobs/ab/deck.pdf", "x/y"):
        store.put_bytes(key, key.encode())

    listed = {stored.key: stored for stored in store.list_below("jobs/a")}
    assert set(listed) == {"jobs/a/deck.pdf", "jobs/a/slides/slide-001.png"}
    assert listed["jobs/a/deck.pdf"].size == len(b"jobs/a/deck.pdf")
    assert all(before <= stored.modified <= time.time() + 5 for stored in listed.values())
    assert {s.key for s in store.list_below("jobs")} == set(listed) | {"jobs/ab/deck.pdf"}
    assert list(store.list_below("nothing/here")) == []


def test_delete_below_a_prefix(store: ObjectStore) -> None:
    for key in ("jobs/a/deck.pdf", "jobs/a/slides/slide-001.png", "jobs/ab/deck.pdf"):
        store.put_bytes(key, b"x")
    store.delete_below("jobs/a")
    assert list(store.list_below("jobs/a")) == []
    assert store.exists("jobs/ab/deck.pdf")
    store.delete_below("jobs/a")  # nothing left: no error


def test_a_missing_key_is_named(store: ObjectStore, tmp_path: Path) -> None:
    for read in (
        lambda: store.get_bytes("jobs/a/none"),
        lambda: store.size("jobs/a/none"),
        lambda: store.read_range("jobs/a/none", 0, 1),
        lambda: store.fetch("jobs/a/none", tmp_path / "none"),
    ):
        with pytest.raises(MissingObject, match="jobs/a/none") as raised:
            read()
        assert store.url in str(raised.value)
    assert not (tmp_path / "none").exists()
    assert not store.exists("jobs/a/none")


def test_keys_stay_inside_the_store(store: ObjectStore) -> None:
    for key in ("../outside", "jobs//a", "/jobs/a", ""):
        with pytest.raises(ValueError, match="not an artifact key"):
            store.put_bytes(key, b"x")


def test_a_missing_bucket_fails_naming_the_store(s3_endpoint: str) -> None:
    store = ObjectStore("s3://no-such-bucket/team", s3_access(s3_endpoint))
    for operation in (
        lambda: store.put_bytes("jobs/a/deck.pdf", b"x"),
        lambda: store.get_bytes("jobs/a/deck.pdf"),
        lambda: list(store.list_below("jobs")),
    ):
        with pytest.raises(StoreError, match="s3://no-such-bucket/team"):
            operation()


def test_the_url_comes_from_the_settings(tmp_path: Path, s3_endpoint: str) -> None:
    default = Settings(home=tmp_path / "home")
    assert ObjectStore.from_settings(default).url == (tmp_path / "home/artifacts").as_uri()

    urllib.request.urlopen(urllib.request.Request(f"{s3_endpoint}/configured", method="PUT"))
    configured = Settings(
        storage_url="s3://configured/prefix",
        aws_endpoint_url=s3_endpoint,
        aws_access_key_id="test",
        aws_secret_access_key="test",
        aws_region="us-east-1",
    )
    ObjectStore.from_settings(configured).put_bytes("jobs/a/deck.pdf", b"deck")
    assert (
        ObjectStore("s3://configured", s3_access(s3_endpoint)).get_bytes("prefix/jobs/a/deck.pdf")
        == b"deck"
    )


def test_an_unknown_scheme_is_refused() -> None:
    with pytest.raises(StoreError, match="neither file:///PATH nor s3://BUCKET"):
        ObjectStore("ftp://host/folder")


def test_of_processes_racing_to_create_a_key_exactly_one_wins(store: ObjectStore) -> None:
    with ThreadPoolExecutor(8) as pool:
        won = list(pool.map(lambda n: store.create("cache/claim", str(n).encode()), range(8)))
    assert won.count(True) == 1
    assert store.get_bytes("cache/claim") == str(won.index(True)).encode()


def test_a_copy_and_a_range_stay_in_the_store(store: ObjectStore) -> None:
    store.put_bytes("jobs/a/deck.pdf", bytes(range(256)))
    store.copy("jobs/a/deck.pdf", "jobs/b/deck.pdf")
    assert store.get_bytes("jobs/b/deck.pdf") == bytes(range(256))
    assert b"".join(store.chunks("jobs/b/deck.pdf", 10, 20)) == bytes(range(10, 20))
    assert b"".join(store.chunks("jobs/b/deck.pdf", 250)) == bytes(range(250, 256))
