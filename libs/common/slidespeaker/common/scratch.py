"""A process's scratch folder: the only local disk a service writes (ffmpeg, soffice and Piper
need files). Inputs are fetched into it from the store and outputs made in it are uploaded;
nothing in it is read by another process.

Each process holds its own folder below the scratch root, locked (flock) for as long as it
lives, so several processes of one home never share a folder, and a folder whose lock can be
taken belongs to a process that is gone (crashed, killed): it is emptied at the next start.
Each task works in a folder of its own inside, removed when the task ends however it ends.
"""

from __future__ import annotations

import fcntl
import os
import shutil
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

LOCK_NAME = ".lock"
CLAIMING = ".claiming"  # held while folders are swept and claimed, so no claim is swept


class Scratch:
    def __init__(self, root: Path, owner: str) -> None:
        """Claim a folder for `owner` (a service's name) below `root`, emptying first the
        folders of processes that are gone."""
        root.mkdir(parents=True, exist_ok=True)
        with (root / CLAIMING).open("a") as claiming:
            fcntl.flock(claiming, fcntl.LOCK_EX)
            sweep_abandoned(root)
            self.folder = root / f"{owner}-{os.getpid()}-{uuid.uuid4().hex[:6]}"
            self.folder.mkdir()
            self._lock = (self.folder / LOCK_NAME).open("w")
            fcntl.flock(self._lock, fcntl.LOCK_EX | fcntl.LOCK_NB)

    @contextmanager
    def task(self) -> Iterator[Path]:
        """A fresh folder for one task, removed with all it holds when the task ends."""
        folder = Path(tempfile.mkdtemp(prefix="task-", dir=self.folder))
        try:
            yield folder
        finally:
            shutil.rmtree(folder, ignore_errors=True)

    def close(self) -> None:
        shutil.rmtree(self.folder, ignore_errors=True)
        self._lock.close()


def sweep_abandoned(root: Path) -> None:
    """Remove every folder below `root` whose owner is gone (its lock is free)."""
    for folder in root.iterdir():
        if not folder.is_dir():
            continue
        lock = folder / LOCK_NAME
        try:
            with lock.open("a") as file:
                fcntl.flock(file, fcntl.LOCK_EX | fcntl.LOCK_NB)
                shutil.rmtree(folder, ignore_errors=True)
        except BlockingIOError:
            continue  # a live process's
        except FileNotFoundError:
            continue  # removed meanwhile
