"""Running child processes (soffice, ffmpeg) that stop when the job is cancelled."""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from slidespeaker.common.cancel import CancelToken

POLL_SECONDS = 0.1
SETPRIV = shutil.which("setpriv")  # util-linux: in every Debian, including the slim images


class ChildTimeout(Exception):
    def __init__(self, program: str, seconds: float) -> None:
        super().__init__(f"{program} did not finish within {seconds:.0f} s and was stopped")


@dataclass(frozen=True)
class ChildResult:
    returncode: int
    stdout: str
    stderr: str


def run_child(
    cmd: Sequence[str | Path],
    *,
    token: CancelToken,
    timeout: float,
    cwd: Path | None = None,
    env: dict[str, str] | None = None,
) -> ChildResult:
    """Run `cmd` to completion; kill its whole process group on cancel or timeout.

    Raises JobCancelled (from `token.check()`) or ChildTimeout after killing the child.
    """
    args = [str(c) for c in cmd]
    proc = subprocess.Popen(
        dying_with_parent(args),
        cwd=cwd,
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        errors="replace",
        start_new_session=True,  # its own group, so soffice's helpers die with it
    )
    deadline = time.monotonic() + timeout
    while True:
        try:
            out, err = proc.communicate(timeout=POLL_SECONDS)
            return ChildResult(proc.returncode, out, err)
        except subprocess.TimeoutExpired:
            if token.cancelled or time.monotonic() > deadline:
                _kill_group(proc)
                token.check()
                raise ChildTimeout(Path(args[0]).name, timeout) from None


def dying_with_parent(args: Sequence[str]) -> list[str]:
    """`args`, run so that the child is killed when the process that started it dies.

    Children run in sessions of their own (to be killed as a group), so a service killed by
    SIGKILL, which runs no clean-up, would leave them working on for nobody. The parent-death
    signal is set by setpriv, which then becomes the child: no preexec_fn, which is unsafe in
    a process with threads. (Linux ties it to the thread that started the child; ours start
    them from long-lived worker threads.)
    """
    return [SETPRIV, "--pdeathsig", "KILL", "--", *args] if SETPRIV else list(args)


def _kill_group(proc: subprocess.Popen[str]) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, signal.SIGKILL)
    proc.communicate()
