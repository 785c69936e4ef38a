"""The HeyGen client against a local server speaking HeyGen's protocol: the narration is
uploaded, the video created, polled with backoff and downloaded; failures are sorted into
what to tell the user, what to retry and what to give up on; a cancel stops the polling;
each video is started once, however many tasks ask for it at the same moment."""

from __future__ import annotations

import itertools
import re
import subprocess
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import av
import imageio_ffmpeg
import pytest

from slidespeaker.avatar.heygen.api import HeyGenFailed, HeyGenUnavailable
from slidespeaker.avatar.heygen.clip import (
    MISSING_KEY,
    HeyGenDeadline,
    Narration,
    render_heygen_clip,
)
from slidespeaker.avatar.heygen.config import HeyGenSettings
from slidespeaker.avatar.heygen.videos import SlideVideo, StartedVideos, video_key
from slidespeaker.common.cancel import CancelToken, JobCancelled
from slidespeaker.common.errors import BadInput
from slidespeaker.common.object_store import ObjectStore
from slidespeaker.common.storage import Storage

from ..stores import local_storage, new_bucket, s3_access
from .heygen_server import API_KEY, HeyGenServer, heygen_server

FAST = {"poll_s": 0.02, "poll_max_s": 0.1, "deadline_s": 10.0, "request_timeout_s": 5.0}


@pytest.fixture
def server() -> Iterator[HeyGenServer]:
    with heygen_server() as running:
        yield running


@pytest.fixture(scope="module")
def narration(tmp_path_factory: pytest.TempPathFactory) -> Narration:
    """1.5 s of real narration audio, a WAV as the voice service writes it."""
    wav = tmp_path_factory.mktemp("narration") / "slide.wav"
    command = [
        imageio_ffmpeg.get_ffmpeg_exe(), "-v", "error", "-f", "lavfi",
        "-i", "sine=frequency=200:duration=1.5:sample_rate=22050", "-ac", "1", str(wav),
    ]  # fmt: skip
    subprocess.run(command, check=True)
    return Narration(text="Hello from the first slide.", audio=wav)


def settings_for(server: HeyGenServer, **overrides: object) -> HeyGenSettings:
    values = {"HEYGEN_API_KEY": API_KEY, "HEYGEN_BASE_URL": server.url, **FAST, **overrides}
    return HeyGenSettings.model_validate(values)


def video_seconds(path: Path) -> float:
    """Decodes every frame (a corrupt file raises) and returns the video's length."""
    with av.open(str(path)) as container:
        frames = sum(1 for _ in container.decode(video=0))
        rate = float(container.streams.video[0].average_rate or 25)
    return frames / rate


def test_the_narration_is_lip_synced_and_the_clip_downloaded(
    server: HeyGenServer, narration: Narration, tmp_path: Path
) -> None:
    created: list[str] = []
    statuses: list[str] = []
    out = render_heygen_clip(
        narration, tmp_path / "clip.mp4", settings_for(server), CancelToken(),
        on_created=created.append, on_status=statuses.append,
    )  # fmt: skip
    assert statuses == ["waiting", "pending", "completed"]
    polls = ["/v1/video_status.get"] * 3
    assert [r.path for r in server.requests] == [
        "/v1/asset", "/v2/video/generate", *polls, f"/files/{created[0]}.mp4",
    ]  # fmt: skip
    scene = server.calls("/v2/video/generate")[0].body["video_inputs"][0]
    assert scene["character"] == {
        "type": "avatar",
        "avatar_id": "Angela-inTshirt-20220820",
        "avatar_style": "normal",
    }
    assert scene["voice"] == {"type": "audio", "audio_asset_id": next(iter(server.assets))}
    # HeyGen got our narration as MP3, whole: the clip it renders is as long as the slide's audio.
    assert next(iter(server.assets.values())) == pytest.approx(1.5, abs=0.1)
    assert video_seconds(out) == pytest.approx(1.5, abs=0.1)


def test_a_heygen_voice_speaks_the_text_instead(
    server: HeyGenServer, narration: Narration, tmp_path: Path
) -> None:
    render_heygen_clip(
        narration, tmp_path / "clip.mp4", settings_for(server, voice_id="voice-1"), CancelToken()
    )
    assert not server.calls("/v1/asset")
    voice = server.calls("/v2/video/generate")[0].body["video_inputs"][0]["voice"]
    assert voice == {"type": "text", "input_text": narration.text, "voice_id": "voice-1"}


