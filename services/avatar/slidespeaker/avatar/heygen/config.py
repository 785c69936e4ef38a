"""HeyGen's settings: the key and base URL are HeyGen's own names, the rest SLIDESPEAKER_HEYGEN_*.

HEYGEN_BASE_URL, when set, serves every call (the API and the asset upload), so tests can
point the client at one local server; unset, HeyGen's two real hosts are used.
"""

from __future__ import annotations

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

API_URL = "https://api.heygen.com"
UPLOAD_URL = "https://upload.heygen.com"


class HeyGenSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="SLIDESPEAKER_HEYGEN_", extra="ignore")

    api_key: str | None = Field(None, validation_alias="HEYGEN_API_KEY")
    base_url: str | None = Field(None, validation_alias="HEYGEN_BASE_URL")

    # Who presents: a stock avatar every account has, in HeyGen's own framing.
    avatar_id: str = "Angela-inTshirt-20220820"
    avatar_style: str = "normal"  # or "circle", "closeUp"
    # Unset: HeyGen lip-syncs our own narration audio (the default, and what the video plays).
    # Set: a HeyGen voice reads the narration text; its clip is kept only if it lasts as long
    # as our narration (within the composer's 0.2 s), since the video plays our audio.
    voice_id: str | None = None
    background: str = "#FFFFFF"
    width: int = Field(720, gt=0)
    height: int = Field(720, gt=0)

    # While a slide's video renders, the videos of up to this many following slides are
    # started too, so HeyGen renders them side by side (within an account's concurrency).
    ahead: int = Field(4, ge=0)
    # Rendering takes minutes: polls start at poll_s and back off to poll_max_s; after
    # deadline_s the slide gives up on the presenter.
    poll_s: float = Field(5.0, gt=0)
    poll_max_s: float = Field(30.0, gt=0)
    deadline_s: float = Field(1800.0, gt=0)
    request_timeout_s: float = Field(60.0, gt=0)
    # Status polls that fail in a row (5xx, timeouts) before the task is handed back to retry.
    max_poll_errors: int = Field(5, ge=1)
    max_download_mb: int = Field(500, gt=0)

    @property
    def api_url(self) -> str:
        return (self.base_url or API_URL).rstrip("/")

    @property
    def upload_url(self) -> str:
        return (self.base_url or UPLOAD_URL).rstrip("/")
