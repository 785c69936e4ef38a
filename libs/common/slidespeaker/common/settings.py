"""All settings, read once from the environment (prefix SLIDESPEAKER_)."""

from __future__ import annotations

from functools import lru_cache
from ipaddress import IPv4Network, IPv6Network, ip_network
from pathlib import Path
from typing import Annotated, Literal

from pydantic import Field, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

AuthMode = Literal["none", "token", "users", "proxy"]
Network = IPv4Network | IPv6Network


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="SLIDESPEAKER_", extra="ignore")

    # Where the bus lives. Unset: the CLI starts an embedded redis-server in `home`.
    redis_url: str | None = None
    # State directory: embedded Redis data, artifacts (with file:// storage), each process's
    # scratch folder, service logs.
    home: Path = Path(".slidespeaker")
    # Prefix of every Redis key, so several installations can share one Redis.
    key_prefix: str = "ss"

    # Where artifacts are kept (object_store.py): `file:///path` or `s3://BUCKET[/PREFIX]`;
    # unset: the artifacts folder in `home`. An S3 store is reached with the standard AWS
    # variables (no SLIDESPEAKER_ prefix), which every S3-compatible store's docs use.
    storage_url: str | None = None
    aws_endpoint_url: str | None = Field(None, validation_alias="aws_endpoint_url")
    aws_access_key_id: str | None = Field(None, validation_alias="aws_access_key_id")
    aws_secret_access_key: SecretStr | None = Field(None, validation_alias="aws_secret_access_key")
    aws_region: str | None = Field(None, validation_alias="aws_region")

    # The bus. A message idle longer than claim_timeout_s is taken over by another
    # consumer; a live consumer refreshes its claim every heartbeat_s.
    claim_timeout_s: float = 60.0
    heartbeat_s: float = 10.0
    reclaim_interval_s: float = 5.0
    block_ms: int = 1000
    max_deliveries: int = 5
    cancel_poll_s: float = 0.25

    # Retries of failures that may pass (a hosted API's hiccup, a crash mid-task).
    max_attempts: int = 3
    retry_backoff_s: float = 2.0

    # Deadlines (deadlines.py): every task's comes from its size, times deadline_scale; a
    # whole job's is job_deadline_s for a deck of up to 30 slides, more for longer ones.
    deadline_scale: float = Field(1.0, gt=0)
    job_deadline_s: float = Field(1800.0, gt=0)
    job_deadline_check_s: float = Field(30.0, gt=0)

    # The deck and its slides.
    max_deck_mb: int = 200
    soffice_timeout_s: float = 180.0

    # The video's rhythm: silence before and after each slide's narration, and how long a
    # slide with nothing to say stays on screen.
    pause_before_s: float = 0.4
    pause_after_s: float = 0.8
    hold_s: float = Field(3.0, gt=0)
    # Memory (MB) the composer plans its final encode for, stepping the resolution down when
    # the requested one needs more; unset: what the machine (or its cgroup) has free.
    composer_memory_mb: float | None = Field(None, gt=0)

    # The API. Who may use it (`auth`): none (one trusted person on this machine), token
    # (everyone shares `api_token`), users (a personal key each, see `slidespeaker users`),
    # proxy (the person a reverse proxy signed in, believed only from `trusted_proxies`).
    # Unset: token when `api_token` is set, else none. Every endpoint but /api/health and
    # the AsyncAPI document then requires the caller to be known.
    api_host: str = "127.0.0.1"
    api_port: int = 8000
    auth: AuthMode | None = None
    api_token: str | None = None
    # Comma-separated CIDRs of the reverse proxies whose X-Forwarded-User is believed.
    trusted_proxies: Annotated[tuple[Network, ...], NoDecode] = ()
    # Signs the short-lived media tokens (EventSource, <video>); unset: a random one kept in
    # Redis, so every API process of this installation shares it.
    secret_key: SecretStr | None = None
    media_token_s: float = Field(3600.0, gt=0)
    # Limits on each signed-in user (users and proxy modes; `users add` may set a user's own):
    # unfinished jobs at once, and submissions (a token bucket: `submission_burst` at once,
    # refilled at `submissions_per_hour`). Unset: no limit.
    max_active_jobs_per_user: int | None = Field(None, ge=1)
    submissions_per_hour: float | None = Field(None, gt=0)
    submission_burst: int = Field(10, ge=1)
    web_dist: Path = Path("web/dist")  # the built web client, served at / when present
    # Finished jobs older than this are deleted with their files (checked hourly); unset: kept.
    retention_days: float | None = None
    retention_check_s: float = 3600.0
    # A finished job's event log moves from Redis to the store once it has been quiet this
    # long (archiving.py; checked every archive_check_s by the API), so Redis holds live work.
    archive_after_s: float = Field(86400.0, ge=0)
    archive_check_s: float = Field(600.0, gt=0)

    log_level: str = "INFO"
    # Set by whoever starts a service as its child (render, up, tests): the service stops
    # when that process is gone instead of running on as an orphan.
    parent_pid: int | None = None

    @field_validator("trusted_proxies", mode="before")
    @classmethod
    def _networks(cls, value: object) -> object:
        if isinstance(value, str):
            return tuple(ip_network(part.strip()) for part in value.split(",") if part.strip())
        return value

    @model_validator(mode="after")
    def _auth_is_usable(self) -> Settings:
        # A mode in which nobody could ever sign in is a mistake to say at start, not a 401.
        if self.auth == "token" and not self.api_token:
            raise ValueError("SLIDESPEAKER_AUTH=token needs SLIDESPEAKER_API_TOKEN")
        if self.auth == "proxy" and not self.trusted_proxies:
            raise ValueError("SLIDESPEAKER_AUTH=proxy needs SLIDESPEAKER_TRUSTED_PROXIES (CIDRs)")
        if self.secret_key is not None and len(self.secret_key.get_secret_value()) < 16:
            raise ValueError("SLIDESPEAKER_SECRET_KEY must be at least 16 characters")
        return self

    @property
    def auth_mode(self) -> AuthMode:
        return self.auth or ("token" if self.api_token else "none")

    @property
    def storage_dir(self) -> Path:
        return self.home / "artifacts"

    @property
    def scratch_dir(self) -> Path:
        """Where this machine's processes keep their scratch folders (scratch.py)."""
        return self.home / "scratch"

    @property
    def storage_location(self) -> str:
        """The store's URL: `storage_url`, else `storage_dir` as a file:// URL."""
        return self.storage_url or self.storage_dir.resolve().as_uri()


@lru_cache
def get_settings() -> Settings:
    return Settings()
