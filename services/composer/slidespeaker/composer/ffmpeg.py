"""Running the ffmpeg that imageio-ffmpeg ships (it comes without ffprobe)."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

import imageio_ffmpeg

from slidespeaker.common.cancel import CancelToken
from slidespeaker.common.process import run_child

FFMPEG: str = imageio_ffmpeg.get_ffmpeg_exe()
COMPLAINT_LINES = 10  # ffmpeg states the cause in its last lines


class MediaError(Exception):
    """ffmpeg could not make the file, or a media file is not what the composer expects."""


def run_ffmpeg(args: Sequence[str | Path], *, token: CancelToken, timeout: float) -> None:
    """Run ffmpeg quietly, overwriting its outputs; raise MediaError with its complaint."""
    cmd = [FFMPEG, "-hide_banner", "-nostdin", "-loglevel", "error", "-y", *args]
    result = run_child(cmd, token=token, timeout=timeout)
    if result.returncode != 0:
        complaint = "\n".join(result.stderr.strip().splitlines()[-COMPLAINT_LINES:])
        raise MediaError(f"ffmpeg failed with exit code {result.returncode}: {complaint}")


@contextmanager
def removed_on_failure(path: Path) -> Iterator[None]:
    """Leave no partial output behind when writing fails, times out or is cancelled."""
    try:
        yield
    except BaseException:
        path.unlink(missing_ok=True)
        raise
