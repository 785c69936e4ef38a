"""The voice service: speaks one slide's narration and records its audio and timings.

Audio is keyed by everything that produced it (text, provider, voice, rate, engine
version), so a redelivered task or a re-run of the same deck never synthesises the same
narration twice, and a change to any of them never reuses stale audio.
"""

from __future__ import annotations

import asyncio
import json

from slidespeaker.common import events as ev
from slidespeaker.common.keys import Keys
from slidespeaker.common.lexicon import Lexicon
from slidespeaker.common.runtime import StageHandlers, TaskContext, run_stage
from slidespeaker.common.settings import Settings
from slidespeaker.common.storage_keys import Cache, beside, cached
from slidespeaker.voice import language
from slidespeaker.voice.catalog import local_voices, publish
from slidespeaker.voice.choice import choose_voice
from slidespeaker.voice.config import VoiceSettings
from slidespeaker.voice.loudness import normalized
from slidespeaker.voice.phonemes import store_phonemes
from slidespeaker.voice.provider import VoiceProvider, synthesize
from slidespeaker.voice.providers import get_provider
from slidespeaker.voice.reading import reader, spoken_text
from slidespeaker.voice.samples import start_sample_thread
from slidespeaker.voice.sentences import split_sentences
from slidespeaker.voice.speech import Speech
from slidespeaker.voice.turns import voice_turn

# 2: word timings beside the captions; 3: loudness normalised; 4: measured and limited
# in-process (the limiter's envelope differs from ffmpeg's alimiter)
CACHE_FORMAT = 4
Timings = dict[str, object]  # the fields of SlideVoiced that describe the audio


def audio_key(
    text: str, provider: str, voice: str, rate: float, engine: str, loudness: float
) -> str:
    produced_by = [CACHE_FORMAT, provider, engine, voice, rate, loudness, text]
    return cached(Cache.audio, produced_by, ".wav")


async def voice_slide(ctx: TaskContext) -> list[ev.Event]:
    assert ctx.task.slide is not None
    slide = ctx.state.slide(ctx.task.slide)
    options = ctx.state.options
    provider = get_provider(options.voice_provider)
    voice = options.voice or provider.default_voice
    text = slide.narration or ""
    if not text.strip():
        return [_voiced(ctx, provider, voice, None, _silence())]
    choice = await asyncio.to_thread(choose_voice, options, text, _deck_narration(ctx))
    provider, voice = choice.provider, choice.voice
    read = reader(choice.language, Lexicon(options.lexicon))
    spoken = spoken_text(split_sentences(text), read)  # the lexicon and reading rules, applied
    engine = await asyncio.to_thread(provider.engine_version, voice)
    loudness = VoiceSettings().loudness_lufs
    key = audio_key(f"{text}\n\n{spoken}", provider.name, voice, options.rate, engine, loudness)
    timings_key = beside(key, "timings.json")
    if ctx.storage.exists(key) and ctx.storage.exists(timings_key):
        ctx.logger.info("voice.cached", audio_key=key)
        return [_voiced(ctx, provider, voice, key, json.loads(ctx.storage.read_bytes(timings_key)))]
    speech = await asyncio.to_thread(
        synthesize, provider, text, voice, options.rate, ctx.token, read
    )
    speech = await asyncio.to_thread(normalized, speech, loudness, ctx.token)
    with ctx.storage.writing(key) as tmp:
        speech.write_wav(tmp)
    timings = _timings(speech)
    if speech.phonemes:  # stored with the timings, so cached audio keeps its phonemes
        timings["phonemes_key"] = store_phonemes(ctx.storage, key, speech.phonemes)
    ctx.storage.write_text(timings_key, json.dumps(timings))
    ctx.logger.info(
        "voice.synthesized", audio_key=key, duration=round(speech.duration, 3),
        timing=speech.timing, fallbacks=speech.fallbacks,
    )  # fmt: skip
    return [_voiced(ctx, provider, voice, key, timings)]


def _deck_narration(ctx: TaskContext) -> str:
    """Every slide's narration: the language of a slide too short to tell is the deck's."""
    return "\n".join(slide.narration or "" for slide in ctx.state.slides.values())


def _timings(speech: Speech) -> Timings:
    """What is stored beside the audio: everything SlideVoiced says about it."""
    return {
        "duration": speech.duration,
        "cues": [c.model_dump() for c in speech.cues],
        "words": [w.model_dump() for w in speech.words],
        "timing": speech.timing,
        "fallbacks": speech.fallbacks,
    }


def _silence() -> Timings:
    return {"duration": 0.0, "cues": [], "words": [], "timing": "word", "fallbacks": []}


def _voiced(
    ctx: TaskContext, provider: VoiceProvider, voice: str, key: str | None, timings: Timings
) -> ev.SlideVoiced:
    assert ctx.task.slide is not None
    return ev.SlideVoiced.model_validate(
        {**timings, "job_id": ctx.job_id, "slide": ctx.task.slide, "audio_key": key,
         "voice": voice, "provider": provider.name}
    )  # fmt: skip


# A slide's narration, or one turn of the podcast (the same consumer group serves both).
HANDLERS: StageHandlers = {ev.Action.voice_slide: voice_slide, ev.Action.voice_turn: voice_turn}


def run(settings: Settings) -> None:
    provider = get_provider("piper")
    provider.sample_rate(provider.default_voice)  # load Piper once, before the first slide
    language.warm_up()  # and the language detector's models
    if settings.redis_url:
        publish(settings.redis_url, Keys(settings.key_prefix), local_voices())
        start_sample_thread(settings.redis_url, settings)
    run_stage(HANDLERS, settings)
