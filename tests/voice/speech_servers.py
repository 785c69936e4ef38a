"""A local HTTP server speaking the hosted speech protocols, for the real SDKs to talk to.

OpenAI: `POST /v1/audio/speech` (Bearer key; JSON model, voice, input, response_format,
speed) answers raw 24 kHz PCM or WAV. ElevenLabs: `POST /v1/text-to-speech/{voice}/with-
timestamps` (xi-api-key) answers JSON with base64 PCM and each character's start and end.
Errors come in each provider's own shape. The audio is a real tone made by ffmpeg, as long
as the text would take to say; `delay_s` makes the server latency-bound (the benchmark).
"""

from __future__ import annotations

import base64
import functools
import io
import json
import multiprocessing
import subprocess
import threading
import time
import wave
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler
from typing import Any
from urllib.parse import urlparse

import imageio_ffmpeg

from tests.local_http import ReplyingHandler, serving

API_KEY = "test-key"
SAMPLE_RATE = 24000
SECONDS_PER_CHAR = 0.05
MAX_SECONDS = 60  # of speech in one answer


@dataclass
class SpeechServer:
    voices: set[str] = field(default_factory=lambda: {"alloy", "nova", "voice-1"})
    delay_s: float = 0.0
    down: bool = False  # answer every request 503, as a provider in an outage does
    down_for: str | None = None  # answer 503 to requests whose text holds this
    silent_for: str | None = None  # never answer requests whose text holds this
    requests: list[dict[str, Any]] = field(default_factory=list)
    port: int = 0

    @property
    def openai_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/v1"

    @property
    def elevenlabs_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"


@contextmanager
def speech_server(server: SpeechServer | None = None) -> Iterator[SpeechServer]:
    config = server or SpeechServer()
    _tone()  # before the first request
    with serving(_handler(config)) as port:
        config.port = port
        yield config


@contextmanager
def latency_bound_server(delay_s: float) -> Iterator[str]:
    """A server answering each request after `delay_s`, in a process of its own as a real
    provider is (in the caller's it would share the GIL with the caller's own polling);
    yields its OpenAI base URL. For the benchmarks."""
    spawn = multiprocessing.get_context("spawn")
    ports: multiprocessing.Queue[int] = spawn.Queue()
    server = spawn.Process(target=_serve_with_delay, args=(delay_s, ports))
    server.start()
    try:
        yield f"http://127.0.0.1:{ports.get(timeout=120)}/v1"
    finally:
        server.terminate()
        server.join()


def _serve_with_delay(delay_s: float, ports: multiprocessing.Queue[int]) -> None:
    with speech_server(SpeechServer(delay_s=delay_s)) as server:
        ports.put(server.port)
        threading.Event().wait()


def speech_seconds(text: str, speed: float = 1.0) -> float:
    return round(min(MAX_SECONDS, max(0.2, len(text) * SECONDS_PER_CHAR / speed)), 2)


def tone_pcm(seconds: float) -> bytes:
    """`seconds` of a 220 Hz tone, 16-bit mono PCM at 24 kHz, cut from one ffmpeg made."""
    return _tone()[: int(seconds * SAMPLE_RATE) * 2]


@functools.cache
def _tone() -> bytes:
    # Made once: an ffmpeg per request would make the server, not the client, the bottleneck.
    command = [
        imageio_ffmpeg.get_ffmpeg_exe(), "-v", "error", "-f", "lavfi",
        "-i", f"sine=frequency=220:duration={MAX_SECONDS}:sample_rate={SAMPLE_RATE}",
        "-ac", "1", "-f", "s16le", "-",
    ]  # fmt: skip
    return subprocess.run(command, capture_output=True, check=True).stdout


def _wav(pcm: bytes) -> bytes:
    out = io.BytesIO()
    with wave.open(out, "wb") as wav:
        wav.setnchannels(1)
        wav.setsampwidth(2)
        wav.setframerate(SAMPLE_RATE)
        wav.writeframes(pcm)
    return out.getvalue()


def _handler(config: SpeechServer) -> type[BaseHTTPRequestHandler]:
    class Handler(ReplyingHandler):
        def do_POST(self) -> None:
            body = json.loads(self.rfile.read(int(self.headers.get("Content-Length", 0))) or b"{}")
            path = urlparse(self.path).path
            config.requests.append({"path": path, **body})
            time.sleep(config.delay_s)
            while config.silent_for and config.silent_for in str(body.get("input")):
                time.sleep(0.1)  # a provider that never answers (until the test ends)
            if path == "/v1/audio/speech":
                self._openai(body)
            elif path.startswith("/v1/text-to-speech/") and path.endswith("/with-timestamps"):
                self._elevenlabs(path.split("/")[3], body)
            else:
                self._json(404, {"error": {"message": f"no route {path}"}})

        def _openai(self, body: dict[str, Any]) -> None:
            if self.headers.get("Authorization") != f"Bearer {API_KEY}":
                error = {"message": "Incorrect API key provided.", "code": "invalid_api_key"}
                return self._json(401, {"error": {**error, "type": "invalid_request_error"}})
            if config.down or (config.down_for and config.down_for in body.get("input", "")):
                return self._json(503, {"error": {"message": "The server is overloaded."}})
            if body.get("voice") not in config.voices:
                message = f"Invalid value for 'voice' = {body.get('voice')}."
                return self._json(400, {"error": {"message": message, "param": "voice"}})
            pcm = tone_pcm(speech_seconds(body["input"], body.get("speed", 1.0)))
            audio = pcm if body.get("response_format") == "pcm" else _wav(pcm)
            self._send(200, "application/octet-stream", audio)

        def _elevenlabs(self, voice: str, body: dict[str, Any]) -> None:
            if self.headers.get("xi-api-key") != API_KEY:
                detail = {"status": "invalid_api_key", "message": "Invalid API key"}
                return self._json(401, {"detail": detail})
            if config.down:
                return self._json(503, {"detail": {"message": "Service unavailable"}})
            if voice not in config.voices:
                message = f"A voice with the voice_id {voice} was not found."
                return self._json(
                    404, {"detail": {"status": "voice_not_found", "message": message}}
                )
            text = body["text"]
            seconds = speech_seconds(text)
            per_char = seconds / len(text)
            timing = {
                "characters": list(text),
                "character_start_times_seconds": [i * per_char for i in range(len(text))],
                "character_end_times_seconds": [(i + 1) * per_char for i in range(len(text))],
            }
            audio = base64.b64encode(tone_pcm(seconds)).decode()
            reply = {"audio_base64": audio, "alignment": timing, "normalized_alignment": timing}
            self._json(200, reply)

    return Handler
