"""Writing a clip with transparency from raw RGBA frames streamed into ffmpeg.

QuickTime Animation (qtrle) keeps the alpha channel and is cheap both ways: it stores only
the rows that changed from the frame before, and most of the presenter holds still.
The writer stops ffmpeg at once when the job is cancelled or the deadline passes.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import threading
import time
from collections.abc import Iterable
from pathlib import Path

import imageio_ffmpeg

from slidespeaker.common.cancel import CancelToken
from slidespeaker.common.process import ChildTimeout, dying_with_parent

FFMPEG: str = imageio_ffmpeg.get_ffmpeg_exe()
CLIP_CODEC = ["-c:v", "qtrle", "-pix_fmt", "argb", "-f", "mov"]
CHECK_EVERY = 5  # frames between looks at the cancel token and the deadline


class ClipError(Exception):
    """ffmpeg could not write the clip."""


def write_clip(
    frames: Iterable[bytes],
    out: Path,
    *,
    size: tuple[int, int],
    fps: int,
    token: CancelToken,
    timeout: float,
) -> None:
    """Encode `frames` (RGBA, `size` each) at `fps` into `out`."""
    cmd = [
        FFMPEG, "-hide_banner", "-nostdin", "-loglevel", "error", "-y",
        "-f", "rawvideo", "-pix_fmt", "rgba", "-s", f"{size[0]}x{size[1]}", "-r", str(fps),
        "-i", "pipe:0", *CLIP_CODEC, str(out),
    ]  # fmt: skip
    proc = subprocess.Popen(
        dying_with_parent(cmd),
        stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
        start_new_session=True,  # its own group, to kill at once
    )  # fmt: skip
    stdin, stderr = proc.stdin, proc.stderr
    assert stdin is not None and stderr is not None
    complaint: list[bytes] = []
    reader = threading.Thread(target=lambda: complaint.append(stderr.read()), daemon=True)
    reader.start()
    deadline = time.monotonic() + timeout
    try:
        for number, frame in enumerate(frames):
            if number % CHECK_EVERY == 0:
                _check(token, deadline, timeout)
            stdin.write(frame)
        stdin.close()
        while proc.poll() is None:
            _check(token, deadline, timeout)
            time.sleep(0.05)
    except BaseException:
        _kill(proc)
        out.unlink(missing_ok=True)
        raise
    finally:
        reader.join()
    if proc.returncode != 0:
        said = b"".join(complaint).decode(errors="replace").strip() or "no reason given"
        out.unlink(missing_ok=True)
        raise ClipError(f"ffmpeg could not write the presenter's clip: {said}")


def _check(token: CancelToken, deadline: float, timeout: float) -> None:
    token.check()
    if time.monotonic() > deadline:
        raise ChildTimeout("ffmpeg", timeout)


def _kill(proc: subprocess.Popen[bytes]) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, signal.SIGKILL)
    if proc.stdin is not None:
        with contextlib.suppress(OSError):
            proc.stdin.close()
    proc.wait()
