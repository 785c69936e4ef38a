"""The HeyGen presenter in the real pipeline: the services as processes, HeyGen a local
server speaking its protocol. A job gets its presenter overlaid; HeyGen down at first is
retried; a failed render, a corrupt clip or a rejected key each end as the user should see
them; a cancel stops the polling."""

from __future__ import annotations

import asyncio
import itertools
import json
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import av
import numpy as np
import pytest
from redis.asyncio import Redis

from slidespeaker.avatar.fallback import WARNING_CODE as PRESENTER_UNAVAILABLE
from slidespeaker.cli.redis_server import RedisHandle
from slidespeaker.common import events as ev
from slidespeaker.common.event_store import EventLog
from slidespeaker.common.fold import JobState, JobStatus, fold
from slidespeaker.common.jobs import submit_job
from slidespeaker.common.keys import Keys
from slidespeaker.composer.presenter_clips import WARNING_CODE as CLIP_UNUSABLE

from ..conftest import PIPELINE, Stack
from ..jobs import home_store, job_events, run_job
from ..media import probe
from ..voice.test_voice_service import a_deck
from .heygen_server import API_KEY, HeyGenServer, heygen_server

# One worker runs them all (make test runs pytest -n 2), so the stack below starts once.
pytestmark = pytest.mark.xdist_group("heygen-stack")
HEYGEN = ev.JobOptions(width=640, height=360, avatar="heygen")


@pytest.fixture(scope="module")
def server() -> Iterator[HeyGenServer]:
    with heygen_server() as running:
        yield running


@pytest.fixture(autouse=True)
def fresh(server: HeyGenServer) -> None:
    """Each test starts from a HeyGen that works, with an empty request log."""
    server.reset()


@pytest.fixture(scope="module")
def heygen_stack(
    redis_server: RedisHandle, server: HeyGenServer, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Stack]:
    stack = Stack(redis_server.url, tmp_path_factory.mktemp("heygen"), f"g{uuid.uuid4().hex[:8]}")
    stack.env |= {
        "HEYGEN_API_KEY": API_KEY, "HEYGEN_BASE_URL": server.url,
        "SLIDESPEAKER_HEYGEN_POLL_S": "0.05", "SLIDESPEAKER_HEYGEN_POLL_MAX_S": "0.2",
        "SLIDESPEAKER_HEYGEN_DEADLINE_S": "30", "SLIDESPEAKER_HEYGEN_REQUEST_TIMEOUT_S": "5",
    }  # fmt: skip
    for name in PIPELINE:
        stack.start(name)
    stack.wait_alive(PIPELINE, timeout=180)  # five Python processes starting on a shared machine
    yield stack
    stack.stop()


def deck(*texts: str) -> bytes:
    """A PDF deck whose narration no other test uses, so no clip comes from the cache."""
    return a_deck([f"{text} ({uuid.uuid4().hex[:6]})" for text in texts])


def warnings(state: JobState, code: str) -> list[int | None]:
    return [w.slide for w in state.warnings if w.code == code]


