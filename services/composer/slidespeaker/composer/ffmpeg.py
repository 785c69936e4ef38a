"""Running the ffmpeg that imageio-ffmpeg ships (it comes without ffprobe).

ffmpeg reports how far it has got on its stdout (`-progress pipe:1`) while it runs; a
thread reads that as it comes, and another keeps the last lines of its complaints.
"""

from __future__ import annotations

import contextlib
import os
import re
import signal
import subprocess
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

import imageio_ffmpeg

from slidespeaker.common.cancel import CancelToken
from slidespeaker.common.process import ChildTimeout, dying_with_parent

FFMPEG: str = imageio_ffmpeg.get_ffmpeg_exe()
COMPLAINT_LINES = 3  # ffmpeg states the cause first, then what failed because of it
_CONTEXT = re.compile(r"^(\[[^\]]*\]\s*)+")  # "[png @ 0x55d…] [dec:png @ 0x…] " before a message
POLL_SECONDS = 0.1  # how often a run looks at its cancel token and deadline
PROGRESS_EVERY = "0.5"  # s between ffmpeg's progress reports

Progress = Callable[[float], None]  # told the seconds of media written so far


class MediaError(Exception):
    """ffmpeg could not make the file, or a media file is not what the composer expects."""


def run_ffmpeg(
    args: Sequence[str | Path],
    *,
    token: CancelToken,
    timeout: float,
    on_progress: Progress | None = None,
    cwd: Path | None = None,
) -> None:
    """Run ffmpeg quietly, overwriting its outputs; raise MediaError with its complaint.

    Cancelling `token` or passing `timeout` seconds kills it (JobCancelled, ChildTimeout).
    `cwd` is where relative names (as in a filter graph) are found.
    """
    cmd = [FFMPEG, "-hide_banner", "-nostdin", "-loglevel", "error", "-y"]
    cmd += ["-progress", "pipe:1", "-stats_period", PROGRESS_EVERY, *map(str, args)]
    proc = subprocess.Popen(
        dying_with_parent(cmd),
        cwd=cwd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        text=True, errors="replace", start_new_session=True,  # its own group, to kill at once
    )  # fmt: skip
    complaint: list[str] = []
    assert proc.stdout is not None and proc.stderr is not None
    readers = [
        threading.Thread(target=_read_progress, args=(proc.stdout, on_progress), daemon=True),
        threading.Thread(target=_read_complaint, args=(proc.stderr, complaint), daemon=True),
    ]
    for reader in readers:
        reader.start()
    try:
        _wait(proc, token=token, timeout=timeout)
    finally:
        for reader in readers:
            reader.join()
    if proc.returncode != 0:
        said = "; ".join(complaint) or "no reason given"
        raise MediaError(f"ffmpeg failed with exit code {proc.returncode}: {said}")


def _wait(proc: subprocess.Popen[str], *, token: CancelToken, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while True:
        try:
            proc.wait(timeout=POLL_SECONDS)
            return
        except subprocess.TimeoutExpired:
            if token.cancelled or time.monotonic() > deadline:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()
                token.check()
                raise ChildTimeout("ffmpeg", timeout) from None


def _read_complaint(lines: Iterable[str], complaint: list[str]) -> None:
    """Keep ffmpeg's first few distinct messages, without their "[decoder @ address]" parts."""
    for line in lines:
        message = _CONTEXT.sub("", line).strip()
        if message and message not in complaint and len(complaint) < COMPLAINT_LINES:
            complaint.append(message)


def _read_progress(lines: Iterable[str], on_progress: Progress | None) -> None:
    # Blocks of `key=value` lines; out_time_us is how much media is written ("N/A" at first).
    # On a busy machine a report can lag the one before it (2.0 s, then 1.49 s: the streams'
    # muxing times interleave), so only headway is told: progress never goes back.
    furthest = 0.0
    for line in lines:
        key, _, value = line.strip().partition("=")
        if on_progress is not None and key == "out_time_us" and value.isdigit():
            furthest = max(furthest, int(value) / 1_000_000)
            on_progress(furthest)


def concat_path(path: Path) -> str:
    """`path` (made absolute) quoted for an ffconcat list, where nothing is special inside
    single quotes but a quote."""
    return "'" + str(path.resolve()).replace("'", "'\\''") + "'"


@contextmanager
def removed_on_failure(path: Path) -> Iterator[None]:
    """Leave no partial output behind when writing fails, times out or is cancelled."""
    try:
        yield
    except BaseException:
        path.unlink(missing_ok=True)
        raise
