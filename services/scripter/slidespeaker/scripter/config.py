"""The scripter's own settings: the language model that may write the narration.

OPENAI_API_KEY and OPENAI_BASE_URL are the openai SDK's own; SLIDESPEAKER_LLM_BASE_URL
overrides the URL for the script alone (a local Ollama writes, a hosted service speaks).
The model is used only when SLIDESPEAKER_LLM_MODEL is set and there is a key or a URL.
"""

from __future__ import annotations

import re
from typing import Literal

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

# Local OpenAI-compatible servers (Ollama, llama.cpp) take no key, but the SDK needs one.
NO_KEY = "not-needed"
# Models known to accept images in Chat Completions (OpenAI's, and the usual local ones).
VISION_MODELS = re.compile(
    r"gpt-4o|gpt-4\.1|gpt-4-turbo|gpt-5|\bo[13]\b(?!-mini)|\bo4|llava|vision|-vl|vl\b|qwen2\.5vl"
    r"|gemma3|minicpm-v|pixtral|moondream|llama4"
)


class ScripterSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="SLIDESPEAKER_", extra="ignore")

    llm_model: str | None = None
    llm_base_url: str | None = None
    # Each request has a timeout; the SDK retries connection errors, 429 and 5xx with
    # backoff, and a malformed answer is asked for again, before the slide fails.
    llm_timeout_s: float = Field(60.0, gt=0)
    llm_max_retries: int = Field(2, ge=0)
    llm_retry_backoff_s: float = Field(1.0, ge=0)
    # Whether the model is shown each slide's picture: "auto" for models known to see
    # images (VISION_MODELS), or true/false for any other.
    llm_vision: bool | Literal["auto"] = "auto"
    # Prices for the cost estimate (JobOptions.max_cost), in US dollars; unset: unknown.
    llm_usd_per_mtok_input: float | None = Field(None, ge=0)  # per million prompt tokens
    llm_usd_per_mtok_output: float | None = Field(None, ge=0)  # per million answer tokens
    tts_usd_per_mchar: float | None = Field(None, ge=0)  # hosted speech, per million characters
    openai_api_key: str | None = Field(None, validation_alias="OPENAI_API_KEY")
    openai_base_url: str | None = Field(None, validation_alias="OPENAI_BASE_URL")

    @property
    def llm_url(self) -> str | None:
        return self.llm_base_url or self.openai_base_url

    @property
    def llm_sees_images(self) -> bool:
        if self.llm_vision != "auto":
            return self.llm_vision
        return bool(self.llm_model and VISION_MODELS.search(self.llm_model.lower()))

    @property
    def llm_configured(self) -> bool:
        return bool(self.llm_model and (self.openai_api_key or self.llm_url))
