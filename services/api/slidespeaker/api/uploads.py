"""Accepting an uploaded deck: the size is capped while it streams in (the app's body
limit), a password-protected deck is opened with the password given, the type is decided
from the bytes, and a package is checked before anyone opens it."""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from fastapi import HTTPException, UploadFile, status

from slidespeaker.common.deckfile import EMPTY, UnsafePackage, detect_format
from slidespeaker.common.deckpassword import WrongPassword, unlock
from slidespeaker.common.errors import BadInput

COPY_CHUNK = 1024 * 1024


@contextmanager
def checked_upload(file: UploadFile, workdir: Path, password: str | None = None) -> Iterator[Path]:
    """The upload as a file on disk (decrypted, when a password is given and it is
    encrypted), once its bytes show it is a deck we can use."""
    workdir.mkdir(parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile(dir=workdir, prefix=".upload-") as tmp:
        shutil.copyfileobj(file.file, tmp, COPY_CHUNK)
        tmp.flush()
        unlocked = Path(f"{tmp.name}.unlocked")
        try:
            yield _checked(Path(tmp.name), password, unlocked)
        finally:
            unlocked.unlink(missing_ok=True)


def _checked(path: Path, password: str | None, unlocked: Path) -> Path:
    try:
        if password:
            path = unlock(path, password, unlocked)
        detect_format(path)
    except (UnsafePackage, WrongPassword) as exc:
        raise HTTPException(status.HTTP_400_BAD_REQUEST, exc.message) from exc
    except BadInput as exc:
        code = status.HTTP_400_BAD_REQUEST if exc.message == EMPTY else 415
        raise HTTPException(code, exc.message) from exc
    return path
