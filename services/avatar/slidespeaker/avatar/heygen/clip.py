"""One slide's presenter clip from HeyGen: send the narration, wait for the render, download it.

HeyGen lip-syncs its avatar to our own narration audio (uploaded as MP3, the audio type its
upload takes), or, when a HeyGen voice is configured, speaks the narration text itself.
Rendering takes minutes, so the status is polled with exponential backoff under an overall
deadline, and every wait is a wait on the cancel token: a cancelled job stops polling at once.
"""

from __future__ import annotations

import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import imageio_ffmpeg

from slidespeaker.avatar.heygen.api import HeyGenApi, HeyGenFailed, HeyGenUnavailable, VideoStatus
from slidespeaker.avatar.heygen.config import HeyGenSettings
from slidespeaker.common.cancel import CancelToken
from slidespeaker.common.errors import BadInput
from slidespeaker.common.process import run_child

MISSING_KEY = "the HeyGen presenter (avatar heygen) needs HEYGEN_API_KEY"
MP3_TIMEOUT_S = 120.0


class HeyGenDeadline(HeyGenFailed):
    """HeyGen was still rendering when the deadline passed."""


@dataclass(frozen=True)
class Narration:
    text: str  # what a HeyGen voice says, when one is configured
    audio: Path  # what HeyGen lip-syncs to otherwise (any format ffmpeg reads)


def render_heygen_clip(
    narration: Narration,
    out: Path,
    settings: HeyGenSettings,
    token: CancelToken,
    *,
    video_id: str | None = None,
    on_created: Callable[[str], None] = lambda video_id: None,
    on_status: Callable[[str], None] = lambda status: None,
) -> Path:
    """Write the presenter clip to `out`.

    `video_id` resumes a video created by an earlier try (no second render is paid for);
    `on_created` hears a new video's id as soon as HeyGen gives it, for such a resume;
    `on_status` hears each new status HeyGen reports while it renders."""
    if video_id is None:
        video_id = start_heygen_video(narration, settings, token)
        on_created(video_id)
    return fetch_heygen_video(video_id, out, settings, token, on_status)


def start_heygen_video(narration: Narration, settings: HeyGenSettings, token: CancelToken) -> str:
    """Ask HeyGen to render the clip; the id of its video."""
    _check_key(settings)
    with HeyGenApi(settings) as api:
        return api.create_video(_voice(api, narration, settings, token))


def fetch_heygen_video(
    video_id: str, out: Path, settings: HeyGenSettings, token: CancelToken,
    on_status: Callable[[str], None] = lambda status: None,
    between_polls: Callable[[], None] = lambda: None,
) -> Path:  # fmt: skip
    """Wait for HeyGen's video to be rendered and write it to `out`; `between_polls` is
    called while HeyGen is still at it, before each wait."""
    _check_key(settings)
    with HeyGenApi(settings) as api:
        url = wait_for_video(api, video_id, settings, token, on_status, between_polls)
        token.check()
        api.download(url, out, token)
    return out


def _check_key(settings: HeyGenSettings) -> None:
    if not settings.api_key:
        raise BadInput(MISSING_KEY)


def wait_for_video(
    api: HeyGenApi, video_id: str, settings: HeyGenSettings, token: CancelToken,
    on_status: Callable[[str], None], between_polls: Callable[[], None] = lambda: None,
) -> str:  # fmt: skip
    """Poll until the video is rendered; its download URL."""
    deadline = time.monotonic() + settings.deadline_s
    interval = settings.poll_s
    errors = 0
    last = ""
    while True:
        token.check()
        try:
            status = api.status(video_id)
            errors = 0
        except HeyGenUnavailable:
            errors += 1  # one failed poll does not lose a render that is under way
            if errors >= settings.max_poll_errors:
                raise
        else:
            if status.status != last:
                on_status(last := status.status)
            if url := _finished(status):
                return url
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise HeyGenDeadline(
                f"HeyGen had not rendered the video after {settings.deadline_s:g} s"
            )
        between_polls()
        token.wait(min(interval, remaining))  # wakes at once on cancel; checked above
        interval = min(interval * 2, settings.poll_max_s)


def _finished(status: VideoStatus) -> str | None:
    """The video's URL once it is rendered; None while HeyGen is still at it."""
    if status.status == "failed":
        raise HeyGenFailed(
            f"HeyGen could not render the video: {status.error or 'no reason given'}"
        )
    if status.status != "completed":
        return None  # waiting, pending, processing (or a status newer than this client)
    if not status.video_url:
        raise HeyGenFailed("HeyGen reported the video completed but gave no video_url")
    return status.video_url


def _voice(
    api: HeyGenApi, narration: Narration, settings: HeyGenSettings, token: CancelToken
) -> dict[str, Any]:
    if settings.voice_id and narration.text:
        return {"type": "text", "input_text": narration.text, "voice_id": settings.voice_id}
    asset_id = api.upload_audio(_mp3(narration.audio, token))
    return {"type": "audio", "audio_asset_id": asset_id}


def _mp3(audio: Path, token: CancelToken) -> bytes:
    with tempfile.TemporaryDirectory(prefix="heygen-") as tmp:
        mp3 = Path(tmp) / "narration.mp3"
        command = [
            imageio_ffmpeg.get_ffmpeg_exe(), "-v", "error", "-nostdin", "-i", audio,
            "-vn", "-c:a", "libmp3lame", "-b:a", "128k", mp3,
        ]  # fmt: skip
        result = run_child(command, token=token, timeout=MP3_TIMEOUT_S)
        if result.returncode != 0:
            raise BadInput(
                f"the narration audio could not be read for HeyGen: {result.stderr[-300:]}"
            )
        return mp3.read_bytes()
