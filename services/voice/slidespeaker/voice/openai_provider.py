"""OpenAI's speech endpoint (or any server speaking its protocol), through the openai SDK.

It gives no word timings, so each sentence is spoken alone and captioned as a whole: the
"sentence" fallback, named in SlideVoiced.timing. Audio comes back as raw 24 kHz PCM.
"""

from __future__ import annotations

import numpy as np
import openai

from slidespeaker.common.errors import BadInput
from slidespeaker.voice.config import VoiceSettings
from slidespeaker.voice.provider import ProviderUnavailable
from slidespeaker.voice.speech import SpokenSentence

SAMPLE_RATE = 24000  # the endpoint's "pcm": 16-bit little-endian mono at 24 kHz
MIN_SPEED, MAX_SPEED = 0.25, 4.0


class OpenAIProvider:
    name = "openai"

    def __init__(self, settings: VoiceSettings) -> None:
        self.default_voice = settings.openai_tts_voice
        self.model = settings.openai_tts_model
        self._settings = settings
        self._client: openai.OpenAI | None = None

    def engine_version(self, voice: str) -> str:
        return f"{self.model} pcm{SAMPLE_RATE} {self.client().base_url}"  # which server, too

    def sample_rate(self, voice: str) -> int:
        return SAMPLE_RATE

    def speak(self, sentence: str, voice: str, rate: float) -> SpokenSentence:
        try:
            response = self.client().audio.speech.create(
                model=self.model, voice=voice, input=sentence, response_format="pcm",
                speed=min(MAX_SPEED, max(MIN_SPEED, rate)),
            )  # fmt: skip
            pcm = response.read()
        except (openai.AuthenticationError, openai.PermissionDeniedError) as error:
            raise BadInput(f"OpenAI TTS rejected the API key: {_message(error)}") from error
        except (
            openai.BadRequestError,
            openai.NotFoundError,
            openai.UnprocessableEntityError,
        ) as error:
            raise BadInput(
                f"OpenAI TTS refused voice {voice!r} with model {self.model!r}: {_message(error)}"
            ) from error
        except openai.APIStatusError as error:
            detail = f"{error.status_code} {_message(error)}"
            raise ProviderUnavailable(f"OpenAI TTS is unavailable: {detail}") from error
        except openai.APIConnectionError as error:  # also timeouts
            where = self.client().base_url
            raise ProviderUnavailable(f"OpenAI TTS is unavailable: {error} ({where})") from error
        samples = np.frombuffer(pcm[: len(pcm) // 2 * 2], dtype="<i2").astype(np.int16)
        return SpokenSentence(
            sentence, samples, SAMPLE_RATE, None, "OpenAI TTS gives no word timings"
        )

    def client(self) -> openai.OpenAI:
        """One client per process; OPENAI_API_KEY and OPENAI_BASE_URL are the SDK's own."""
        if self._client is None:
            try:
                self._client = openai.OpenAI(
                    base_url=self._settings.tts_base_url,  # None: OPENAI_BASE_URL, else OpenAI
                    timeout=self._settings.tts_timeout_s,
                    max_retries=self._settings.tts_max_retries,
                )
            except openai.OpenAIError as error:
                raise BadInput(f"OpenAI TTS needs OPENAI_API_KEY: {error}") from error
        return self._client


def _message(error: openai.APIStatusError) -> str:
    body = error.body
    if isinstance(body, dict):
        detail = body.get("error", body)
        if isinstance(detail, dict) and isinstance(detail.get("message"), str):
            return str(detail["message"])
    return error.message
