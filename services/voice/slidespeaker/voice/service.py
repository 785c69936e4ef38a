"""The voice service: speaks one slide's narration, or one turn of the podcast, and
records its audio (at one loudness, made once: see audio_cache.py) and timings."""

from __future__ import annotations

import asyncio

from slidespeaker.common import events as ev
from slidespeaker.common.keys import Keys
from slidespeaker.common.lexicon import Lexicon
from slidespeaker.common.runtime import StageHandlers, TaskContext, run_stage
from slidespeaker.common.scratch import Scratch
from slidespeaker.common.settings import Settings
from slidespeaker.voice.audio_cache import Timings, Utterance, voiced_once
from slidespeaker.voice.catalog import local_voices, publish
from slidespeaker.voice.choice import choose_voice, deck_language, unspoken_warning
from slidespeaker.voice.provider import VoiceProvider, synthesize
from slidespeaker.voice.providers import get_provider
from slidespeaker.voice.reading import reader, spoken_text
from slidespeaker.voice.samples import start_sample_thread
from slidespeaker.voice.sentences import split_sentences
from slidespeaker.voice.turns import voice_turn


async def voice_slide(ctx: TaskContext) -> list[ev.Event]:
    assert ctx.task.slide is not None
    slide = ctx.state.slide(ctx.task.slide)
    options = ctx.state.options
    provider = get_provider(options.voice_provider)
    voice = options.voice or provider.default_voice
    text = slide.narration or ""
    if not text.strip():
        return [_voiced(ctx, provider, voice, None, _silence())]
    choice = await asyncio.to_thread(
        choose_voice, options, slide.language or options.language, deck_language(ctx.state)
    )
    provider, voice = choice.provider, choice.voice
    said: list[ev.Event] = []
    if choice.unspoken:
        warning = unspoken_warning(choice, f"slide {slide.source_slide or slide.number}")
        said.append(ev.JobWarning(job_id=ctx.job_id, slide=slide.number, code="voice_language",
                                  message=warning))  # fmt: skip
    read = reader(choice.language, Lexicon(options.lexicon))
    spoken = spoken_text(split_sentences(text), read)  # the lexicon and reading rules, applied
    engine = await asyncio.to_thread(provider.engine_version, voice)
    utterance = Utterance(f"{text}\n\n{spoken}", provider.name, engine, voice, options.rate)
    key, timings = await voiced_once(
        ctx, utterance, lambda: synthesize(provider, text, voice, options.rate, ctx.token, read)
    )
    return [*said, _voiced(ctx, provider, voice, key, timings)]


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
    scratch = Scratch(settings.scratch_dir, "voice")
    if settings.redis_url:
        publish(settings.redis_url, Keys(settings.key_prefix), local_voices())
        start_sample_thread(settings.redis_url, settings, scratch)
    run_stage(HANDLERS, settings, scratch)
