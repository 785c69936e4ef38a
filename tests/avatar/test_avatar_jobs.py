"""The presenter through the real stack: `render --avatar local` end to end, and clips that
cannot be used (corrupt, truncated, the wrong length) ending in a warning and a complete
video without the presenter on those slides."""

from __future__ import annotations

import asyncio
import itertools
import json
import subprocess
import sys
import time
from pathlib import Path

import pymupdf
from redis.asyncio import Redis

from slidespeaker.common import events as ev
from slidespeaker.common import storage_keys
from slidespeaker.common.event_store import EventLog
from slidespeaker.common.events import Action, TaskRef
from slidespeaker.common.fold import JobState, fold
from slidespeaker.common.keys import Keys
from slidespeaker.common.storage_keys import Cache, cache_entry
from slidespeaker.composer.overlay import MARGIN

from ..conftest import Stack
from ..jobs import StoredFiles, home_store, job_events, run_job
from ..media import probe
from .frames import Box, changed_pixels, decoded_frames
from .media import narration, slide_picture, talking_clip

SIZE = (640, 360)


def two_page_pdf(path: Path) -> Path:
    """A slide with a title and bullets (narrated from its text), and an empty one."""
    document = pymupdf.open()
    page = document.new_page(width=480, height=270)
    page.insert_text((30, 50), "Quarterly review", fontsize=24)
    page.insert_text((40, 100), "- Revenue grew in every region", fontsize=14)
    page.insert_text((40, 130), "- Costs stayed flat", fontsize=14)
    document.new_page(width=480, height=270)
    document.save(str(path))
    return path


def presenter_corner(frame_height: int = SIZE[1], scale: float = 0.25) -> Box:
    height = round(frame_height * scale)
    width = round(height * 0.8)
    margin = round(frame_height * MARGIN)
    return (SIZE[0] - width - margin - 1, SIZE[1] - height - margin - 1, SIZE[0], SIZE[1])


def motion(video: Path, start: float, end: float, box: Box) -> int:
    # From a little after the slide's start: x264 sharpens a new picture over a few frames.
    frames = [f for t, f in decoded_frames(video, "rgb24") if start + 0.3 < t < end - 0.1]
    return sum(changed_pixels(a, b, box) for a, b in itertools.pairwise(frames))


def test_render_with_the_local_presenter(stack: Stack, tmp_path: Path) -> None:
    deck = two_page_pdf(tmp_path / "review.pdf")
    out = tmp_path / "out"
    result = subprocess.run(
        [sys.executable, "-m", "slidespeaker.cli.main", "render", str(deck), "--out", str(out),
         "--avatar", "local", "--subtitles", "burn", "--width", str(SIZE[0]),
         "--height", str(SIZE[1])],
        env=stack.env, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-3000:]
    job = json.loads((out / "job.json").read_text())
    assert job["status"] == "completed"
    assert not [w for w in job["warnings"] if w["code"] == "avatar_clip_unusable"]
    spoken, silent = job["slides"]["1"], job["slides"]["2"]
    assert spoken["phonemes_key"], "Piper's phoneme timings reach the presenter"
    assert spoken["composed_avatar_key"] and silent["composed_avatar_key"]
    assert {"avatar_slide/1", "avatar_slide/2"} <= set(job["tasks"]), "the presenter was asked"

    video = out / "video.mp4"
    info = probe(video)
    assert abs(info.video.duration - info.audio.duration) <= 0.04, "within one 25 fps frame"
    end_of_first = spoken["duration"]
    corner = presenter_corner()
    above = (0, 0, SIZE[0], corner[1] - 2)
    assert motion(video, 0, end_of_first, corner) > 0, "the presenter talks on slide 1"
    # Burned-in captions change above the presenter, so the slide area is checked on the
    # silent slide, which has none.
    assert motion(video, end_of_first, info.video.duration, above) == 0


async def test_a_job_without_a_presenter_sends_no_avatar_task(stack: Stack, tmp_path: Path) -> None:
    deck = two_page_pdf(tmp_path / "review.pdf")
    options = ev.JobOptions(width=SIZE[0], height=SIZE[1])
    state = await run_job(stack.url, stack.home, stack.prefix, deck, deck.name, options)
    assert state.status.value == "completed", state.error
    logged = await job_events(stack.url, stack.prefix, state.job_id)
    stages = {e.task.stage for e in logged if isinstance(e, ev.TaskDispatched)}
    assert stages == {ev.Stage.scripter, ev.Stage.voice, ev.Stage.composer}
    assert not [e for e in logged if isinstance(e, ev.AvatarRendered)]
    assert state.outputs is not None
    video = probe(StoredFiles(stack.home).path(state.outputs.video_key))
    assert abs(video.video.duration - state.outputs.duration) < 0.1


