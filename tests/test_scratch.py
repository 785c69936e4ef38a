"""Each process's scratch folder: its own, emptied after each task, and swept at the next
start once its process is gone (killed, crashed)."""

from __future__ import annotations

import signal
import subprocess
import sys
from pathlib import Path

import pytest

from slidespeaker.common.scratch import Scratch

HOLD_A_SCRATCH = """
import sys, time
from pathlib import Path
from slidespeaker.common.scratch import Scratch
scratch = Scratch(Path(sys.argv[1]), "voice")
(scratch.folder / "half-written.wav").write_bytes(b"RIFF")
print(scratch.folder, flush=True)
time.sleep(60)
"""


def holder(root: Path) -> tuple[subprocess.Popen[str], Path]:
    """Another process holding a scratch folder below `root`, with a file in it."""
    proc = subprocess.Popen(
        [sys.executable, "-c", HOLD_A_SCRATCH, str(root)], stdout=subprocess.PIPE, text=True
    )
    assert proc.stdout is not None
    return proc, Path(proc.stdout.readline().strip())


def test_a_task_folder_is_removed_however_the_task_ends(tmp_path: Path) -> None:
    scratch = Scratch(tmp_path, "composer")
    with scratch.task() as folder:
        (folder / "narration.wav").write_bytes(b"RIFF")
    with pytest.raises(RuntimeError), scratch.task() as folder:
        (folder / "video.mp4").write_bytes(b"mp4")
        raise RuntimeError("ffmpeg failed")
    assert [p.name for p in scratch.folder.iterdir()] == [".lock"]
    scratch.close()
    assert not scratch.folder.exists()


def test_a_live_processs_folder_is_kept_and_a_killed_ones_swept(tmp_path: Path) -> None:
    proc, theirs = holder(tmp_path)
    try:
        mine = Scratch(tmp_path, "voice")
        assert mine.folder != theirs
        assert (theirs / "half-written.wav").exists(), "a live process keeps its scratch"
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        assert theirs.exists(), "nothing is swept until a process starts"
        again = Scratch(tmp_path, "voice")
        assert not theirs.exists(), "the killed process's scratch is emptied at the next start"
        assert mine.folder.exists() and again.folder.exists()
    finally:
        proc.kill()
        proc.wait()
