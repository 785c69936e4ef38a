"""The composer service: checks and measures each slide with its pauses (per slide, so
slides are composed as soon as they are voiced), then encodes the video, padding each
narration as it goes, and writes the subtitles and transcript once every slide is ready."""

from __future__ import annotations

import asyncio
import dataclasses
import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from slidespeaker.common import events as ev
from slidespeaker.common import storage_keys
from slidespeaker.common.deadlines import media_timeout
from slidespeaker.common.errors import BadInput
from slidespeaker.common.events import Action, Cue
from slidespeaker.common.fold import JobState, SlideState
from slidespeaker.common.runtime import StageHandlers, TaskContext, run_stage
from slidespeaker.common.settings import Settings
from slidespeaker.common.storage import MissingObject, Storage
from slidespeaker.composer.audio import SAMPLE_RATE, pad_narration
from slidespeaker.composer.builds import build_states
from slidespeaker.composer.encode_progress import EncodeProgress
from slidespeaker.composer.ffmpeg import MediaError
from slidespeaker.composer.memory_plan import (
    NARRATION_MB,
    available_mb,
    encode_need,
    parallel_encodes,
    planned_size,
    resolution_name,
)
from slidespeaker.composer.overlay import FPS
from slidespeaker.composer.podcast import compose_podcast
from slidespeaker.composer.pointer import Highlight, TimedPicture, highlights, marks
from slidespeaker.composer.presenter_clips import checked_clip, presenter_track
from slidespeaker.composer.stored_segments import StoredSegments
from slidespeaker.composer.subtitles import write_srt, write_vtt
from slidespeaker.composer.transcript import write_transcript
from slidespeaker.composer.video import SlideMedia, check_picture, compose_video, write_poster

VIDEO_OUTPUTS = ("video.mp4", "subtitles.srt", "subtitles.vtt", "transcript.md", "poster.jpg")


async def compose_slide(ctx: TaskContext) -> list[ev.Event]:
    assert ctx.task.slide is not None
    slide = ctx.state.slide(ctx.task.slide)
    if slide.image_key is None:
        raise RuntimeError(f"slide {slide.number} has no image yet")
    settings = ctx.settings
    with (
        about_slide(slide.number),
        tempfile.TemporaryDirectory(prefix="slide-", dir=ctx.scratch) as work,
    ):
        audio_in = await fetched_narration(ctx, slide.audio_key)
        picture = await asyncio.to_thread(ctx.storage.fetch, slide.image_key)
        await asyncio.to_thread(check_picture, picture)
        # Padded here only to be checked and measured: the video's encode pads it again
        # from the voiced FLAC, so no padded copy goes into the store.
        duration = await asyncio.to_thread(
            pad_narration, audio_in, Path(work) / "padded.wav",
            before=settings.pause_before_s, after=settings.pause_after_s, hold=settings.hold_s,
            token=ctx.token, timeout=media_timeout(slide.audio_duration or 0),
            multiple_of=frame_samples(ctx.state),
        )  # fmt: skip
    lead = narration_lead(ctx, slide)
    cues = [shifted(cue, lead) for cue in slide.cues]
    spoken = (slide.audio_duration or 0.0) if audio_in else duration  # what a clip must last
    clip_key, warnings = await checked_clip(ctx, slide, spoken)
    return [
        *warnings,
        ev.SlideComposed(
            job_id=ctx.job_id, slide=slide.number, narration_start=lead,
            image_key=slide.image_key, duration=duration, cues=cues, avatar_key=clip_key,
            avatar_start=lead,
        ),
    ]  # fmt: skip


async def fetched_narration(ctx: TaskContext, audio_key: str | None) -> Path | None:
    """The slide's voiced narration in this task's scratch; None for a slide with none."""
    if audio_key is None:
        return None
    try:
        return await asyncio.to_thread(ctx.storage.fetch, audio_key)
    except MissingObject as e:
        raise MediaError(f"its narration audio {audio_key.rpartition('/')[2]} is missing") from e


