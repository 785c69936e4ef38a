"""Artifact storage: a local directory holding each key (see storage_keys.py) as a file.

Writes go to a temporary name in the same directory and are renamed into place, so a
reader never sees half a file and a crash leaves no partial artifact under its key.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


class Storage:
    def __init__(self, root: Path) -> None:
        self.root = root.resolve()
        self.root.mkdir(parents=True, exist_ok=True)

    def path(self, key: str) -> Path:
        path = (self.root / key).resolve()
        if not path.is_relative_to(self.root):
            raise ValueError(f"artifact key escapes the storage root: {key!r}")
        return path

    def exists(self, key: str) -> bool:
        return self.path(key).is_file()

    @contextmanager
    def writing(self, key: str) -> Iterator[Path]:
        """Yield a temporary path to write; on success it becomes `key`, else it is removed."""
        final = self.path(key)
        final.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp_name = tempfile.mkstemp(dir=final.parent, prefix=".tmp-", suffix=final.suffix)
        os.close(fd)
        tmp = Path(tmp_name)
        try:
            yield tmp
            os.replace(tmp, final)
        finally:
            tmp.unlink(missing_ok=True)

    def write_bytes(self, key: str, data: bytes) -> None:
        with self.writing(key) as tmp:
            tmp.write_bytes(data)

    def write_text(self, key: str, text: str) -> None:
        self.write_bytes(key, text.encode("utf-8"))

    def put_file(self, key: str, source: Path) -> None:
        with self.writing(key) as tmp:
            shutil.copyfile(source, tmp)

    def read_bytes(self, key: str) -> bytes:
        return self.path(key).read_bytes()

    def delete(self, key: str) -> None:
        self.path(key).unlink(missing_ok=True)

    def delete_below(self, prefix: str) -> None:
        """Remove every key below `prefix` (a job's folder)."""
        shutil.rmtree(self.path(prefix), ignore_errors=True)

    def files_below(self, prefix: str) -> Iterator[tuple[str, float]]:
        """Every key below `prefix`, with when it was last written (seconds since the epoch)."""
        folder = self.path(prefix)
        for path in folder.rglob("*") if folder.is_dir() else []:
            if path.is_file():
                yield path.relative_to(self.root).as_posix(), path.stat().st_mtime
