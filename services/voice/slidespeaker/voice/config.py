"""The voice stage's own settings (prefix SLIDESPEAKER_); the SDKs read their own keys.

OPENAI_API_KEY and OPENAI_BASE_URL are the openai SDK's; SLIDESPEAKER_TTS_BASE_URL
overrides the base URL for speech alone, so a local LLM can write the script while a
hosted service speaks it. ELEVENLABS_API_KEY and ELEVENLABS_BASE_URL are ElevenLabs'.
"""

from __future__ import annotations

from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class VoiceSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="SLIDESPEAKER_", extra="ignore")

    home: Path = Path(".slidespeaker")
    # Piper voices (`NAME.onnx` with `NAME.onnx.json`) beside the bundled one; unset: home/voices.
    voices_dir: Path | None = None
    # onnxruntime threads for each Piper voice in this process; unset: one per core. `render`
    # and `up` start one voice process per core with one thread each (see cli/processes.py).
    piper_threads: int | None = Field(None, ge=1)

    # Hosted speech: every request has a timeout; the SDK retries with backoff before
    # the failure goes back to the dispatcher, which retries the whole slide later.
    tts_base_url: str | None = None
    tts_timeout_s: float = Field(60.0, gt=0)
    tts_max_retries: int = Field(2, ge=0)
    openai_tts_model: str = "gpt-4o-mini-tts"
    openai_tts_voice: str = "alloy"
    elevenlabs_model: str = "eleven_multilingual_v2"
    elevenlabs_voice: str = "JBFqnCBsd6RMkjVDRZzb"  # a stock voice every account has
    # Every slide's speech is brought to this EBU R128 integrated loudness (LUFS).
    loudness_lufs: float = Field(-16.0, ge=-40.0, le=-5.0)

    @property
    def piper_voices_dir(self) -> Path:
        return self.voices_dir or self.home / "voices"

    @property
    def optimized_voices_dir(self) -> Path:
        """Where the Piper voices' graphs are kept as onnxruntime optimized them."""
        return self.home / "cache" / "voices"
