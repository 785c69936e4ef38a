"""Stores for tests: a local folder, and S3 over real HTTP (moto's S3 server on a free local
port, reached through the project's own obstore client)."""

from __future__ import annotations

import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from moto.server import ThreadedMotoServer

from slidespeaker.common.object_store import ObjectStore, S3Access
from slidespeaker.common.storage import Storage

# moto accepts any credentials; these are what the services are given too.
S3_ENV = {"AWS_ACCESS_KEY_ID": "test", "AWS_SECRET_ACCESS_KEY": "test", "AWS_REGION": "us-east-1"}


@contextmanager
def s3_server() -> Iterator[str]:
    """A moto S3 server; its endpoint URL."""
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    try:
        yield f"http://{host}:{port}"
    finally:
        server.stop()


def s3_access(endpoint: str) -> S3Access:
    return S3Access(
        endpoint,
        access_key_id=S3_ENV["AWS_ACCESS_KEY_ID"],
        secret_access_key=S3_ENV["AWS_SECRET_ACCESS_KEY"],
        region=S3_ENV["AWS_REGION"],
    )


def new_bucket(endpoint: str, name: str) -> None:
    urllib.request.urlopen(urllib.request.Request(f"{endpoint}/{name}", method="PUT"))


def local_storage(folder: Path) -> Storage:
    """A file:// store in `folder`/store, with `folder`/scratch as its scratch."""
    return Storage(ObjectStore((folder / "store").as_uri()), folder / "scratch")