async def job_end(stack: Stack, job_id: str, timeout: float) -> JobState:
    redis = Redis.from_url(stack.url)
    try:
        log = EventLog(redis, Keys(stack.prefix))
        deadline = time.monotonic() + timeout
        while not (state := fold(await log.read(job_id))).status.terminal:
            assert time.monotonic() < deadline, f"job {job_id} did not end: {state.status}"
            await asyncio.sleep(0.1)
        return state
    finally:
        await redis.aclose()


async def planted_job(stack: Stack, tmp_path: Path, clips: list[Path | None]) -> str:
    """A job whose slides are rendered, voiced and given the clips: the log the scripter,
    voice and avatar services would have written. The dispatcher and composer take it on."""
    storage = StoredFiles(stack.home)
    job = f"planted{tmp_path.name[-12:]}".replace("_", "")
    events: list[ev.Event] = [
        ev.JobSubmitted(job_id=job, filename="planted.pdf", deck_key="none",
                        options=ev.JobOptions(avatar="local", width=SIZE[0], height=SIZE[1])),
        ev.DeckParsed(job_id=job, format="pdf", slide_count=len(clips)),
        ev.TaskCompleted(job_id=job, task=TaskRef(action=Action.script_deck)),
    ]  # fmt: skip
    for number, clip in enumerate(clips, start=1):
        image = storage_keys.slide_image(job, number)
        audio = cache_entry(Cache.audio, f"{job}{number}", ".wav")
        for key in (image, audio):
            storage.path(key).parent.mkdir(parents=True, exist_ok=True)
        slide_picture(storage.path(image), SIZE, (50 * number, 90, 150))
        narration(storage.path(audio), 2.0)
        clip_key = None
        if clip is not None:
            clip_key = storage_keys.avatar_clip(job, number, ".mov")
            home_store(stack.home).put_file(clip_key, clip)
        events += [
            ev.SlideRendered(job_id=job, slide=number, image_key=image, width=SIZE[0],
                             height=SIZE[1]),
            ev.SlideScripted(job_id=job, slide=number, narration="Words.", source="notes"),
            ev.SlideVoiced(job_id=job, slide=number, audio_key=audio, duration=2.0, voice="v"),
            ev.AvatarRendered(job_id=job, slide=number, video_key=clip_key),
            ev.TaskCompleted(job_id=job, task=TaskRef(action=Action.voice_slide, slide=number)),
            ev.TaskCompleted(job_id=job, task=TaskRef(action=Action.avatar_slide, slide=number)),
        ]  # fmt: skip
    redis = Redis.from_url(stack.url)
    try:
        await EventLog(redis, Keys(stack.prefix)).append(*events)
    finally:
        await redis.aclose()
    return job


async def test_unusable_clips_give_warnings_and_a_complete_video(
    stack: Stack, tmp_path: Path
) -> None:
    height = round(SIZE[1] * 0.25)
    good = talking_clip(tmp_path / "good.mov", 2.0, height)
    truncated = tmp_path / "truncated.mov"
    truncated.write_bytes(good.read_bytes()[: good.stat().st_size // 2])
    too_long = talking_clip(tmp_path / "long.mov", 3.0, height)
    job = await planted_job(stack, tmp_path, [good, truncated, too_long, None])

    state = await job_end(stack, job, timeout=120)
    assert state.status == "completed", state.error
    unusable = {w.slide: w.message for w in state.warnings if w.code == "avatar_clip_unusable"}
    assert set(unusable) == {2, 3}
    assert "slide 2" in unusable[2] and "cannot be decoded" in unusable[2]
    assert "slide 3" in unusable[3] and "lasts 3.00 s" in unusable[3]
    assert state.slides[1].composed_avatar_key
    assert not any(state.slides[n].composed_avatar_key for n in (2, 3, 4))

    assert state.outputs is not None
    video = StoredFiles(stack.home).path(state.outputs.video_key)
    info = probe(video)
    slides = [state.slides[n].duration or 0.0 for n in (1, 2, 3, 4)]
    assert abs(info.video.duration - sum(slides)) <= 0.04
    assert abs(info.audio.duration - info.video.duration) <= 0.04
    corner = presenter_corner()
    assert motion(video, 0, slides[0], corner) > 0
    assert motion(video, slides[0], sum(slides), corner) == 0, "no presenter on slides 2-4"
