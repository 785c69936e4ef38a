"""A full disk: the state directory on a small tmpfs that fills mid-job. The job fails
saying there is no space left and where, the services stay up, no half-written file is
taken as a result, and once space is freed the next job succeeds."""

from __future__ import annotations

import os
import shutil
import subprocess
import uuid
from collections.abc import Iterator
from pathlib import Path

import av
import pytest

from slidespeaker.cli.redis_server import RedisHandle
from slidespeaker.common import events as ev
from slidespeaker.common.fold import JobStatus

from .conftest import PIPELINE, Stack, started_stack
from .jobs import job_events, run_job
from .media import probe
from .test_reliability import LONG, long_deck

pytestmark = pytest.mark.xdist_group("full-disk-stack")
TMPFS_MB = 48
ROOM_KB = 400  # left free: the deck and slide pictures fit, a slide's narration does not
SMALL = ev.JobOptions(width=320, height=180)


@pytest.fixture(scope="module")
def small_disk(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    mount = tmp_path_factory.mktemp("small-disk")
    command = ["mount", "-t", "tmpfs", "-o", f"size={TMPFS_MB}m", "tmpfs", str(mount)]
    mounted = subprocess.run(command, capture_output=True, text=True)
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {mounted.stderr.strip()}")
    try:
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=False)


@pytest.fixture(scope="module")
def disk_stack(
    redis_server: RedisHandle, small_disk: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Stack]:
    logs = tmp_path_factory.mktemp("full-disk-logs")  # the logs are not what fills up
    stack = Stack(redis_server.url, small_disk, f"f{uuid.uuid4().hex[:8]}", log_dir=logs)
    with started_stack(stack):
        yield stack


def fill(disk: Path, leave_kb: int) -> Path:
    """A file taking all the space but `leave_kb`."""
    filler = disk / "filler"
    free = shutil.disk_usage(disk).free - leave_kb * 1024
    with filler.open("wb") as out:
        out.truncate(0)
        os.posix_fallocate(out.fileno(), 0, free)
    return filler


async def test_a_full_disk_fails_the_job_clearly_and_the_next_job_succeeds(
    disk_stack: Stack,
) -> None:
    stack = disk_stack
    filler = fill(stack.home, ROOM_KB)
    try:
        failed = await run_job(
            stack.url, stack.home, stack.prefix, long_deck(2, LONG), "full.pdf", SMALL
        )
    finally:
        filler.unlink()

    assert failed.status == JobStatus.failed
    assert failed.failed_stage is not None
    assert f"{failed.failed_stage.value} failed" in (failed.error or "")
    assert "no space left" in (failed.error or "").lower(), failed.error
    assert all(stack.alive(name) for name in PIPELINE), "every service is still up"
    artifacts = stack.home / "artifacts"
    assert not list(artifacts.rglob(".tmp-*")), "no half-written file is left"
    # Whatever was reported done is whole: each voiced slide's audio lasts what it says.
    for event in await job_events(stack.url, stack.prefix, failed.job_id):
        if isinstance(event, ev.SlideVoiced) and event.audio_key:
            audio = artifacts / event.audio_key
            assert audio.stat().st_size > 0
            assert abs(probe_audio_seconds(audio) - event.duration) < 0.05

    done = await run_job(stack.url, stack.home, stack.prefix, long_deck(1), "next.pdf", SMALL)
    assert done.status == JobStatus.completed, done.error
    assert done.outputs is not None
    video = probe(artifacts / done.outputs.video_key)
    assert video.video.duration > 1


def probe_audio_seconds(path: Path) -> float:
    with av.open(str(path)) as container:
        stream = container.streams.audio[0]
        frames = sum(frame.samples for frame in container.decode(stream))
        return frames / stream.rate
