"""The clip renderer for `--avatar heygen`: one slide's presenter from HeyGen, paid for once.

Each HeyGen video is started once (see videos.py): a retried task resumes polling the
video it started, and a re-run downloads the finished video again instead of paying for
another (a download that came out corrupt is not kept). While a task waits for its own
video it starts the next few slides' (SLIDESPEAKER_HEYGEN_AHEAD) as soon as they are
voiced, so HeyGen renders them side by side however few avatar processes run. A slide with
nothing to say gets the avatar listening in silence for as long as the slide is held, so
the presenter does not vanish between slides. When HeyGen cannot make the clip (its render
failed, the deadline passed, or it stayed unreachable through the last try) the slide goes
on without the presenter (PresenterUnavailable); a missing or rejected key, or a refused
request, fails the job (BadInput).
"""

from __future__ import annotations

import asyncio
from functools import cache
from pathlib import Path

import imageio_ffmpeg

from slidespeaker.avatar.fallback import PresenterUnavailable
from slidespeaker.avatar.heygen.api import HeyGenFailed, HeyGenUnavailable
from slidespeaker.avatar.heygen.clip import Narration, fetch_heygen_video
from slidespeaker.avatar.heygen.config import HeyGenSettings
from slidespeaker.avatar.heygen.videos import SlideVideo, StartedVideos, video_key
from slidespeaker.common.fold import JobState, SlideState, fold
from slidespeaker.common.process import run_child
from slidespeaker.common.runtime import TaskContext

SILENCE_TIMEOUT_S = 60.0


@cache
def heygen_settings() -> HeyGenSettings:
    return HeyGenSettings()


async def render_heygen_slide(ctx: TaskContext, workdir: Path) -> Path:
    assert ctx.task.slide is not None
    job = HeyGenJob(ctx, heygen_settings(), workdir, asyncio.get_running_loop())
    own = await asyncio.to_thread(job.video, ctx.state.slide(ctx.task.slide))
    out = workdir / "heygen.mp4"
    try:
        await asyncio.to_thread(job.render, own, out)
    except asyncio.CancelledError:  # the service is stopping: the polling thread stops too
        ctx.token.cancel("the avatar service is stopping")
        raise
    except HeyGenFailed as error:
        job.videos.forget(own)
        raise PresenterUnavailable(str(error)) from error
    except HeyGenUnavailable as error:
        if ctx.attempt < ctx.settings.max_attempts:
            raise  # retried later, resuming the same video
        raise PresenterUnavailable(f"{error} (tried {ctx.attempt} times)") from error
    return out


class HeyGenJob:
    """One task's view of its job's HeyGen videos; its methods run in a worker thread."""

    def __init__(
        self, ctx: TaskContext, settings: HeyGenSettings, workdir: Path,
        loop: asyncio.AbstractEventLoop,
    ) -> None:  # fmt: skip
        self.ctx = ctx
        self.settings = settings
        self.silence = workdir / "silence.wav"
        self.loop = loop
        self.videos = StartedVideos(ctx.storage, settings, ctx.token)

    def render(self, own: SlideVideo, out: Path) -> None:
        video_id = self.videos.started(own)
        self.start_others(own.slide)
        fetch_heygen_video(
            video_id, out, self.settings, self.ctx.token,
            on_status=lambda status: self.report(f"HeyGen's video of slide {own.slide}: {status}"),
            between_polls=lambda: self.start_others(own.slide),
        )  # fmt: skip

    def start_others(self, own: int) -> None:
        """Start the videos of the next few slides voiced by now that nobody has started."""
        voiced = [
            s for s in self.current_state().slides.values()
            if s.audio_duration is not None and own < s.number <= own + self.settings.ahead
        ]  # fmt: skip
        others = [self.video(s) for s in sorted(voiced, key=lambda s: s.number)]
        if started := self.videos.start_ahead(others):
            self.report(f"HeyGen is also rendering slides {', '.join(map(str, started))}")

    def video(self, slide: SlideState) -> SlideVideo:
        """What HeyGen is asked for this slide: our narration to lip-sync (or, with a HeyGen
        voice, its text), or silence for a slide with nothing to say."""
        made_by: dict[str, object]
        if slide.audio_key is None:
            made_by = {"silence": self.ctx.settings.hold_s}
            narration = Narration("", self.silent_audio())
        else:
            voice_id = self.settings.voice_id
            made_by = {"text": slide.narration} if voice_id else {"audio": slide.audio_key}
            narration = Narration(slide.narration or "", self.ctx.storage.fetch(slide.audio_key))
        return SlideVideo(slide.number, narration, video_key(made_by, self.settings))

    def silent_audio(self) -> Path:
        """The hold's length of silence, made once per task."""
        if not self.silence.exists():
            seconds = self.ctx.settings.hold_s
            command = [
                imageio_ffmpeg.get_ffmpeg_exe(), "-v", "error", "-nostdin", "-y", "-f", "lavfi",
                "-i", f"anullsrc=r=24000:cl=mono:d={seconds}", self.silence,
            ]  # fmt: skip
            result = run_child(command, token=self.ctx.token, timeout=SILENCE_TIMEOUT_S)
            if result.returncode != 0:
                raise RuntimeError(f"ffmpeg could not make {seconds} s of silence: {result.stderr}")
        return self.silence

    def current_state(self) -> JobState:
        """The job as its log says now (slides voiced since the task began included)."""
        read = asyncio.run_coroutine_threadsafe(self.ctx.events.read(self.ctx.job_id), self.loop)
        return fold(read.result())

    def report(self, message: str) -> None:
        asyncio.run_coroutine_threadsafe(self.ctx.progress(message), self.loop)