async def compose_video_outputs(ctx: TaskContext) -> list[ev.Event]:
    state = ctx.state
    slides = ordered_slides(state)
    media = await asyncio.to_thread(fetched_media, ctx, slides)
    await ctx.progress(f"encoding the video of {len(slides)} slides")
    keys = {name: storage_keys.output(ctx.job_id, name) for name in VIDEO_OUTPUTS}
    title = deck_title(state)
    cues = timeline_cues(slides)
    length = sum(slide.duration for slide in media)
    progress = EncodeProgress(ctx, length)
    presenter = await asyncio.to_thread(presenter_track, ctx, slides)
    free = available_mb(ctx.settings)
    states, highlights = await asyncio.to_thread(slide_cues, ctx, slides)
    marked = state.options.pointer != "none" and any(highlights)
    size, lowered = fitting_size(ctx, free, moving=presenter is not None, marked=marked)
    asked = (state.options.width, state.options.height)
    segment_mb = encode_need(moving=True, marked=marked).mb(*size, source=asked)
    encodes = parallel_encodes(segment_mb, free - NARRATION_MB, os.cpu_count() or 1)
    if presenter is not None:
        presenter = dataclasses.replace(presenter, frame_width=size[0], frame_height=size[1])
    resize = size if lowered else None  # the pictures are at the asked size already
    with (
        tempfile.TemporaryDirectory(prefix="compose-", dir=ctx.scratch) as work,
        ctx.storage.writing(keys["video.mp4"]) as tmp,
    ):
        duration = await asyncio.to_thread(
            compose_video, media, tmp, title=title, slide_titles=[chapter_name(s) for s in slides],
            token=ctx.token, timeout=media_timeout(length), workdir=Path(work),
            on_progress=progress, burn_cues=cues if state.options.subtitles == "burn" else (),
            presenter=presenter, size=resize, segment_cache=StoredSegments(ctx.storage),
            max_encodes=encodes, states=states, highlights=highlights,
            pointer=state.options.pointer,
            on_segments=lambda encoded: ctx.logger.info(
                "video.segments", encoded=encoded, reused=len(slides) - len(encoded),
                at_once=encodes,
            ),
        )  # fmt: skip
    await progress.sent()
    with ctx.storage.writing(keys["poster.jpg"]) as tmp:
        await asyncio.to_thread(write_poster, media[0].picture, tmp, resize)
    with ctx.storage.writing(keys["subtitles.srt"]) as tmp:
        write_srt(cues, tmp)
    with ctx.storage.writing(keys["subtitles.vtt"]) as tmp:
        write_vtt(cues, tmp)
    with ctx.storage.writing(keys["transcript.md"]) as tmp:
        sections = [(deck_number(s), s.title, s.narration or "") for s in slides]
        write_transcript(title, sections, tmp)
    return [
        *lowered,
        ev.VideoComposed(
            job_id=ctx.job_id, video_key=keys["video.mp4"], srt_key=keys["subtitles.srt"],
            vtt_key=keys["subtitles.vtt"], transcript_key=keys["transcript.md"], duration=duration,
            poster_key=keys["poster.jpg"],
        )
    ]  # fmt: skip


def fetched_media(ctx: TaskContext, slides: list[SlideState]) -> list[SlideMedia]:
    """Each slide's composed picture and narration in this task's scratch, with when."""
    return [slide_media(ctx.storage, slide) for slide in slides]


def slide_media(storage: Storage, slide: SlideState) -> SlideMedia:
    picture = storage.fetch(slide.composed_image_key or "")
    if slide.composed_audio_key:  # composed by version 1, which stored it padded
        return SlideMedia(picture, storage.fetch(slide.composed_audio_key), slide.duration or 0.0)
    narration = storage.fetch(slide.audio_key) if slide.audio_key else None
    return SlideMedia(picture, narration, slide.duration or 0.0, slide.narration_start)


def narration_lead(ctx: TaskContext, slide: SlideState) -> float:
    """The silence before a slide's narration, where it has any."""
    return ctx.settings.pause_before_s if slide.audio_key else 0.0


