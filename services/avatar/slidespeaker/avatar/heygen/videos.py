"""HeyGen videos, each started once: by whichever task, in whichever process, gets there first.

Every video is kept under a key made from what produced it (the narration audio or text, the
avatar and its framing): its id, once HeyGen gave one, in `KEY.video_id`. Starting a video
takes a claim first (`KEY.claim`, created only if absent in the store), so two tasks
never pay for the same video. A task starts its own slide's video, then the next few voiced
slides' that nobody has started: HeyGen renders them side by side while the avatar service
works through its tasks one by one, and each later task finds its video under way or done.
"""

from __future__ import annotations

import contextlib
import time
from dataclasses import dataclass

from slidespeaker.avatar.heygen.api import HeyGenFailed, HeyGenUnavailable
from slidespeaker.avatar.heygen.clip import MP3_TIMEOUT_S, Narration, start_heygen_video
from slidespeaker.avatar.heygen.config import HeyGenSettings
from slidespeaker.common.cancel import CancelToken
from slidespeaker.common.errors import BadInput
from slidespeaker.common.storage import MissingObject, Storage
from slidespeaker.common.storage_keys import Cache, beside, cached

CLAIM_POLL_S = 0.2


@dataclass(frozen=True)
class SlideVideo:
    """What HeyGen is asked to render for one slide, and where its video's id is kept."""

    slide: int
    narration: Narration
    key: str

    @property
    def id_key(self) -> str:
        return beside(self.key, "video_id")

    @property
    def claim_key(self) -> str:
        return beside(self.key, "claim")


def video_key(made_by: dict[str, object], settings: HeyGenSettings) -> str:
    """The key of HeyGen's video of this narration by this avatar, so framed."""
    made_by = {
        **made_by, "avatar": settings.avatar_id, "style": settings.avatar_style,
        "voice": settings.voice_id, "background": settings.background,
        "size": [settings.width, settings.height],
    }  # fmt: skip
    return cached(Cache.heygen, made_by)


class StartedVideos:
    def __init__(self, storage: Storage, settings: HeyGenSettings, token: CancelToken) -> None:
        self.storage = storage
        self.settings = settings
        self.token = token
        # A claim this old was left by a process that died while starting its video.
        self.claim_stale_s = MP3_TIMEOUT_S + 2 * settings.request_timeout_s

    def started(self, video: SlideVideo) -> str:
        """The video's id: one started before (by any task), else one started now."""
        while True:
            if known := self.known(video):
                return known
            if self._claim(video):
                return self._start(video)
            self.token.wait(CLAIM_POLL_S)  # another task is starting it: its id comes soon
            self.token.check()
            self._drop_if_stale(video)

    def start_ahead(self, videos: list[SlideVideo]) -> list[int]:
        """Start the videos nobody has started or is starting; the slides started. Best
        effort: on any failure it stops, and each slide's own task tries again and says why."""
        started = []
        for video in videos:
            self.token.check()
            if self.known(video) or not self._claim(video):
                continue
            try:
                self._start(video)
            except (HeyGenUnavailable, HeyGenFailed, BadInput):
                break
            started.append(video.slide)
        return started

    def known(self, video: SlideVideo) -> str | None:
        if not self.storage.exists(video.id_key):
            return None
        return self.storage.read_bytes(video.id_key).decode()

    def forget(self, video: SlideVideo) -> None:
        """HeyGen could not render it: a later job asks for a new one."""
        self.storage.delete(video.id_key)

    def _start(self, video: SlideVideo) -> str:
        """Start the claimed video (unless its id came just before the claim) and release it."""
        try:
            if known := self.known(video):
                return known
            video_id = start_heygen_video(video.narration, self.settings, self.token)
            self.storage.write_text(video.id_key, video_id)
            return video_id
        finally:
            self.storage.delete(video.claim_key)

    def _claim(self, video: SlideVideo) -> bool:
        """Created only if absent (S3's If-None-Match, a local O_EXCL): one claimant wins."""
        return self.storage.create(video.claim_key, b"")

    def _drop_if_stale(self, video: SlideVideo) -> None:
        with contextlib.suppress(MissingObject):
            if time.time() - self.storage.stat(video.claim_key).modified > self.claim_stale_s:
                self.storage.delete(video.claim_key)
