"""The presenter's clips, checked before they are composed, and gathered for the overlay.

A clip (drawn locally or downloaded from HeyGen) is decoded in full and its length compared
with the slide's narration. One that is missing, corrupt, truncated or of the wrong length
is not worth failing the video for: the slide is composed without the presenter and a
warning says which slide and why.
"""

from __future__ import annotations

import asyncio
import dataclasses
from pathlib import Path

from slidespeaker.common import events as ev
from slidespeaker.common.cancel import CancelToken
from slidespeaker.common.deadlines import media_timeout
from slidespeaker.common.fold import SlideState
from slidespeaker.common.runtime import TaskContext
from slidespeaker.common.storage import MissingObject
from slidespeaker.composer.ffmpeg import MediaError, run_ffmpeg
from slidespeaker.composer.overlay import PresenterTrack, SlideClip
from slidespeaker.composer.pointer import on_frame

LENGTH_TOLERANCE_S = 0.2  # between a clip and the narration it shows being spoken
WARNING_CODE = "avatar_clip_unusable"


async def checked_clip(
    ctx: TaskContext, slide: SlideState, expected: float
) -> tuple[str | None, list[ev.Event]]:
    """The slide's clip key if it can be used (else None), and a warning if not."""
    if slide.avatar_key is None:
        return None, []
    try:
        clip = await asyncio.to_thread(fetched_clip, ctx, slide.avatar_key)
        decoded = await asyncio.to_thread(
            decoded_seconds, clip, token=ctx.token, timeout=media_timeout(expected)
        )
    except MediaError as e:
        return None, [_unusable(ctx.job_id, slide.number, f"its clip cannot be decoded ({e})")]
    if abs(decoded - expected) > LENGTH_TOLERANCE_S:
        why = f"its clip lasts {decoded:.2f} s but the narration {expected:.2f} s"
        return None, [_unusable(ctx.job_id, slide.number, why)]
    return slide.avatar_key, []


def presenter_track(ctx: TaskContext, slides: list[SlideState]) -> PresenterTrack | None:
    """The checked clips on the video's timeline, fetched into the task's scratch; None when
    no slide has one (the video is then made the still-slide way)."""
    options = ctx.state.options
    track = PresenterTrack(
        [], options.width, options.height, options.avatar_position, options.avatar_scale
    )
    clips: list[SlideClip] = []
    start = 0.0
    for slide in slides:
        end = start + (slide.duration or 0.0)
        if slide.composed_avatar_key:
            clip = ctx.storage.fetch(slide.composed_avatar_key)
            corner = presenter_corner(track, slide, options.pointer)
            clips.append(SlideClip(clip, start, end, slide.avatar_start, corner))
        start = end
    return dataclasses.replace(track, clips=clips) if clips else None


def presenter_corner(track: PresenterTrack, slide: SlideState, pointer: str) -> str:
    """The presenter's corner on the slide: clear of the blocks the pointer marks on it."""
    if slide.page is None or pointer == "none":
        return track.position
    frame = (track.frame_width, track.frame_height)
    text = [on_frame(block.box, slide.page, frame) for block in slide.blocks]
    marked = [text[link.block] for link in slide.links if 0 <= link.block < len(text)]
    return track.corner_clear_of(marked, text)


def fetched_clip(ctx: TaskContext, key: str) -> Path:
    try:
        return ctx.storage.fetch(key)
    except MissingObject as e:
        raise MediaError("its clip is missing") from e


def decoded_seconds(clip: Path, *, token: CancelToken, timeout: float) -> float:
    """Decode the clip's picture in full (any error fails it) and say how long it lasts."""
    seen = [0.0]  # ffmpeg's last progress report is the time decoded to the end
    decode: list[str | Path] = ["-xerror", "-i", clip, "-map", "0:v:0", "-f", "null", "-"]
    run_ffmpeg(decode, token=token, timeout=timeout, on_progress=seen.append)
    return seen[-1]


def _unusable(job_id: str, slide: int, why: str) -> ev.JobWarning:
    message = f"slide {slide} is shown without the presenter: {why}"
    return ev.JobWarning(job_id=job_id, code=WARNING_CODE, message=message, slide=slide)