def test_a_slow_render_is_polled_with_growing_intervals(
    server: HeyGenServer, narration: Narration, tmp_path: Path
) -> None:
    server.rendering_polls = 6
    settings = settings_for(server, poll_s=0.02, poll_max_s=0.16)
    render_heygen_clip(narration, tmp_path / "clip.mp4", settings, CancelToken())
    arrivals = [r.at for r in server.polls]
    gaps = [later - earlier for earlier, later in itertools.pairwise(arrivals)]
    # Each wait lasts at least its interval (a busy machine only makes it longer): 0.02 s
    # doubling up to the 0.16 s cap.
    assert len(gaps) == 6
    for gap, interval in zip(gaps, [0.02, 0.04, 0.08, 0.16, 0.16, 0.16], strict=True):
        assert gap >= interval * 0.95


def test_a_resumed_render_is_not_created_again(
    server: HeyGenServer, narration: Narration, tmp_path: Path
) -> None:
    settings = settings_for(server)
    created: list[str] = []
    render_heygen_clip(
        narration, tmp_path / "a.mp4", settings, CancelToken(), on_created=created.append
    )
    render_heygen_clip(narration, tmp_path / "b.mp4", settings, CancelToken(), video_id=created[0])
    assert len(server.calls("/v2/video/generate")) == 1
    assert (tmp_path / "a.mp4").read_bytes() == (tmp_path / "b.mp4").read_bytes()


def test_a_resumed_video_heygen_no_longer_knows_is_a_failed_render(
    server: HeyGenServer, narration: Narration, tmp_path: Path
) -> None:
    with pytest.raises(HeyGenFailed, match="HTTP 404: video not found"):
        render_heygen_clip(
            narration, tmp_path / "clip.mp4", settings_for(server), CancelToken(), video_id="gone"
        )


def test_an_expired_link_is_retried_and_the_retry_resumes_the_same_video(
    server: HeyGenServer, narration: Narration, tmp_path: Path
) -> None:
    server.expired_links = 1
    settings = settings_for(server)
    created: list[str] = []
    with pytest.raises(HeyGenUnavailable, match="HTTP 403"):
        render_heygen_clip(
            narration, tmp_path / "a.mp4", settings, CancelToken(), on_created=created.append
        )
    out = render_heygen_clip(
        narration, tmp_path / "b.mp4", settings, CancelToken(), video_id=created[0]
    )
    assert video_seconds(out) == pytest.approx(1.5, abs=0.1)
    assert len(server.calls("/v2/video/generate")) == 1


def test_a_failed_render_reports_heygens_own_message(
    server: HeyGenServer, narration: Narration, tmp_path: Path
) -> None:
    server.fail_with = "Video is too long (> 3600.0s). Please upgrade your plan"
    with pytest.raises(HeyGenFailed, match="Video is too long"):
        render_heygen_clip(narration, tmp_path / "clip.mp4", settings_for(server), CancelToken())


def test_status_errors_in_between_are_polled_through(
    server: HeyGenServer, narration: Narration, tmp_path: Path
) -> None:
    server.status_errors = 2
    out = render_heygen_clip(narration, tmp_path / "clip.mp4", settings_for(server), CancelToken())
    assert video_seconds(out) == pytest.approx(1.5, abs=0.1)
    assert len(server.polls) == 2 + 3


def test_status_errors_that_persist_hand_the_task_back_for_a_retry(
    server: HeyGenServer, narration: Narration, tmp_path: Path
) -> None:
    server.status_errors = 100
    with pytest.raises(HeyGenUnavailable, match="HTTP 500"):
        render_heygen_clip(
            narration, tmp_path / "clip.mp4", settings_for(server, max_poll_errors=3), CancelToken()
        )
    assert len(server.polls) == 3


def test_heygen_down_is_retryable(
    server: HeyGenServer, narration: Narration, tmp_path: Path
) -> None:
    server.unavailable_calls = 1_000
    with pytest.raises(HeyGenUnavailable, match="HTTP 503"):
        render_heygen_clip(narration, tmp_path / "clip.mp4", settings_for(server), CancelToken())


def test_no_answer_at_all_is_retryable(narration: Narration, tmp_path: Path) -> None:
    with heygen_server() as gone:
        url = gone.url
    settings = HeyGenSettings.model_validate(
        {"HEYGEN_API_KEY": API_KEY, "HEYGEN_BASE_URL": url, **FAST}
    )
    with pytest.raises(HeyGenUnavailable, match="did not upload"):
        render_heygen_clip(narration, tmp_path / "clip.mp4", settings, CancelToken())


def test_a_rejected_key_is_bad_input(
    server: HeyGenServer, narration: Narration, tmp_path: Path
) -> None:
    settings = settings_for(server, HEYGEN_API_KEY="wrong")
    with pytest.raises(BadInput, match=r"HeyGen rejected the API key \(HTTP 401: Unauthorized\)"):
        render_heygen_clip(narration, tmp_path / "clip.mp4", settings, CancelToken())


