"""A local HTTP server speaking HeyGen's video API, for the real client to talk to.

`POST /v1/asset` (X-Api-Key; raw audio in the body, its MIME type as Content-Type) stores
the audio and answers its asset id; `POST /v2/video/generate` (video_inputs with an avatar
character and an audio-asset or text voice, dimension) answers a video id;
`GET /v1/video_status.get?video_id=` answers waiting/pending/processing for
`rendering_polls` polls, then completed with a video_url (or failed, with HeyGen's error
shape); the video_url serves a real MP4 made by ffmpeg, as long as the uploaded audio (or
the text would take to say), with a moving picture and a tone. Every request is logged
with its arrival time; the knobs make HeyGen slow, failing, down, corrupt or refuse the key.
"""

from __future__ import annotations

import functools
import io
import json
import subprocess
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlparse

import av
import imageio_ffmpeg

from tests.local_http import ReplyingHandler, serving

API_KEY = "heygen-test-key"
AVATARS = {"Angela-inTshirt-20220820", "presenter-1"}
VOICES = {"voice-1"}
SECONDS_PER_CHAR = 0.05
RENDERING = ["waiting", "pending", "processing"]  # in HeyGen's order; the last one lasts
UPLOAD_TYPES = {"audio/mpeg", "image/png", "image/jpeg", "video/mp4", "video/webm"}


@dataclass
class Request:
    method: str
    path: str
    query: dict[str, str]
    at: float  # time.monotonic() on arrival
    body: Any = None


@dataclass
class Video:
    seconds: float
    polls: int = 0
    created: float = field(default_factory=time.monotonic)


@dataclass
class HeyGenServer:
    rendering_polls: int = 2  # status polls answered "still rendering" before completion
    render_s: float = 0.0  # and each video takes this long from its creation (as HeyGen's do)
    # and every video keeps rendering until this many were created (HeyGen's queue, filling)
    complete_after_videos: int = 0
    fail_with: str | None = None  # the render fails with this message
    status_errors: int = 0  # the first status polls answer 500
    corrupt: bool = False  # the video_url serves garbage bytes
    expired_links: int = 0  # the first downloads answer 403, as an expired signed URL does
    unavailable_calls: int = 0  # the first API calls answer 503, as in an outage
    api_key: str = API_KEY  # the key this account accepts
    requests: list[Request] = field(default_factory=list)
    assets: dict[str, float] = field(default_factory=dict)  # asset id: seconds of audio
    videos: dict[str, Video] = field(default_factory=dict)
    port: int = 0

    def reset(self) -> None:
        """A HeyGen that works again, with an empty request log (the port stays)."""
        self.__dict__.update(HeyGenServer(port=self.port).__dict__)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def calls(self, path: str) -> list[Request]:
        return [r for r in self.requests if r.path == path]

    @property
    def api_calls(self) -> list[Request]:
        return [r for r in self.requests if not r.path.startswith("/files/")]

    @property
    def polls(self) -> list[Request]:
        return self.calls("/v1/video_status.get")


@contextmanager
def heygen_server(server: HeyGenServer | None = None) -> Iterator[HeyGenServer]:
    config = server or HeyGenServer()
    with serving(_handler(config)) as port:
        config.port = port
        yield config


@functools.cache
def clip(seconds: float) -> bytes:
    """A real H.264/AAC MP4 `seconds` long: a moving test pattern and a 330 Hz tone."""
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "clip.mp4"
        command = [
            imageio_ffmpeg.get_ffmpeg_exe(), "-v", "error",
            "-f", "lavfi", "-i", f"testsrc2=size=160x160:rate=25:duration={seconds}",
            "-f", "lavfi", "-i", f"sine=frequency=330:duration={seconds}:sample_rate=44100",
            "-c:v", "libx264", "-pix_fmt", "yuv420p", "-preset", "ultrafast",
            "-c:a", "aac", "-shortest", "-movflags", "+faststart", out,
        ]  # fmt: skip
        subprocess.run(command, check=True, capture_output=True)
        return out.read_bytes()


def audio_seconds(data: bytes) -> float:
    """The length of uploaded audio, decoded in full (an unreadable upload raises)."""
    with av.open(io.BytesIO(data), mode="r") as container:
        samples, rate = 0, 0
        for frame in container.decode(audio=0):
            samples += frame.samples
            rate = frame.sample_rate
    if not rate:
        raise ValueError("no audio")
    return round(samples / rate, 3)