def slide_cues(
    ctx: TaskContext, slides: list[SlideState]
) -> tuple[list[list[TimedPicture]], list[list[Highlight]]]:
    """Each slide's build states and the blocks its narration talks about, and when (none
    for a slide without builds or links)."""
    states: list[list[TimedPicture]] = []
    marked: list[list[Highlight]] = []
    for slide in slides:
        if slide.page is None or not (slide.builds or slide.links):
            states.append([])
            marked.append([])
            continue
        found = marks(slide.links, slide.words or slide.cues, narration_lead(ctx, slide))
        before = [ctx.storage.fetch(build.image_key) for build in slide.builds]
        states.append(build_states(before, slide.builds, found, speech_span(ctx, slide)))
        marked.append(highlights(found, slide.blocks, slide.page))
    return states, marked


def speech_span(ctx: TaskContext, slide: SlideState) -> tuple[float, float]:
    """When the slide's narration starts and ends; a silent slide's whole time."""
    if not slide.audio_key:
        return 0.0, slide.duration or 0.0
    lead = narration_lead(ctx, slide)
    return lead, lead + (slide.audio_duration or 0.0)


def frame_samples(state: JobState) -> int:
    """What a slide's audio is a whole number of samples of. With a presenter, a video
    frame's: every slide then starts on a frame, so its segment is the same wherever the
    slide falls and a deck rendered again after one slide changed reuses the others'."""
    return SAMPLE_RATE // FPS if state.options.avatar != "none" else 1


def fitting_size(
    ctx: TaskContext, free: float, *, moving: bool, marked: bool
) -> tuple[tuple[int, int], list[ev.Event]]:
    """The video's size: the one asked for, or a lower step that `free` MB can encode (with
    a warning saying so) rather than an encode killed for want of memory. `marked`: the
    pointer marks blocks on some slide."""
    options = ctx.state.options
    asked = (options.width, options.height)
    size = planned_size(*asked, free, encode_need(moving=moving, marked=marked))
    if size == asked:
        return size, []
    message = (
        f"the video is {resolution_name(size[1])} ({size[0]}x{size[1]}) instead of "
        f"{resolution_name(asked[1])} ({asked[0]}x{asked[1]}): encoding that needs more "
        f"memory than the {free:.0f} MB free"
    )
    return size, [ev.JobWarning(job_id=ctx.job_id, code="resolution_lowered", message=message)]


@contextmanager
def about_slide(number: int) -> Iterator[None]:
    """A slide whose media cannot be used fails the job at once, saying which slide:
    composing it again would fail the same way."""
    try:
        yield
    except MediaError as e:
        raise BadInput(f"slide {number} cannot be composed: {e}") from e


def deck_title(state: JobState) -> str:
    """What the video and transcript are called: the deck's file name without its suffix."""
    return Path(state.filename).stem or "Deck"


def deck_number(slide: SlideState) -> int:
    """What the transcript and chapters call a slide: its number in the deck (hidden slides
    counted, or its PDF page), which stays right when only some slides are rendered."""
    return slide.source_slide or slide.number


def chapter_name(slide: SlideState) -> str:
    return slide.title or f"Slide {deck_number(slide)}"


def ordered_slides(state: JobState) -> list[SlideState]:
    return [state.slide(n) for n in range(1, (state.slide_count or 0) + 1)]


def timeline_cues(slides: list[SlideState]) -> list[Cue]:
    """The slides' cues on the video's timeline: each slide starts where the last one ended."""
    cues: list[Cue] = []
    start = 0.0
    for slide in slides:
        cues.extend(shifted(cue, start) for cue in slide.composed_cues)
        start += slide.duration or 0.0
    return cues


def shifted(cue: Cue, offset: float) -> Cue:
    return Cue(text=cue.text, start=cue.start + offset, end=cue.end + offset)


HANDLERS: StageHandlers = {
    Action.compose_slide: compose_slide,
    Action.compose_video: compose_video_outputs,
    Action.compose_podcast: compose_podcast,
}


def run(settings: Settings) -> None:
    run_stage(HANDLERS, settings)
