"""With too little memory for the asked resolution, the real composer makes a smaller video
and says so, instead of starting an encode the kernel would kill."""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import av
import pytest

from slidespeaker.cli.redis_server import RedisHandle
from slidespeaker.common import events as ev
from slidespeaker.common.fold import JobState, JobStatus

from ..conftest import PIPELINE, Stack, running_api
from ..jobs import StoredFiles, run_job
from ..media import probe
from ..voice.test_voice_service import a_deck
from .test_composer_rerender import segments_logged

pytestmark = pytest.mark.xdist_group("composer-memory-stack")
# Enough for a 1080p encode of still slides, not for 4k (see memory_plan's figures).
MEMORY_MB = "500"
UHD = ev.JobOptions(width=3840, height=2160)


@pytest.fixture(scope="module")
def short_of_memory(
    redis_server: RedisHandle, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Stack]:
    stack = Stack(redis_server.url, tmp_path_factory.mktemp("memory"), f"m{uuid.uuid4().hex[:8]}")
    stack.env["SLIDESPEAKER_COMPOSER_MEMORY_MB"] = MEMORY_MB
    for name in PIPELINE:
        stack.start(name)
    stack.wait_alive(PIPELINE, timeout=180)  # five Python processes starting on a shared machine
    yield stack
    stack.stop()


@pytest.fixture(scope="module")
def finished(short_of_memory: Stack) -> JobState:
    stack = short_of_memory
    deck = a_deck([f"Memory is short ({uuid.uuid4().hex[:6]}).", "A second slide."])
    state = asyncio.run(
        run_job(stack.url, stack.home, stack.prefix, deck, "short.pdf", options=UHD, timeout=180)
    )
    assert state.status == JobStatus.completed, state.error
    return state


def test_a_4k_video_is_made_at_1080p_when_memory_is_short(
    short_of_memory: Stack, finished: JobState
) -> None:
    assert finished.outputs is not None
    storage = StoredFiles(short_of_memory.home)
    slide = storage.path(finished.slide(1).composed_image_key or "")
    video = probe(storage.path(finished.outputs.video_key))

    assert probe_size(slide) == (3840, 2160), "the slides were rendered at the asked size"
    assert (video.width, video.height) == (1920, 1080)
    assert video.pix_fmt == "yuv420p"
    assert video.audio.duration == pytest.approx(video.video.duration, abs=0.04)
    assert finished.outputs.poster_key is not None
    assert probe_size(storage.path(finished.outputs.poster_key)) == (1920, 1080)


def test_the_user_is_told_from_what_to_what_and_why(finished: JobState) -> None:
    lowered = [w for w in finished.warnings if w.code == "resolution_lowered"]

    assert len(lowered) == 1
    message = lowered[0].message
    assert "1080p (1920x1080) instead of 4k (3840x2160)" in message
    assert f"{MEMORY_MB} MB" in message


def test_with_a_presenter_the_same_memory_gives_1080p_with_the_presenter_kept(
    short_of_memory: Stack,
) -> None:
    stack = short_of_memory
    deck = a_deck([f"A presenter and little memory ({uuid.uuid4().hex[:6]})."])
    options = UHD.model_copy(update={"avatar": "local"})
    state = asyncio.run(
        run_job(stack.url, stack.home, stack.prefix, deck, "talk.pdf", options=options, timeout=180)
    )  # fmt: skip

    assert state.status == JobStatus.completed, state.error
    assert state.outputs is not None and state.slide(1).composed_avatar_key is not None
    video = probe(StoredFiles(stack.home).path(state.outputs.video_key))
    # A 4k segment's encode needs more than 500 MB with headroom, a 1080p one about 310 MB:
    # one at a time (see memory_plan).
    assert (video.width, video.height) == (1920, 1080)
    assert segments_logged(stack, state.job_id)["at_once"] == 1
    # The presenter's video is whole 25 fps frames: within one of the narration.
    assert video.audio.duration == pytest.approx(video.video.duration, abs=0.04)
    assert [w.message.split(":")[0] for w in state.warnings] == [
        "the video is 1080p (1920x1080) instead of 4k (3840x2160)"
    ]


def probe_size(picture: Path) -> tuple[int, int]:
    with av.open(str(picture)) as container:
        context = container.streams.video[0].codec_context
        return context.width, context.height


def test_the_apis_4k_asks_for_3840x2160_and_is_stepped_down_with_its_warning(
    short_of_memory: Stack,
) -> None:
    deck = a_deck([f"Asked for in 4k through the API ({uuid.uuid4().hex[:6]})."])
    with running_api(short_of_memory) as api:
        answer = api.post("/api/jobs", files={"file": ("api.pdf", deck)}, data={"resolution": "4k"})
        assert answer.status_code == 201, answer.text
        job = f"/api/jobs/{answer.json()['job_id']}"
        deadline = time.monotonic() + 180
        while (state := api.get(job).json())["status"] not in ("completed", "failed"):
            assert time.monotonic() < deadline, f"the job is still {state['status']}"
            time.sleep(0.2)

    assert state["status"] == "completed", state["error"]
    assert (state["options"]["width"], state["options"]["height"]) == (3840, 2160)
    video = probe(StoredFiles(short_of_memory.home).path(state["outputs"]["video_key"]))
    assert (video.width, video.height) == (1920, 1080)
    lowered = [w["message"] for w in state["warnings"] if w["code"] == "resolution_lowered"]
    assert len(lowered) == 1 and "1080p (1920x1080) instead of 4k (3840x2160)" in lowered[0]
