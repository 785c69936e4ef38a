"""HeyGen's HTTP API, one method per call: upload an asset, create a video, read its status,
download the result.

Failures are sorted by what helps: a rejected key or a refused request is BadInput (retrying
cannot help); 429, 5xx, timeouts and unreadable answers are HeyGenUnavailable (a later try
may pass); a video HeyGen accepted but could not render is HeyGenFailed.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import Any

import httpx

from slidespeaker.avatar.heygen.config import HeyGenSettings
from slidespeaker.common.cancel import CancelToken
from slidespeaker.common.errors import BadInput

CHUNK_BYTES = 1 << 20


class HeyGenUnavailable(Exception):
    """HeyGen is down, overloaded or too slow to answer; a later try may pass."""


class HeyGenFailed(Exception):
    """HeyGen took the request but gave no usable video (its own error message, for a person)."""


class HeyGenRefused(BadInput):
    """HeyGen refused a request as malformed or naming what it does not have (HTTP 4xx)."""


@dataclass(frozen=True)
class VideoStatus:
    status: str  # waiting, pending, processing, completed or failed
    video_url: str | None = None
    error: str | None = None


class HeyGenApi:
    def __init__(self, settings: HeyGenSettings) -> None:
        self.settings = settings
        self.client = httpx.Client(timeout=settings.request_timeout_s)

    def __enter__(self) -> HeyGenApi:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.client.close()

    def upload_audio(self, mp3: bytes) -> str:
        """The asset id of narration audio (raw bytes in the body, as HeyGen's upload takes it)."""
        data = self._call(
            "upload the narration audio", "POST", f"{self.settings.upload_url}/v1/asset",
            content=mp3, headers={"Content-Type": "audio/mpeg"},
        )  # fmt: skip
        return _field(data, "id", "upload the narration audio")

    def create_video(self, voice: dict[str, Any]) -> str:
        """Start rendering one clip of the configured avatar speaking `voice`; its video id."""
        s = self.settings
        character = {"type": "avatar", "avatar_id": s.avatar_id, "avatar_style": s.avatar_style}
        scene = {
            "character": character,
            "voice": voice,
            "background": {"type": "color", "value": s.background},
        }
        body = {"video_inputs": [scene], "dimension": {"width": s.width, "height": s.height}}
        data = self._call(
            "create the avatar video", "POST", f"{s.api_url}/v2/video/generate", json=body
        )
        return _field(data, "video_id", "create the avatar video")

    def status(self, video_id: str) -> VideoStatus:
        try:
            data = self._call(
                "report the video's status", "GET", f"{self.settings.api_url}/v1/video_status.get",
                params={"video_id": video_id},
            )  # fmt: skip
        except HeyGenRefused as error:  # a video HeyGen no longer knows: make another next time
            raise HeyGenFailed(error.message) from error
        return VideoStatus(
            status=str(data.get("status", "")),
            video_url=data.get("video_url") or None,
            error=_message(data.get("error")),
        )

    def download(self, url: str, out: Path, token: CancelToken) -> None:
        """Stream the finished video to `out`, seeing cancellation between chunks.

        The link is a signed URL on a storage host: the API key is not sent there."""
        limit = self.settings.max_download_mb << 20
        try:
            with self.client.stream("GET", url) as response, out.open("wb") as file:
                _raise_for_download_status(response)
                for chunk in response.iter_bytes(CHUNK_BYTES):
                    token.check()
                    file.write(chunk)
                    if file.tell() > limit:
                        limit_mb = self.settings.max_download_mb
                        raise HeyGenFailed(f"HeyGen's video is larger than {limit_mb} MB")
        except httpx.TransportError as error:
            raise HeyGenUnavailable(f"HeyGen did not send the finished video: {error!r}") from error

    def _call(self, what: str, method: str, url: str, **kwargs: Any) -> dict[str, Any]:
        headers = {"X-Api-Key": self.settings.api_key or "", "Accept": "application/json"}
        headers |= kwargs.pop("headers", {})
        try:
            response = self.client.request(method, url, headers=headers, **kwargs)
        except httpx.TransportError as error:  # timeouts, refused or dropped connections
            raise HeyGenUnavailable(f"HeyGen did not {what}: {error!r}") from error
        _raise_for_status(response, what)
        body = _json(response, what)
        if body.get("error") and not body.get("data"):
            raise HeyGenFailed(f"HeyGen would not {what}: {_message(body['error'])}")
        data = body.get("data")
        if not isinstance(data, dict):
            raise HeyGenUnavailable(f"HeyGen did not {what}: its answer holds no data")
        return data


def _raise_for_status(response: httpx.Response, what: str) -> None:
    code = response.status_code
    if code < 400:
        return
    detail = f"HTTP {code}: {_error_text(response)}"
    if code in (401, 403):
        raise BadInput(f"HeyGen rejected the API key ({detail}); check HEYGEN_API_KEY")
    if code == 429 or code >= 500:
        raise HeyGenUnavailable(f"HeyGen did not {what} ({detail})")
    raise HeyGenRefused(f"HeyGen refused to {what} ({detail})")


def _raise_for_download_status(response: httpx.Response) -> None:
    """Any refusal, an expired link's too, may pass: the next try polls a fresh link."""
    if response.status_code >= 400:
        response.read()
        detail = f"HTTP {response.status_code}: {_error_text(response)}"
        raise HeyGenUnavailable(f"HeyGen did not send the finished video ({detail})")


def _json(response: httpx.Response, what: str) -> dict[str, Any]:
    try:
        body = response.json()
    except ValueError as error:
        raise HeyGenUnavailable(f"HeyGen did not {what}: its answer is not JSON") from error
    if not isinstance(body, dict):
        raise HeyGenUnavailable(f"HeyGen did not {what}: its answer is not a JSON object")
    return body


def _field(data: dict[str, Any], name: str, what: str) -> str:
    value = data.get(name)
    if not isinstance(value, str) or not value:
        raise HeyGenUnavailable(f"HeyGen did not {what}: its answer has no {name}")
    return value


def _error_text(response: httpx.Response) -> str:
    try:
        body = response.json()
    except ValueError:
        return response.reason_phrase or "no reason given"
    if isinstance(body, dict):
        return _message(body.get("error")) or _message(body) or response.reason_phrase
    return response.reason_phrase


def _message(error: object) -> str | None:
    """HeyGen's error text, from any of its shapes: a string, {message}, {detail}."""
    if isinstance(error, str):
        return error or None
    if isinstance(error, dict):
        text = error.get("message") or error.get("detail")
        return str(text) if text else None
    return None
