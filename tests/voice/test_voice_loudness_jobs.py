"""Slides and podcast turns come out at SLIDESPEAKER_LOUDNESS_LUFS, measured in the video and
the podcast real jobs made, and a voice service set to another loudness moves both."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest

from slidespeaker.cli.redis_server import RedisHandle
from slidespeaker.common import events as ev
from slidespeaker.common.fold import JobStatus
from slidespeaker.voice.config import VoiceSettings
from tests.conftest import STARTUP_TIMEOUT_S, Stack
from tests.jobs import StoredFiles, run_job
from tests.media import ebur128
from tests.test_api import a_pdf

QUIET_LUFS = -24.0
# No presenter is asked for, so no avatar service is needed.
SERVICES = ["dispatcher", "scripter", "voice", "composer"]
WORDS = "Revenue grew in every region this quarter, and the team shipped the editor on time."


@pytest.fixture(scope="module")
def quiet_stack(
    redis_server: RedisHandle, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Stack]:
    stack = Stack(redis_server.url, tmp_path_factory.mktemp("quiet"), f"q{uuid.uuid4().hex[:8]}")
    stack.env["SLIDESPEAKER_LOUDNESS_LUFS"] = str(QUIET_LUFS)
    for name in SERVICES:
        stack.start(name)
    try:
        stack.wait_alive(SERVICES, timeout=STARTUP_TIMEOUT_S)
        yield stack
    finally:
        stack.stop()


async def video_and_podcast_loudness(stack: Stack) -> tuple[float, float]:
    """The integrated loudness of the video's narration and of the podcast of a one-page deck."""
    options = ev.JobOptions(format="both", width=640, height=360)
    state = await run_job(
        stack.url, stack.home, stack.prefix, a_pdf(1, WORDS), "deck.pdf", options, timeout=300
    )
    assert state.status == JobStatus.completed, state.error
    assert state.outputs is not None and state.podcast is not None
    storage = StoredFiles(stack.home)
    video = ebur128(storage.path(state.outputs.video_key))[0]
    return video, ebur128(storage.path(state.podcast.m4a_key))[0]


@pytest.mark.timeout(600)
async def test_slides_and_turns_come_out_at_the_loudness_setting(
    stack: Stack, quiet_stack: Stack
) -> None:
    default = VoiceSettings().loudness_lufs  # what the session's stack runs with
    assert default != QUIET_LUFS
    for running, target in ((stack, default), (quiet_stack, QUIET_LUFS)):
        video, podcast = await video_and_podcast_loudness(running)
        assert abs(video - target) <= 1.0, (target, video)
        assert abs(podcast - target) <= 1.0, (target, podcast)