def _handler(config: HeyGenServer) -> type[BaseHTTPRequestHandler]:
    class Handler(ReplyingHandler):
        protocol_version = "HTTP/1.1"

        def do_GET(self) -> None:
            self._route("GET", b"")

        def do_POST(self) -> None:
            self._route("POST", self.rfile.read(int(self.headers.get("Content-Length", 0))))

        def _route(self, method: str, body: bytes) -> None:
            url = urlparse(self.path)
            query = {k: v[0] for k, v in parse_qs(url.query).items()}
            request = Request(method, url.path, query, time.monotonic())
            config.requests.append(request)
            if url.path.startswith("/files/"):
                return self._file(url.path.removeprefix("/files/").removesuffix(".mp4"))
            if self.headers.get("X-Api-Key") != config.api_key:
                return self._error(401, "internal_error", "Unauthorized")
            if len(config.api_calls) <= config.unavailable_calls:
                return self._error(503, "service_unavailable", "Service Unavailable")
            if (method, url.path) == ("POST", "/v1/asset"):
                return self._upload(body)
            if (method, url.path) == ("POST", "/v2/video/generate"):
                request.body = json.loads(body)
                return self._generate(request.body)
            if (method, url.path) == ("GET", "/v1/video_status.get"):
                return self._status(query.get("video_id", ""))
            self._json(404, {"code": 404, "message": f"no route {url.path}"})

        def _upload(self, body: bytes) -> None:
            if self.headers.get("Content-Type") not in UPLOAD_TYPES:
                return self._json(400, {"code": 40001, "message": "unsupported content type"})
            try:
                seconds = audio_seconds(body)
            except (ValueError, av.FFmpegError):
                return self._json(400, {"code": 40001, "message": "asset data must be provided"})
            asset_id = uuid.uuid4().hex
            config.assets[asset_id] = seconds
            data = {"id": asset_id, "name": asset_id, "file_type": "audio", "folder_id": "",
                    "url": f"{config.url}/assets/{asset_id}.mp3", "image_key": None}  # fmt: skip
            self._json(200, {"code": 100, "data": data, "msg": None, "message": None})

        def _generate(self, body: dict[str, Any]) -> None:
            scene = body["video_inputs"][0]
            character, voice = scene["character"], scene["voice"]
            if character.get("type") != "avatar" or character.get("avatar_id") not in AVATARS:
                message = f"Avatar {character.get('avatar_id')} not found or no longer available."
                return self._error(400, "avatar_not_found", message)
            if voice.get("type") == "audio" and voice.get("audio_asset_id") in config.assets:
                seconds = config.assets[voice["audio_asset_id"]]
            elif voice.get("type") == "text" and voice.get("voice_id") in VOICES:
                seconds = round(len(voice["input_text"]) * SECONDS_PER_CHAR, 2)
            else:
                return self._error(400, "invalid_parameter", f"invalid voice: {voice}")
            video_id = uuid.uuid4().hex
            config.videos[video_id] = Video(seconds)
            self._json(200, {"error": None, "data": {"video_id": video_id}})

        def _status(self, video_id: str) -> None:
            if len(config.polls) <= config.status_errors:
                return self._json(500, {"code": 500, "message": "Internal Server Error"})
            video = config.videos.get(video_id)
            if video is None:
                return self._json(404, {"code": 40004, "message": "video not found"})
            rendered = time.monotonic() - video.created >= config.render_s
            if rendered and len(config.videos) >= config.complete_after_videos:
                video.polls += 1
            rendering = RENDERING[max(0, min(video.polls, len(RENDERING)) - 1)]
            data: dict[str, Any] = {
                "id": video_id, "callback_id": None, "caption_url": None, "duration": None,
                "error": None, "gif_url": None, "thumbnail_url": None, "video_url": None,
                "video_url_caption": None, "status": rendering,
            }  # fmt: skip
            if video.polls > config.rendering_polls and config.fail_with:
                data["status"] = "failed"
                data["error"] = {
                    "code": 40119,
                    "message": config.fail_with,
                    "detail": config.fail_with,
                }
            elif video.polls > config.rendering_polls:
                data |= {"status": "completed", "duration": video.seconds,
                         "video_url": f"{config.url}/files/{video_id}.mp4"}  # fmt: skip
            self._json(200, {"code": 100, "data": data, "message": "Success"})

        def _file(self, video_id: str) -> None:
            video = config.videos.get(video_id)
            if video is None:
                return self._send(404, "text/plain", b"NoSuchKey")
            if len(config.calls(f"/files/{video_id}.mp4")) <= config.expired_links:
                return self._send(
                    403, "application/xml", b"<Error><Code>AccessDenied</Code></Error>"
                )
            data = b"\x00garbage, not a video\xff" * 500 if config.corrupt else clip(video.seconds)
            self._send(200, "video/mp4", data)

        def _error(self, status: int, code: str, message: str) -> None:
            """The v2 API's error shape."""
            self._json(status, {"data": None, "error": {"code": code, "message": message}})

    return Handler