def motion(video: Path, start: float, end: float) -> tuple[float, float]:
    """Mean change between frames from `start` to `end` s: in the bottom-right corner (where
    the presenter sits by default) and in the top-left quarter (the slide)."""
    frames = []
    with av.open(str(video)) as container:
        for frame in container.decode(video=0):
            if frame.time is not None and start <= frame.time <= end:
                frames.append(frame.to_ndarray(format="gray").astype(np.int16))
    assert len(frames) > 5, f"only {len(frames)} frames between {start} and {end} s"
    steps = [np.abs(b - a) for a, b in itertools.pairwise(frames)]
    height, width = frames[0].shape
    corner = np.mean([s[height * 3 // 4 :, width * 3 // 4 :].mean() for s in steps])
    slide = np.mean([s[: height // 2, : width // 2].mean() for s in steps])
    return float(corner), float(slide)


def test_render_overlays_the_heygen_presenter(
    heygen_stack: Stack, server: HeyGenServer, tmp_path: Path
) -> None:
    pdf = tmp_path / "deck.pdf"
    pdf.write_bytes(deck("A presenter from HeyGen.", "She speaks on the second slide too."))
    out = tmp_path / "out"
    command = [
        sys.executable, "-m", "slidespeaker.cli.main", "render", str(pdf), "--out", str(out),
        "--avatar", "heygen", "--width", "640", "--height", "360",
    ]  # fmt: skip
    result = subprocess.run(
        command, env=heygen_stack.env, capture_output=True, text=True, timeout=180
    )
    assert result.returncode == 0, result.stderr[-3000:]
    job: dict[str, Any] = json.loads((out / "job.json").read_text())
    assert job["status"] == "completed"
    assert len(server.calls("/v2/video/generate")) == 2
    assert all(job["slides"][n]["avatar_key"] for n in ("1", "2"))
    assert len(list((heygen_stack.home / "artifacts/cache/avatar/heygen").rglob("*.video_id"))) >= 2
    assert not [w for w in job["warnings"] if w["slide"]], job["warnings"]
    first = job["slides"]["1"]
    corner, slide = motion(out / "video.mp4", 0.5, 0.4 + first["audio_duration"] - 0.1)
    assert corner > 5 * max(slide, 0.05), (corner, slide)
    info = probe(out / "video.mp4")
    assert abs(info.audio.duration - job["outputs"]["duration"]) <= 0.001
    assert abs(info.video.duration - info.audio.duration) <= 0.04, "within one 25 fps frame"


async def test_heygen_renders_the_slides_side_by_side(
    heygen_stack: Stack, server: HeyGenServer
) -> None:
    """HeyGen finishes nothing until it holds all three videos: one avatar process gets
    there only by starting the other slides' videos while it waits for its first."""
    server.complete_after_videos = 3
    state = await run_job(
        heygen_stack.url, heygen_stack.home, heygen_stack.prefix,
        deck("One video.", "Another video.", "A third video."), "side.pdf", HEYGEN,
    )  # fmt: skip
    assert state.status == JobStatus.completed, state.error
    assert all(state.slide(n).avatar_key for n in (1, 2, 3)), state.warnings
    assert len(server.calls("/v2/video/generate")) == 3  # none paid for twice
    events = await job_events(heygen_stack.url, heygen_stack.prefix, state.job_id)
    ahead = [e.message for e in events if isinstance(e, ev.JobProgress) and "also" in e.message]
    assert ahead, "no video was started ahead of its own task"


async def test_heygen_down_at_first_is_retried(heygen_stack: Stack, server: HeyGenServer) -> None:
    server.unavailable_calls = 2
    state = await run_job(
        heygen_stack.url, heygen_stack.home, heygen_stack.prefix,
        deck("HeyGen is down, then back."), "down.pdf", HEYGEN,
    )  # fmt: skip
    assert state.status == JobStatus.completed, state.error
    events = await job_events(heygen_stack.url, heygen_stack.prefix, state.job_id)
    retried = [e for e in events if isinstance(e, ev.StageRetried)]
    assert [e.task.action for e in retried] == [ev.Action.avatar_slide] * 2
    progress = [e.message for e in events if isinstance(e, ev.JobProgress) and e.slide == 1]
    assert "HeyGen's video of slide 1: completed" in progress, progress
    assert state.slide(1).avatar_key is not None


async def test_a_failed_render_shows_the_slide_without_the_presenter(
    heygen_stack: Stack, server: HeyGenServer
) -> None:
    server.fail_with = "Avatar rendering failed, please retry later"
    state = await run_job(
        heygen_stack.url, heygen_stack.home, heygen_stack.prefix,
        deck("HeyGen fails on this one.", "And on this one."), "fails.pdf", HEYGEN,
    )  # fmt: skip
    assert state.status == JobStatus.completed, state.error
    assert state.outputs is not None
    assert warnings(state, PRESENTER_UNAVAILABLE) == [1, 2]
    assert all("Avatar rendering failed" in w.message for w in state.warnings if w.slide)
    assert [state.slide(n).avatar_key for n in (1, 2)] == [None, None]


async def test_a_corrupt_clip_is_caught_and_the_video_still_made(
    heygen_stack: Stack, server: HeyGenServer
) -> None:
    server.corrupt = True
    state = await run_job(
        heygen_stack.url, heygen_stack.home, heygen_stack.prefix,
        deck("HeyGen sends garbage for this slide."), "corrupt.pdf", HEYGEN,
    )  # fmt: skip
    assert state.status == JobStatus.completed, state.error
    assert state.outputs is not None
    assert warnings(state, CLIP_UNUSABLE) == [1], state.warnings
    assert "cannot be decoded" in state.warnings[-1].message


async def test_a_rejected_key_fails_the_job_saying_so(
    heygen_stack: Stack, server: HeyGenServer
) -> None:
    server.api_key = "a-key-this-test-never-sends"
    state = await run_job(
        heygen_stack.url, heygen_stack.home, heygen_stack.prefix,
        deck("The key is wrong."), "key.pdf", HEYGEN,
    )  # fmt: skip
    assert state.status == JobStatus.failed
    assert "HeyGen rejected the API key" in (state.error or "")


async def submit_while_rendering(
    stack: Stack, server: HeyGenServer, log: EventLog, text: str, filename: str
) -> str:
    """Submit a one-slide job; return its id once HeyGen is being polled for its video."""
    job_id = await submit_job(
        log, home_store(stack.home), deck=deck(text), filename=filename,
        options=HEYGEN,
    )  # fmt: skip
    deadline = time.monotonic() + 60
    while len(server.polls) < 3:
        assert time.monotonic() < deadline, "HeyGen was never polled"
        await asyncio.sleep(0.05)
    return job_id


async def test_a_cancel_while_heygen_renders_stops_the_polling(
    heygen_stack: Stack, server: HeyGenServer
) -> None:
    server.rendering_polls = 1_000_000
    redis = Redis.from_url(heygen_stack.url)
    log = EventLog(redis, Keys(heygen_stack.prefix))
    try:
        job_id = await submit_while_rendering(
            heygen_stack, server, log, "Never finished.", "cancel.pdf"
        )
        await log.append(ev.JobCancelRequested(job_id=job_id))
        stopped = time.monotonic()
        while not any(isinstance(e, ev.StageStopped) for _, e in await log.read(job_id)):
            assert time.monotonic() - stopped < 5, "the avatar task did not stop"
            await asyncio.sleep(0.05)
        polls = len(server.polls)
        await asyncio.sleep(0.5)  # a few poll intervals: a client still polling shows here
        assert len(server.polls) == polls
        assert fold(await log.read(job_id)).status == JobStatus.cancelled
    finally:
        await redis.aclose()


async def test_a_stopped_avatar_service_quits_mid_render_and_the_next_resumes_the_video(
    heygen_stack: Stack, server: HeyGenServer
) -> None:
    server.rendering_polls = 1_000_000
    redis = Redis.from_url(heygen_stack.url)
    log = EventLog(redis, Keys(heygen_stack.prefix))
    try:
        job_id = await submit_while_rendering(
            heygen_stack, server, log, "Rendered across a restart.", "restart.pdf"
        )
        for avatar in heygen_stack.processes.pop("avatar"):
            avatar.terminate()
            # Well inside HeyGen's 30 s deadline: the polling thread does not hold it up.
            assert avatar.wait(timeout=20) is not None
        server.rendering_polls = 0  # the video is done by now
        heygen_stack.start("avatar")  # takes the task over once its claim times out
        deadline = time.monotonic() + 180
        while not (state := fold(await log.read(job_id))).status.terminal:
            assert time.monotonic() < deadline, f"job did not end: {state.status}"
            await asyncio.sleep(0.1)
        assert state.status == JobStatus.completed, state.error
        assert state.slide(1).avatar_key is not None
        assert len(server.calls("/v2/video/generate")) == 1  # resumed, not paid for twice
    finally:
        await redis.aclose()
