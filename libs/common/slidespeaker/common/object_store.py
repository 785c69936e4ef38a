"""The object store: every artifact key (storage_keys.py) kept in a store named by a URL,
`file:///path` (a local folder) or `s3://BUCKET[/PREFIX]` (AWS S3 or an S3-compatible store).

Both go through obstore (Rust's object_store), so one code path serves a laptop and a fleet:
files stream in and out in chunks (multipart uploads above `PART_SIZE`), never whole in memory.
Writes are atomic in both: an S3 object appears when its upload completes, a local file is
renamed into place, so a reader never sees half an artifact.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import unquote, urlsplit

from obstore.exceptions import (
    AlreadyExistsError,
    BaseError,
    PermissionDeniedError,
    UnauthenticatedError,
)
from obstore.store import LocalStore, S3Store
from obstore.store import ObjectStore as AnyStore

from slidespeaker.common.settings import Settings

if TYPE_CHECKING:
    from obstore import GetOptions
    from obstore.store import S3Config

# S3's smallest part but the last; bigger files upload as parts of this size, a few at once.
PART_SIZE = 5 * 1024 * 1024
PARTS_AT_ONCE = 4
# How much of a download is held in memory at a time.
CHUNK_SIZE = 1024 * 1024


class StoreError(RuntimeError):
    """The store refused or failed an operation; the message names the store."""


class StoreMisconfigured(StoreError):
    """The store cannot work as configured (no such bucket, credentials refused): trying
    again will not help until an operator fixes the settings."""


class MissingObject(FileNotFoundError):
    """No object under this key (the store itself answered)."""


@dataclass(frozen=True)
class StoredObject:
    key: str
    size: int
    modified: float  # when it was last written, in seconds since the epoch


@dataclass(frozen=True)
class S3Access:
    """How to reach an S3 endpoint: the standard AWS variables (unset: S3's own defaults)."""

    endpoint_url: str | None = None
    access_key_id: str | None = None
    secret_access_key: str | None = None
    region: str | None = None


class ObjectStore:
    def __init__(self, url: str, s3: S3Access | None = None) -> None:
        self.url = url
        self._store = _open(url, s3 or S3Access())

    @classmethod
    def from_settings(cls, settings: Settings) -> ObjectStore:
        secret = settings.aws_secret_access_key
        return cls(
            settings.storage_location,
            S3Access(
                endpoint_url=settings.aws_endpoint_url,
                access_key_id=settings.aws_access_key_id,
                secret_access_key=secret.get_secret_value() if secret else None,
                region=settings.aws_region,
            ),
        )

    def put_bytes(self, key: str, data: bytes) -> None:
        with self._errors("write", key):
            self._store.put(_checked(key), data)

    def put_file(self, key: str, source: Path) -> None:
        """Upload `source` in parts, streamed from disk."""
        with source.open("rb") as file, self._errors("write", key):
            self._store.put(
                _checked(key), file, chunk_size=PART_SIZE, max_concurrency=PARTS_AT_ONCE
            )

    def create(self, key: str, data: bytes) -> bool:
        """Write `key` only if it is not there yet (S3's If-None-Match, a local O_EXCL);
        whether this call wrote it. Two processes racing for a key: exactly one wins."""
        try:
            with self._errors("write", key):
                self._store.put(_checked(key), data, mode="create")
        except AlreadyExistsError:
            return False
        return True

    def copy(self, source: str, destination: str) -> None:
        """Copy inside the store (S3 copies on its side: nothing crosses the network)."""
        with self._errors("copy", source):
            self._store.copy(_checked(source), _checked(destination))

    def get_bytes(self, key: str) -> bytes:
        with self._errors("read", key):
            return bytes(self._store.get(_checked(key)).bytes())

    def read_range(self, key: str, start: int, end: int) -> bytes:
        """Bytes `start` up to (not including) `end`."""
        with self._errors("read", key):
            return bytes(self._store.get_range(_checked(key), start=start, end=end))

    def chunks(self, key: str, start: int = 0, end: int | None = None) -> Iterator[bytes]:
        """The object (or its bytes `start` up to `end`) as it arrives, chunk by chunk."""
        options: GetOptions = {}
        if start or end is not None:
            options["range"] = (start, end) if end is not None else {"offset": start}
        with self._errors("read", key):
            got = self._store.get(_checked(key), options=options)
            for chunk in got.stream(min_chunk_size=CHUNK_SIZE):
                yield bytes(chunk)

    def fetch(self, key: str, destination: Path) -> None:
        """Download into `destination`, which appears only once complete."""
        destination.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp_name = tempfile.mkstemp(dir=destination.parent, prefix=".tmp-")
        try:
            with os.fdopen(fd, "wb") as file:
                for chunk in self.chunks(key):
                    file.write(chunk)
            os.replace(tmp_name, destination)
        finally:
            Path(tmp_name).unlink(missing_ok=True)

    def exists(self, key: str) -> bool:
        """Whether `key` is stored. S3 answers a HEAD on a missing bucket with a bare 404, so
        this says False there: a store is checked by listing or writing it."""
        try:
            self.size(key)
        except MissingObject:
            return False
        return True

    def size(self, key: str) -> int:
        return self.stat(key).size

    def stat(self, key: str) -> StoredObject:
        with self._errors("read", key):
            meta = self._store.head(_checked(key))
        return StoredObject(key, meta["size"], meta["last_modified"].timestamp())

    def delete(self, key: str) -> None:
        """Remove `key`; a key already gone is no error."""
        try:
            with self._errors("delete", key):
                self._store.delete(_checked(key))
        except MissingObject:
            pass

    def delete_below(self, prefix: str) -> None:
        """Remove every key below `prefix` (a job's folder)."""
        keys = [stored.key for stored in self.list_below(prefix)]
        if keys:
            with self._errors("delete", prefix):
                self._store.delete(keys)

    def list_below(self, prefix: str) -> Iterator[StoredObject]:
        """Every key below the folder `prefix` (`jobs/a` holds `jobs/a/x`, not `jobs/ab`)."""
        with self._errors("list", prefix):
            for page in self._store.list(_checked(prefix)):
                for meta in page:
                    yield StoredObject(
                        key=meta["path"],
                        size=meta["size"],
                        modified=meta["last_modified"].timestamp(),
                    )

    @contextmanager
    def _errors(self, action: str, key: str) -> Iterator[None]:
        """Say which store failed, and tell a missing object from a failing store."""
        try:
            yield
        except FileNotFoundError as e:  # obstore's NotFoundError arrives as the builtin
            # S3 answers a missing bucket with 404 too: that is the store failing, not the key.
            if "NoSuchBucket" not in str(e):
                raise MissingObject(f"{key} is not in the store {self.url}") from e
            raise StoreMisconfigured(
                f"the store {self.url} has no bucket (failed to {action} {key})"
            ) from e
        except AlreadyExistsError:
            raise
        except (PermissionDeniedError, UnauthenticatedError) as e:
            raise StoreMisconfigured(
                f"the store {self.url} refused the credentials (failed to {action} {key}): {e}"
            ) from e
        except (BaseError, OSError) as e:
            raise StoreError(f"the store {self.url} failed to {action} {key}: {e}") from e


def _open(url: str, s3: S3Access) -> AnyStore:
    parts = urlsplit(url)
    if parts.scheme == "file":
        return LocalStore(Path(unquote(parts.path)), mkdir=True, automatic_cleanup=True)
    if parts.scheme == "s3" and parts.netloc:
        config: S3Config = {}
        if s3.endpoint_url:
            config["endpoint"] = s3.endpoint_url
        if s3.access_key_id:
            config["access_key_id"] = s3.access_key_id
        if s3.secret_access_key:
            config["secret_access_key"] = s3.secret_access_key
        if s3.region:
            config["region"] = s3.region
        return S3Store(
            parts.netloc,
            prefix=parts.path.strip("/") or None,
            config=config,
            client_options={"allow_http": (s3.endpoint_url or "").startswith("http://")},
        )
    raise StoreError(f"the store {url!r} is neither file:///PATH nor s3://BUCKET[/PREFIX]")


def _checked(key: str) -> str:
    """`key` if it names a place inside the store (no empty, `.` or `..` parts)."""
    if not key or any(part in ("", ".", "..") for part in key.split("/")):
        raise ValueError(f"not an artifact key: {key!r}")
    return key
