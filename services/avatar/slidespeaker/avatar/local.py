"""The local presenter of one slide: its mouth from the voice's phoneme timings (or, for
engines without them, from the audio's loudness), drawn for as long as the slide speaks.

A slide with nothing to say gets an idle clip (blinking, mouth closed) as long as the
composer holds it on screen, so the presenter does not vanish and come back between slides.
"""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import numpy as np

from slidespeaker.avatar.clip_writer import FFMPEG
from slidespeaker.avatar.figure import Mouth
from slidespeaker.avatar.motion import seed_for
from slidespeaker.avatar.presenter import FPS, frame_count, render_presenter
from slidespeaker.avatar.visemes import Phoneme, mouths_from_loudness, mouths_from_phonemes
from slidespeaker.common.cancel import CancelToken
from slidespeaker.common.deadlines import media_timeout
from slidespeaker.common.fold import SlideState
from slidespeaker.common.process import run_child
from slidespeaker.common.runtime import TaskContext
from slidespeaker.common.storage import Storage

LOUDNESS_RATE = 16000  # Hz: plenty to tell speech from silence


def clip_seconds(ctx: TaskContext, slide: SlideState) -> float:
    """How long the slide's clip lasts: its narration, or the hold of a silent slide."""
    return (slide.audio_duration or 0.0) if slide.audio_key else ctx.settings.hold_s


async def render_local_clip(ctx: TaskContext, workdir: Path) -> Path:
    """The presenter_clip renderer for `--avatar local`."""
    assert ctx.task.slide is not None
    slide = ctx.state.slide(ctx.task.slide)
    options = ctx.state.options
    seconds = clip_seconds(ctx, slide)
    timeout = media_timeout(seconds)
    mouths = await asyncio.to_thread(
        slide_mouths, ctx.storage, slide, frame_count(seconds), workdir, ctx.token, timeout
    )
    out = workdir / "presenter.mov"
    await asyncio.to_thread(
        render_presenter, mouths, out, height=round(options.height * options.avatar_scale),
        seed=seed_for(slide.audio_key, slide.number), token=ctx.token, timeout=timeout,
    )  # fmt: skip
    return out


def slide_mouths(
    storage: Storage, slide: SlideState, frames: int, workdir: Path, token: CancelToken,
    timeout: float,
) -> list[Mouth]:  # fmt: skip
    if slide.audio_key is None:
        return [Mouth.closed] * frames
    if slide.phonemes_key and storage.exists(slide.phonemes_key):
        rows = json.loads(storage.read_bytes(slide.phonemes_key))
        phonemes: list[Phoneme] = [(str(s), float(a), float(b)) for s, a, b in rows]
        return mouths_from_phonemes(phonemes, frames, FPS)
    samples = decoded_audio(storage.fetch(slide.audio_key), workdir, token, timeout)
    return mouths_from_loudness(samples, LOUDNESS_RATE, frames, FPS)


def decoded_audio(audio: Path, workdir: Path, token: CancelToken, timeout: float) -> np.ndarray:
    """The audio (any format ffmpeg reads: Piper's WAV, a hosted voice's MP3) as mono samples."""
    raw = workdir / "audio.s16"
    result = run_child(
        [FFMPEG, "-nostdin", "-loglevel", "error", "-y", "-i", audio, "-map", "0:a:0",
         "-ac", "1", "-ar", str(LOUDNESS_RATE), "-f", "s16le", raw],
        token=token, timeout=timeout,
    )  # fmt: skip
    if result.returncode != 0:
        raise RuntimeError(f"the narration audio cannot be decoded: {result.stderr.strip()}")
    return np.fromfile(raw, dtype="<i2")