def test_a_missing_key_is_bad_input_before_any_call(
    server: HeyGenServer, narration: Narration, tmp_path: Path
) -> None:
    settings = HeyGenSettings.model_validate({"HEYGEN_BASE_URL": server.url, "HEYGEN_API_KEY": ""})
    with pytest.raises(BadInput, match=re.escape(MISSING_KEY)):
        render_heygen_clip(narration, tmp_path / "clip.mp4", settings, CancelToken())
    assert not server.requests


def test_an_unknown_avatar_is_bad_input_with_heygens_reason(
    server: HeyGenServer, narration: Narration, tmp_path: Path
) -> None:
    with pytest.raises(BadInput, match="Avatar nobody not found"):
        render_heygen_clip(
            narration,
            tmp_path / "clip.mp4",
            settings_for(server, avatar_id="nobody"),
            CancelToken(),
        )


def test_a_render_past_the_deadline_gives_up(
    server: HeyGenServer, narration: Narration, tmp_path: Path
) -> None:
    server.rendering_polls = 10_000
    with pytest.raises(HeyGenDeadline, match=r"after 0\.3 s"):
        render_heygen_clip(
            narration, tmp_path / "clip.mp4", settings_for(server, deadline_s=0.3), CancelToken()
        )
    assert 2 <= len(server.polls) < 20


def test_a_corrupt_download_is_written_as_sent(
    server: HeyGenServer, narration: Narration, tmp_path: Path
) -> None:
    """Judging the clip is the validation step's job (it decodes every clip before composing)."""
    server.corrupt = True
    out = render_heygen_clip(narration, tmp_path / "clip.mp4", settings_for(server), CancelToken())
    with pytest.raises(av.FFmpegError):
        video_seconds(out)


def test_a_cancel_while_polling_stops_at_once(
    server: HeyGenServer, narration: Narration, tmp_path: Path
) -> None:
    server.rendering_polls = 10_000
    token = CancelToken()
    outcome: list[BaseException] = []

    def render() -> None:
        try:
            render_heygen_clip(
                narration,
                tmp_path / "clip.mp4",
                settings_for(server, poll_s=0.05, poll_max_s=0.05),
                token,
            )
        except BaseException as error:
            outcome.append(error)

    worker = threading.Thread(target=render)
    worker.start()
    while len(server.polls) < 3:
        time.sleep(0.01)
    token.cancel("cancelled by the user")
    worker.join(timeout=5)
    polls_at_cancel = len(server.polls)
    time.sleep(0.3)  # six poll intervals: a client still polling would show here
    assert not worker.is_alive()
    assert [type(e) for e in outcome] == [JobCancelled]
    assert len(server.polls) == polls_at_cancel
    assert not (tmp_path / "clip.mp4").exists()


@pytest.mark.parametrize("store", ["file", "s3"])
def test_tasks_asking_together_start_one_video(
    server: HeyGenServer,
    narration: Narration,
    tmp_path: Path,
    store: str,
    request: pytest.FixtureRequest,
) -> None:
    settings = settings_for(server)
    storage = local_storage(tmp_path)
    if store == "s3":  # the claim is a conditional PUT (If-None-Match) there
        endpoint: str = request.getfixturevalue("s3_endpoint")
        new_bucket(endpoint, "heygen-claims")
        storage = Storage(ObjectStore("s3://heygen-claims", s3_access(endpoint)), tmp_path)
    video = SlideVideo(1, narration, video_key({"audio": "a.wav"}, settings))
    ids: list[str] = []

    def ask() -> None:
        ids.append(StartedVideos(storage, settings, CancelToken()).started(video))

    tasks = [threading.Thread(target=ask) for _ in range(4)]
    for task in tasks:
        task.start()
    for task in tasks:
        task.join(timeout=30)
    assert len(ids) == 4 and len(set(ids)) == 1
    assert len(server.calls("/v2/video/generate")) == 1
    assert not storage.exists(video.claim_key)


def test_a_claim_left_by_a_dead_process_is_taken_over(
    server: HeyGenServer,
    narration: Narration,
    tmp_path: Path,
) -> None:
    settings = settings_for(server)
    storage = local_storage(tmp_path)
    video = SlideVideo(1, narration, video_key({"audio": "b.wav"}, settings))
    storage.write_text(video.claim_key, "")
    videos = StartedVideos(storage, settings, CancelToken())
    videos.claim_stale_s = 0.3
    assert videos.started(video) == videos.known(video)
    assert len(server.calls("/v2/video/generate")) == 1
