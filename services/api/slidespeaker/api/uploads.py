"""Accepting an uploaded deck: the size is capped while it streams in (the app's body
limit), the type is decided from the bytes, and a package is checked before anyone opens it."""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from fastapi import HTTPException, UploadFile, status

from slidespeaker.common.deckfile import EMPTY, UnsafePackage, detect_format
from slidespeaker.common.errors import BadInput

COPY_CHUNK = 1024 * 1024


@contextmanager
def checked_upload(file: UploadFile, workdir: Path) -> Iterator[Path]:
    """The upload as a file on disk, once its bytes show it is a deck we can use."""
    workdir.mkdir(parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile(dir=workdir, prefix=".upload-") as tmp:
        shutil.copyfileobj(file.file, tmp, COPY_CHUNK)
        tmp.flush()
        path = Path(tmp.name)
        try:
            detect_format(path)
        except UnsafePackage as exc:
            raise HTTPException(status.HTTP_400_BAD_REQUEST, exc.message) from exc
        except BadInput as exc:
            code = status.HTTP_400_BAD_REQUEST if exc.message == EMPTY else 415
            raise HTTPException(code, exc.message) from exc
        yield path
