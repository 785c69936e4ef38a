"""What every voice provider is: it speaks one sentence at a time, with a voice and a rate.

Sentence by sentence, so every sentence is a cancellation checkpoint, and a provider that
gives no word timings still gives each sentence its exact span (the "sentence" fallback).
"""

from __future__ import annotations

import threading
from typing import Protocol

from slidespeaker.common.cancel import CancelToken
from slidespeaker.voice.reading import Reader, as_written
from slidespeaker.voice.sentences import split_sentences
from slidespeaker.voice.speech import Speech, SpokenSentence, join_sentences


class VoiceProvider(Protocol):
    name: str
    default_voice: str

    def engine_version(self, voice: str) -> str:
        """What, besides text, voice and rate, decides the audio (for the cache key)."""
        ...

    def sample_rate(self, voice: str) -> int: ...

    def speak(self, sentence: str, voice: str, rate: float) -> SpokenSentence:
        """Raises BadInput for what retrying cannot fix, ProviderUnavailable otherwise."""
        ...


# One sentence at a time per process: Piper's phonemizer (espeak-ng) holds one voice for the
# whole process, and the voice samples' thread speaks beside the slides.
SPEAKING = threading.Lock()


class ProviderUnavailable(RuntimeError):
    """The provider could not be reached or failed on its side; worth retrying later."""


def synthesize(
    provider: VoiceProvider, text: str, voice: str, rate: float, token: CancelToken,
    read: Reader = as_written,
) -> Speech:  # fmt: skip
    """Speak `text` sentence by sentence; each sentence's timings are moved onto one clock.
    `read` says what the engine is given for each written word; the captions keep the words."""
    spoken: list[SpokenSentence] = []
    for sentence in split_sentences(text):
        token.check()  # a checkpoint between sentences
        with SPEAKING:
            reading = read(sentence)
            spoken.append(reading.captioned(provider.speak(reading.text, voice, rate)))
    token.check()
    return join_sentences(spoken, provider.sample_rate(voice))
