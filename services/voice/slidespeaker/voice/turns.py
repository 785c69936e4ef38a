"""Voicing one turn of the podcast: the same providers as the slides, in the speaker's voice.

A turn is read as a slide is: the job's lexicon, then (in English) the reading rules for
figures, dates and addresses, with the captions keeping the written words. Like a slide's
audio, a turn's is brought to the loudness and kept in the audio cache (audio_cache.py).
"""

from __future__ import annotations

import asyncio
import tempfile
import wave
from dataclasses import replace
from pathlib import Path

import imageio_ffmpeg
import numpy as np

from slidespeaker.common import events as ev
from slidespeaker.common.cancel import CancelToken
from slidespeaker.common.errors import BadInput
from slidespeaker.common.fold import TurnState
from slidespeaker.common.languages import base_language
from slidespeaker.common.lexicon import Lexicon
from slidespeaker.common.process import run_child
from slidespeaker.common.runtime import TaskContext
from slidespeaker.voice.audio_cache import Utterance, voiced_once
from slidespeaker.voice.choice import (
    choose_voice,
    deck_language,
    unspoken_warning,
    voice_language,
)
from slidespeaker.voice.podcast_voices import SpeakerVoice, speaker_voice
from slidespeaker.voice.provider import VoiceProvider, synthesize
from slidespeaker.voice.providers import get_provider
from slidespeaker.voice.reading import Reader, reader, spoken_text
from slidespeaker.voice.sentences import split_sentences
from slidespeaker.voice.speech import Speech

FFMPEG = imageio_ffmpeg.get_ffmpeg_exe()
SHIFT_TIMEOUT_S = 120.0


async def voice_turn(ctx: TaskContext) -> list[ev.Event]:
    assert ctx.task.turn is not None
    if not 1 <= ctx.task.turn <= len(ctx.state.turns):
        raise BadInput(f"the podcast has no turn {ctx.task.turn}")
    turn = ctx.state.turns[ctx.task.turn - 1]
    provider, speaker, warnings = await _speaker(ctx, turn)
    read = await _reader(ctx, provider, speaker.voice, turn)
    spoken = spoken_text(split_sentences(turn.text), read)
    engine = await asyncio.to_thread(provider.engine_version, speaker.voice)
    utterance = Utterance(
        f"{turn.text}\n\n{spoken}", provider.name, engine, speaker.voice, speaker.rate,
        speaker.pitch,
    )  # fmt: skip

    def speak() -> Speech:
        speech = synthesize(provider, turn.text, speaker.voice, speaker.rate, ctx.token, read)
        if not speech.samples.any():
            raise RuntimeError(f"{provider.name} gave silence for turn {ctx.task.turn}")
        return pitched(speech, speaker.pitch, ctx.token)

    key, timings = await voiced_once(ctx, utterance, speak)
    said = {name: timings[name] for name in ("duration", "cues", "words")}
    return [
        *warnings,
        ev.TurnVoiced.model_validate(
            {**said, "job_id": ctx.job_id, "turn": ctx.task.turn, "speaker": turn.speaker,
             "audio_key": key, "voice": speaker.label, "provider": provider.name}
        )
    ]  # fmt: skip


async def _speaker(
    ctx: TaskContext, turn: TurnState
) -> tuple[VoiceProvider, SpeakerVoice, list[ev.Event]]:
    """Who speaks the turn, in which voice: the voices the job names, else, as for a slide, a
    voice that speaks the turn's language as the scripter recorded it (an English voice
    never reads a Hebrew turn), with a warning where no voice here speaks it."""
    options = ctx.state.options
    if options.host_voice or options.guest_voice:  # voices of the job's provider
        provider = get_provider(options.voice_provider)
        return provider, speaker_voice(provider, options, turn.speaker), []
    language = turn.language or options.language
    choice = await asyncio.to_thread(choose_voice, options, language, deck_language(ctx.state))
    speaking = options.model_copy(update={"voice": choice.voice})
    warnings: list[ev.Event] = []
    if choice.unspoken:
        message = unspoken_warning(choice, f"podcast turn {ctx.task.turn}")
        warnings.append(ev.JobWarning(job_id=ctx.job_id, code="voice_language", message=message))
    return choice.provider, speaker_voice(choice.provider, speaking, turn.speaker), warnings


async def _reader(ctx: TaskContext, provider: VoiceProvider, voice: str, turn: TurnState) -> Reader:
    """How the turn is read: in the voice's own language where it has one, else the turn's,
    with the job's lexicon."""
    options = ctx.state.options
    own = await asyncio.to_thread(voice_language, provider, voice)
    language = own or turn.language or options.language
    return reader(base_language(language) if language else None, Lexicon(options.lexicon))


def pitched(speech: Speech, pitch: float, token: CancelToken) -> Speech:
    """The speech pitched by `pitch` (formants with it), sample for sample as long as it was
    spoken, so its word timings still hold."""
    if pitch == 1.0:
        return speech
    with tempfile.TemporaryDirectory(prefix="turn-") as work:
        spoken, out = Path(work) / "spoken.wav", Path(work) / "pitched.wav"
        speech.write_wav(spoken)
        length = len(speech.samples)  # rubberband may end a few samples early or late
        shift = f"rubberband=pitch={pitch}:formant=shifted,apad=whole_len={length}"
        command = [FFMPEG, "-hide_banner", "-nostdin", "-loglevel", "error", "-y", "-i", spoken,
                   "-af", f"{shift},atrim=end_sample={length}", "-c:a", "pcm_s16le",
                   "-map_metadata", "-1", "-fflags", "+bitexact", "-f", "wav", out]  # fmt: skip
        done = run_child(command, token=token, timeout=SHIFT_TIMEOUT_S)
        if done.returncode != 0:
            raise RuntimeError(f"ffmpeg could not pitch the guest's voice: {done.stderr.strip()}")
        with wave.open(str(out), "rb") as shifted:
            samples = np.frombuffer(shifted.readframes(shifted.getnframes()), dtype="<i2")
    if len(samples) != len(speech.samples):
        raise RuntimeError("the pitched voice came out longer or shorter than it was spoken")
    return replace(speech, samples=samples.astype(np.int16))
