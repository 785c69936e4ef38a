"""ElevenLabs, through its SDK's with-timestamps endpoint: audio plus each character's
start and end, from which each word's time follows (its first and last character)."""

from __future__ import annotations

import base64
import os
from typing import Any

import httpx
import numpy as np
from elevenlabs import ElevenLabs
from elevenlabs.core.api_error import ApiError
from elevenlabs.core.request_options import RequestOptions
from elevenlabs.types.character_alignment_response_model import CharacterAlignmentResponseModel
from elevenlabs.types.voice_settings import VoiceSettings as SpeakingSettings

from slidespeaker.common.errors import BadInput
from slidespeaker.common.events import Cue
from slidespeaker.voice.config import VoiceSettings
from slidespeaker.voice.provider import ProviderUnavailable
from slidespeaker.voice.segments import unit_spans, units
from slidespeaker.voice.speech import SpokenSentence

SAMPLE_RATE = 24000
OUTPUT_FORMAT = "pcm_24000"  # raw 16-bit little-endian mono
MIN_SPEED, MAX_SPEED = 0.7, 1.2  # what ElevenLabs accepts


class ElevenLabsProvider:
    name = "elevenlabs"

    def __init__(self, settings: VoiceSettings) -> None:
        self.default_voice = settings.elevenlabs_voice
        self.model = settings.elevenlabs_model
        self._settings = settings
        self._client: ElevenLabs | None = None

    def engine_version(self, voice: str) -> str:
        server = os.environ.get("ELEVENLABS_BASE_URL") or "api.elevenlabs.io"  # which one, too
        return f"{self.model} {OUTPUT_FORMAT} {server}"

    def sample_rate(self, voice: str) -> int:
        return SAMPLE_RATE

    def speak(self, sentence: str, voice: str, rate: float) -> SpokenSentence:
        options = RequestOptions(max_retries=self._settings.tts_max_retries)
        try:
            response = self.client().text_to_speech.convert_with_timestamps(
                voice, text=sentence, model_id=self.model, output_format=OUTPUT_FORMAT,
                voice_settings=SpeakingSettings(speed=min(MAX_SPEED, max(MIN_SPEED, rate))),
                request_options=options,
            )  # fmt: skip
        except ApiError as error:
            raise _failure(error, voice) from error
        except httpx.TransportError as error:  # also timeouts
            raise ProviderUnavailable(f"ElevenLabs is unavailable: {error!r}") from error
        pcm = base64.b64decode(response.audio_base_64)
        samples = np.frombuffer(pcm[: len(pcm) // 2 * 2], dtype="<i2").astype(np.int16)
        words = _words(response.alignment)
        if words is None or [w.text for w in words] != units(sentence):
            why = "ElevenLabs gave no character timings that match the text"
            return SpokenSentence(sentence, samples, SAMPLE_RATE, None, why)
        return SpokenSentence(sentence, samples, SAMPLE_RATE, words)

    def client(self) -> ElevenLabs:
        """One client per process; ELEVENLABS_API_KEY and ELEVENLABS_BASE_URL configure it."""
        if self._client is None:
            # Read here, not left to the SDK, which reads the key when it is imported.
            api_key = os.environ.get("ELEVENLABS_API_KEY")
            if not api_key:
                raise BadInput("ElevenLabs needs ELEVENLABS_API_KEY")
            self._client = ElevenLabs(
                api_key=api_key, base_url=os.environ.get("ELEVENLABS_BASE_URL") or None,
                timeout=self._settings.tts_timeout_s,
            )  # fmt: skip
        return self._client


def _words(alignment: CharacterAlignmentResponseModel | None) -> list[Cue] | None:
    """Each unit of the text (a word; a character in Chinese and Japanese), from the start
    of its first character to the end of its last."""
    if alignment is None:
        return None
    starts = alignment.character_start_times_seconds
    ends = alignment.character_end_times_seconds
    if not len(alignment.characters) == len(starts) == len(ends):
        return None
    text = "".join(alignment.characters)
    if len(text) != len(alignment.characters):
        return None  # a "character" of several code points: the spans would not line up
    return [
        Cue(text=text[first:end], start=starts[first], end=ends[end - 1])
        for first, end in unit_spans(text)
    ]


def _failure(error: ApiError, voice: str) -> Exception:
    detail = _message(error.body)
    if error.status_code in (401, 403):
        return BadInput(f"ElevenLabs rejected the API key: {detail}")
    if error.status_code in (400, 404, 422):
        return BadInput(f"ElevenLabs refused voice {voice!r}: {detail}")
    return ProviderUnavailable(f"ElevenLabs is unavailable: {error.status_code} {detail}")


def _message(body: Any) -> str:
    detail = body.get("detail", body) if isinstance(body, dict) else body
    if isinstance(detail, dict):
        return str(detail.get("message") or detail)
    return str(detail)
