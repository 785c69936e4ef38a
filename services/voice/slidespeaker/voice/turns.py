"""Voicing one turn of the podcast: the same providers as the slides, in the speaker's voice.

A turn is read as a slide is: the job's lexicon, then (in English) the reading rules for
figures, dates and addresses, with the captions keeping the written words. Like a slide's
audio, a turn's is keyed by everything that produced it (text as written and as read,
provider, voice, rate, pitch, engine), so a redelivered task or a re-run never speaks it
twice.
"""

from __future__ import annotations

import asyncio
import json
import tempfile
import wave
from pathlib import Path

import imageio_ffmpeg

from slidespeaker.common import events as ev
from slidespeaker.common.cancel import CancelToken
from slidespeaker.common.errors import BadInput
from slidespeaker.common.fold import TurnState
from slidespeaker.common.lexicon import Lexicon
from slidespeaker.common.process import run_child
from slidespeaker.common.runtime import TaskContext
from slidespeaker.common.storage_keys import Cache, beside, cached
from slidespeaker.voice.choice import choose_voice, reading_language
from slidespeaker.voice.podcast_voices import SpeakerVoice, speaker_voice
from slidespeaker.voice.provider import VoiceProvider, synthesize
from slidespeaker.voice.providers import get_provider
from slidespeaker.voice.reading import Reader, reader, spoken_text
from slidespeaker.voice.sentences import split_sentences
from slidespeaker.voice.speech import Speech

TURN_FORMAT = 2  # 2: read with the lexicon and the reading rules
FFMPEG = imageio_ffmpeg.get_ffmpeg_exe()
SHIFT_TIMEOUT_S = 120.0


def turn_audio_key(text: str, provider: str, speaker: SpeakerVoice, engine: str) -> str:
    produced_by = [TURN_FORMAT, provider, engine, speaker.voice, speaker.rate, speaker.pitch, text]
    return cached(Cache.audio, produced_by, ".wav")


async def voice_turn(ctx: TaskContext) -> list[ev.Event]:
    assert ctx.task.turn is not None
    if not 1 <= ctx.task.turn <= len(ctx.state.turns):
        raise BadInput(f"the podcast has no turn {ctx.task.turn}")
    turn = ctx.state.turns[ctx.task.turn - 1]
    provider, speaker = await _speaker(ctx, turn)
    read = await _reader(ctx, provider, speaker.voice, turn.text)
    spoken = spoken_text(split_sentences(turn.text), read)
    engine = await asyncio.to_thread(provider.engine_version, speaker.voice)
    key = turn_audio_key(f"{turn.text}\n\n{spoken}", provider.name, speaker, engine)
    timings_key = beside(key, "timings.json")
    if not (ctx.storage.exists(key) and ctx.storage.exists(timings_key)):
        speech = await asyncio.to_thread(
            synthesize, provider, turn.text, speaker.voice, speaker.rate, ctx.token, read
        )
        if not speech.samples.any():
            raise RuntimeError(f"{provider.name} gave silence for turn {ctx.task.turn}")
        with ctx.storage.writing(key) as tmp:
            await asyncio.to_thread(write_voiced, speech, speaker.pitch, tmp, ctx.token)
        timings = {"duration": speech.duration, "cues": [c.model_dump() for c in speech.cues],
                   "words": [w.model_dump() for w in speech.words]}  # fmt: skip
        ctx.storage.write_text(timings_key, json.dumps(timings))
    said = json.loads(ctx.storage.read_bytes(timings_key))
    return [
        ev.TurnVoiced(
            job_id=ctx.job_id, turn=ctx.task.turn, speaker=turn.speaker, audio_key=key,
            voice=speaker.label, provider=provider.name, **said,
        )
    ]  # fmt: skip


async def _speaker(ctx: TaskContext, turn: TurnState) -> tuple[VoiceProvider, SpeakerVoice]:
    """Who speaks the turn, in which voice: the voices the job names, else, as for a slide, a
    voice that speaks the turn's language (an English voice never reads a Hebrew turn)."""
    options = ctx.state.options
    if options.host_voice or options.guest_voice:  # voices of the job's provider
        provider = get_provider(options.voice_provider)
        return provider, speaker_voice(provider, options, turn.speaker)
    choice = await asyncio.to_thread(choose_voice, options, turn.text, _dialogue(ctx))
    speaking = options.model_copy(update={"voice": choice.voice})
    return choice.provider, speaker_voice(choice.provider, speaking, turn.speaker)


async def _reader(ctx: TaskContext, provider: VoiceProvider, voice: str, text: str) -> Reader:
    """How the turn is read: in its language (too short to tell: the dialogue's), with the
    job's lexicon."""
    options = ctx.state.options
    language = await asyncio.to_thread(
        reading_language, provider, voice, options, text, _dialogue(ctx)
    )
    return reader(language, Lexicon(options.lexicon))


def _dialogue(ctx: TaskContext) -> str:
    return "\n".join(said.text for said in ctx.state.turns)


def write_voiced(speech: Speech, pitch: float, out: Path, token: CancelToken) -> None:
    """The speech as a WAV at `out`, pitched by `pitch` (formants with it), sample for sample
    as long as it was spoken, so its word timings still hold."""
    if pitch == 1.0:
        speech.write_wav(out)
        return
    with tempfile.TemporaryDirectory(prefix="turn-") as work:
        spoken = Path(work) / "spoken.wav"
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
        if shifted.getnframes() != len(speech.samples):
            raise RuntimeError("the pitched voice came out longer or shorter than it was spoken")
