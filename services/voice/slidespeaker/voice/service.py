"""The voice service: speaks one slide's narration and records its audio and timings.

Audio is keyed by what produced it (text, provider, voice), so a redelivered task or a
re-run of the same deck never synthesises the same narration twice.
"""

from __future__ import annotations

import asyncio
import hashlib
import json

from slidespeaker.common import events as ev
from slidespeaker.common.events import Cue
from slidespeaker.common.runtime import TaskContext, run_stage
from slidespeaker.common.settings import Settings
from slidespeaker.voice import piper_engine

PROVIDER = "piper"


def audio_key(text: str, voice: str) -> str:
    digest = hashlib.sha256(json.dumps([PROVIDER, voice, text]).encode()).hexdigest()
    return f"cache/audio/{digest[:2]}/{digest}.wav"


async def voice_slide(ctx: TaskContext) -> list[ev.Event]:
    assert ctx.task.slide is not None
    slide = ctx.state.slide(ctx.task.slide)
    voice = ctx.state.options.voice or piper_engine.DEFAULT_VOICE
    text = slide.narration or ""
    if not text.strip():
        return [_voiced(ctx, None, 0.0, voice, [])]
    key = audio_key(text, voice)
    cues_key = key.removesuffix(".wav") + ".cues.json"
    if ctx.storage.exists(key) and ctx.storage.exists(cues_key):
        ctx.logger.info("voice.cached", audio_key=key)
        cached = json.loads(ctx.storage.read_bytes(cues_key))
        return [_voiced(ctx, key, cached["duration"], voice, [Cue(**c) for c in cached["cues"]])]
    speech = await asyncio.to_thread(piper_engine.synthesize, text, ctx.token, voice)
    with ctx.storage.writing(key) as tmp:
        speech.write_wav(tmp)
    cues_json = {"duration": speech.duration, "cues": [c.model_dump() for c in speech.cues]}
    ctx.storage.write_text(cues_key, json.dumps(cues_json))
    ctx.logger.info("voice.synthesized", audio_key=key, duration=round(speech.duration, 3))
    return [_voiced(ctx, key, speech.duration, voice, speech.cues)]


def _voiced(
    ctx: TaskContext, key: str | None, duration: float, voice: str, cues: list[Cue]
) -> ev.SlideVoiced:
    assert ctx.task.slide is not None
    return ev.SlideVoiced(
        job_id=ctx.job_id, slide=ctx.task.slide, audio_key=key, duration=duration,
        voice=voice, cues=cues,
    )  # fmt: skip


def run(settings: Settings) -> None:
    piper_engine.load_voice()  # once, before the first slide arrives
    run_stage(ev.Stage.voice, voice_slide, settings)
