"""A slide whose audio or picture cannot be used fails the job at once, naming the slide.

The composer's handler runs here on a real Redis log and real storage, with real ffmpeg.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
import structlog

from slidespeaker.common import events as ev
from slidespeaker.common import storage_keys
from slidespeaker.common.cancel import CancelToken
from slidespeaker.common.errors import BadInput
from slidespeaker.common.event_store import EventLog
from slidespeaker.common.fold import JobState, SlideState
from slidespeaker.common.runtime import TaskContext, TaskDeadline
from slidespeaker.common.settings import Settings
from slidespeaker.common.storage import Storage
from slidespeaker.composer.service import compose_slide
from tests.stores import local_storage

JOB = "job-bad-media"
SLIDE = 4


@pytest.fixture
def storage(tmp_path: Path) -> Storage:
    (tmp_path / "scratch").mkdir()  # the task's scratch, as the stage's runtime makes it
    return local_storage(tmp_path)


@pytest.fixture
def picture(storage: Storage, solid_png: Callable[..., Path]) -> str:
    storage.put_file("slides/004.png", solid_png((10, 20, 30)))
    return "slides/004.png"


@pytest.fixture
def voice(storage: Storage, tone_wav: Callable[..., Path]) -> str:
    storage.put_file("voice/004.wav", tone_wav(0.8))
    return "voice/004.wav"


def context(event_log: EventLog, storage: Storage, slide: SlideState) -> TaskContext:
    settings = Settings(home=storage.scratch.parent)
    state = JobState(job_id=JOB, slide_count=SLIDE, slides={SLIDE: slide})
    return TaskContext(
        JOB, ev.TaskRef(action=ev.Action.compose_slide, slide=SLIDE), 1, state, settings,
        storage, event_log, CancelToken(), "composer-test", structlog.get_logger(),
        TaskDeadline(60),
    )  # fmt: skip


async def compose(event_log: EventLog, storage: Storage, **slide: str) -> list[ev.Event]:
    return await compose_slide(context(event_log, storage, SlideState(number=SLIDE, **slide)))


async def test_a_good_slide_is_composed(
    event_log: EventLog, storage: Storage, picture: str, voice: str
) -> None:
    [composed] = await compose(event_log, storage, image_key=picture, audio_key=voice)

    assert isinstance(composed, ev.SlideComposed)
    settings = Settings()
    # Measured with its pauses, not stored padded: nothing of the job is stored.
    assert composed.duration == pytest.approx(
        settings.pause_before_s + 0.8 + settings.pause_after_s, abs=1e-3
    )
    assert composed.narration_start == settings.pause_before_s
    assert composed.audio_key is None
    assert list(storage.files_below(storage_keys.job(JOB))) == []


async def test_missing_audio_fails_naming_the_slide(
    event_log: EventLog, storage: Storage, picture: str
) -> None:
    with pytest.raises(BadInput, match=r"slide 4 .*004\.wav is missing"):
        await compose(event_log, storage, image_key=picture, audio_key="voice/004.wav")


async def test_zero_length_audio_fails_naming_the_slide(
    event_log: EventLog, storage: Storage, picture: str, tone_wav: Callable[..., Path]
) -> None:
    storage.put_file("voice/004.wav", tone_wav(0.0))

    with pytest.raises(BadInput, match=r"slide 4 .*holds no sound"):
        await compose(event_log, storage, image_key=picture, audio_key="voice/004.wav")


async def test_an_empty_audio_file_fails_naming_the_slide(
    event_log: EventLog, storage: Storage, picture: str
) -> None:
    storage.write_bytes("voice/004.wav", b"")

    with pytest.raises(BadInput, match=r"slide 4 .*004\.wav cannot be decoded"):
        await compose(event_log, storage, image_key=picture, audio_key="voice/004.wav")


@pytest.mark.parametrize("cut", ["garbage", "truncated"])
async def test_a_picture_that_does_not_decode_fails_naming_the_slide(
    event_log: EventLog, storage: Storage, voice: str, noise_png: Callable[..., Path], cut: str
) -> None:
    whole = noise_png(1, 320, 180).read_bytes()
    storage.write_bytes("slides/004.png", b"not a picture" if cut == "garbage" else whole[:9000])

    with pytest.raises(BadInput, match=r"slide 4 .*004\.png cannot be decoded"):
        await compose(event_log, storage, image_key="slides/004.png", audio_key=voice)
