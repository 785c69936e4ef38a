"""The one storage interface every service and the API use: artifacts kept in the object store
(object_store.py: a local folder or an S3 bucket, by URL) under their keys (storage_keys.py),
and a local scratch folder (scratch.py) where tools that need files (ffmpeg, soffice, Piper)
read what was fetched and write what is then uploaded.

No process reads a file another wrote except through the store: `fetch` copies a key into
this scratch, `writing` makes a file in it and uploads it whole under its key on success
(so a reader never sees half an artifact, and a failure leaves nothing under the key).
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from slidespeaker.common.object_store import MissingObject, ObjectStore, StoredObject
from slidespeaker.common.settings import Settings


class Storage:
    def __init__(self, store: ObjectStore, scratch: Path) -> None:
        self.store = store
        self.scratch = scratch

    @classmethod
    def from_settings(cls, settings: Settings, scratch: Path) -> Storage:
        return cls(ObjectStore.from_settings(settings), scratch)

    @property
    def url(self) -> str:
        return self.store.url

    def fetch(self, key: str) -> Path:
        """The object as a file in this scratch, downloaded on first use; MissingObject (a
        FileNotFoundError) if the store has no such key."""
        local = self._local(key)
        if not local.is_file():
            self.store.fetch(key, local)
        return local

    @contextmanager
    def writing(self, key: str) -> Iterator[Path]:
        """Yield a scratch path to write; on success it is uploaded as `key` (and stays
        fetched in this scratch), else it is removed and the store is untouched."""
        final = self._local(key)
        final.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp_name = tempfile.mkstemp(dir=final.parent, prefix=".tmp-", suffix=final.suffix)
        os.close(fd)
        tmp = Path(tmp_name)
        try:
            yield tmp
            self.store.put_file(key, tmp)
            os.replace(tmp, final)
        finally:
            tmp.unlink(missing_ok=True)

    def exists(self, key: str) -> bool:
        return self.store.exists(key)

    def size(self, key: str) -> int:
        return self.store.size(key)

    def stat(self, key: str) -> StoredObject:
        return self.store.stat(key)

    def read_bytes(self, key: str) -> bytes:
        return self.store.get_bytes(key)

    def write_bytes(self, key: str, data: bytes) -> None:
        self.store.put_bytes(key, data)

    def write_text(self, key: str, text: str) -> None:
        self.write_bytes(key, text.encode("utf-8"))

    def create(self, key: str, data: bytes) -> bool:
        """Write `key` only if absent; whether this call did (a claim between processes)."""
        return self.store.create(key, data)

    def put_file(self, key: str, source: Path) -> None:
        self.store.put_file(key, source)

    def copy(self, source: str, destination: str) -> None:
        self.store.copy(source, destination)

    def chunks(self, key: str, start: int = 0, end: int | None = None) -> Iterator[bytes]:
        return self.store.chunks(key, start, end)

    def download(self, key: str, destination: Path) -> None:
        """Copy the object out of the store to `destination` (what a user asked for)."""
        self.store.fetch(key, destination)

    def read_range(self, key: str, start: int, end: int) -> bytes:
        return self.store.read_range(key, start, end)

    def delete(self, key: str) -> None:
        self.store.delete(key)

    def delete_below(self, prefix: str) -> None:
        """Remove every key below `prefix` (a job's folder)."""
        self.store.delete_below(prefix)

    def files_below(self, prefix: str) -> Iterator[StoredObject]:
        """Every key below `prefix`, with its size and when it was last written."""
        return self.store.list_below(prefix)

    def _local(self, key: str) -> Path:
        """Where `key` is kept in this scratch: below `fetched/`, by its key."""
        path = (self.scratch / "fetched" / key).resolve()
        if not path.is_relative_to(self.scratch.resolve()):
            raise ValueError(f"artifact key escapes the scratch folder: {key!r}")
        return path


__all__ = ["MissingObject", "Storage"]
