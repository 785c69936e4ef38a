"""The clip renderer for `--avatar heygen`: one slide's presenter from HeyGen, paid for once.

The id of each HeyGen video is kept under a key made from what produced it (the narration
audio or text, the avatar and its framing), so a retried task resumes polling the video it
started, and a redelivered task, a retried job or a re-run downloads the finished video again
instead of paying HeyGen for another (a download that came out corrupt is not kept). A slide
with nothing to say gets the avatar listening in silence for as long as the slide is held,
so the presenter does not vanish between slides. When HeyGen cannot make the clip (its
render failed, the deadline passed, or it stayed unreachable through the last try) the slide
goes on without the presenter (PresenterUnavailable); a missing or rejected key, or a
refused request, fails the job (BadInput).
"""

from __future__ import annotations

import asyncio
import hashlib
import json
from functools import cache
from pathlib import Path

import imageio_ffmpeg

from slidespeaker.avatar.fallback import PresenterUnavailable
from slidespeaker.avatar.heygen import Narration, render_heygen_clip
from slidespeaker.avatar.heygen_api import HeyGenFailed, HeyGenUnavailable
from slidespeaker.avatar.heygen_config import HeyGenSettings
from slidespeaker.common.cancel import CancelToken
from slidespeaker.common.process import run_child
from slidespeaker.common.runtime import TaskContext

SILENCE_TIMEOUT_S = 60.0


@cache
def heygen_settings() -> HeyGenSettings:
    return HeyGenSettings()


async def render_heygen_slide(ctx: TaskContext, workdir: Path) -> Path:
    assert ctx.task.slide is not None
    slide = ctx.state.slide(ctx.task.slide)
    settings = heygen_settings()
    if slide.audio_key:
        narration = Narration(slide.narration or "", ctx.storage.path(slide.audio_key))
        made_by: dict[str, object] = (
            {"text": slide.narration} if settings.voice_id else {"audio": slide.audio_key}
        )
    else:
        silence = workdir / "silence.wav"
        await asyncio.to_thread(_silence, silence, ctx.settings.hold_s, ctx.token)
        narration, made_by = Narration("", silence), {"silence": ctx.settings.hold_s}
    id_key = video_id_key(made_by, settings)
    out = workdir / "heygen.mp4"
    try:
        await _render(ctx, narration, settings, id_key, out)
    except HeyGenFailed as error:
        ctx.storage.path(id_key).unlink(missing_ok=True)  # a re-run starts afresh
        raise PresenterUnavailable(str(error)) from error
    except HeyGenUnavailable as error:
        if ctx.attempt < ctx.settings.max_attempts:
            raise  # retried later, resuming the same video
        raise PresenterUnavailable(f"{error} (tried {ctx.attempt} times)") from error
    return out


def video_id_key(made_by: dict[str, object], settings: HeyGenSettings) -> str:
    """Where the id of HeyGen's video of this narration by this avatar, so framed, is kept."""
    made_by = {
        **made_by, "avatar": settings.avatar_id, "style": settings.avatar_style,
        "voice": settings.voice_id, "background": settings.background,
        "size": [settings.width, settings.height],
    }  # fmt: skip
    digest = hashlib.sha256(json.dumps(made_by, sort_keys=True).encode()).hexdigest()
    return f"cache/avatar/heygen/{digest[:2]}/{digest}.video_id"


async def _render(
    ctx: TaskContext, narration: Narration, settings: HeyGenSettings, id_key: str, out: Path
) -> None:
    resumed = ctx.storage.read_bytes(id_key).decode() if ctx.storage.exists(id_key) else None
    loop = asyncio.get_running_loop()

    def report(status: str) -> None:  # from the polling thread: the progress event is async
        progress = ctx.progress(f"HeyGen's video of slide {ctx.task.slide}: {status}")
        asyncio.run_coroutine_threadsafe(progress, loop)

    await asyncio.to_thread(
        render_heygen_clip, narration, out, settings, ctx.token, video_id=resumed,
        on_created=lambda video_id: ctx.storage.write_text(id_key, video_id), on_status=report,
    )  # fmt: skip
    ctx.logger.info("avatar.heygen_rendered", video_id_key=id_key, resumed=resumed is not None)


def _silence(out: Path, seconds: float, token: CancelToken) -> None:
    command = [
        imageio_ffmpeg.get_ffmpeg_exe(), "-v", "error", "-nostdin", "-y", "-f", "lavfi",
        "-i", f"anullsrc=r=24000:cl=mono:d={seconds}", out,
    ]  # fmt: skip
    result = run_child(command, token=token, timeout=SILENCE_TIMEOUT_S)
    if result.returncode != 0:
        raise RuntimeError(f"ffmpeg could not make {seconds} s of silence: {result.stderr}")
