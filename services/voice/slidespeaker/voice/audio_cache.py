"""Voiced audio, made once and kept: a slide's narration and a podcast turn alike.

The voice service owns the level of all it speaks: each piece is brought to one EBU R128
integrated loudness (SLIDESPEAKER_LOUDNESS_LUFS, see loudness.py) before it is stored, so
slides, the host and the guest sound equally loud and nothing downstream changes a level.
The audio is keyed by everything that produced it (what is said, the provider, engine,
voice, rate, pitch and the loudness), so a redelivered task or a re-run never speaks it
twice and a change to any of them never reuses stale audio. Its timings (and Piper's
phonemes) are kept beside it.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable
from dataclasses import astuple, dataclass

from slidespeaker.common.runtime import TaskContext
from slidespeaker.common.storage_keys import Cache, beside, cached
from slidespeaker.voice.config import VoiceSettings
from slidespeaker.voice.loudness import normalized
from slidespeaker.voice.phonemes import store_phonemes
from slidespeaker.voice.speech import Speech

# 6: FLAC, not WAV; 5: slides and podcast turns in one cache, turns brought to the
# loudness here (the composer levelled them before); 4: measured and limited in-process
CACHE_FORMAT = 6
Timings = dict[str, object]  # what is kept beside the audio: SlideVoiced's fields about it


@dataclass(frozen=True)
class Utterance:
    """What makes a piece of audio what it is."""

    text: str  # as written and as read (the lexicon and reading rules applied)
    provider: str
    engine: str  # the provider's engine version
    voice: str
    rate: float
    pitch: float = 1.0


def audio_key(utterance: Utterance, loudness_lufs: float) -> str:
    return cached(Cache.audio, [CACHE_FORMAT, loudness_lufs, *astuple(utterance)], ".flac")


async def voiced_once(
    ctx: TaskContext, utterance: Utterance, speak: Callable[[], Speech]
) -> tuple[str, Timings]:
    """The key of the audio `speak` makes, at the loudness, and its timings: from the cache
    when it was made before."""
    loudness = VoiceSettings().loudness_lufs
    key = audio_key(utterance, loudness)
    timings_key = beside(key, "timings.json")
    if ctx.storage.exists(key) and ctx.storage.exists(timings_key):
        ctx.logger.info("voice.cached", audio_key=key)
        return key, json.loads(ctx.storage.read_bytes(timings_key))
    speech = await asyncio.to_thread(speak)
    speech = await asyncio.to_thread(normalized, speech, loudness, ctx.token)
    with ctx.storage.writing(key) as tmp:
        await asyncio.to_thread(speech.write_flac, tmp, ctx.token)
    timings = speech_timings(speech)
    if speech.phonemes:  # stored with the timings, so cached audio keeps its phonemes
        timings["phonemes_key"] = store_phonemes(ctx.storage, key, speech.phonemes)
    ctx.storage.write_text(timings_key, json.dumps(timings))
    ctx.logger.info(
        "voice.synthesized", audio_key=key, duration=round(speech.duration, 3),
        timing=speech.timing, fallbacks=speech.fallbacks,
    )  # fmt: skip
    return key, timings


def speech_timings(speech: Speech) -> Timings:
    return {
        "duration": speech.duration,
        "cues": [c.model_dump() for c in speech.cues],
        "words": [w.model_dump() for w in speech.words],
        "timing": speech.timing,
        "fallbacks": speech.fallbacks,
    }
