"""A local HTTP server speaking OpenAI's Chat Completions protocol, for the real openai SDK.

`POST /v1/chat/completions` (Bearer key) with structured output (`response_format`
json_schema) answers a chat.completion whose message content is the JSON the schema asks
for: the slide number from the request and a narration naming the slide's title, so a
test can tell which slide an answer was written for. `mode` makes it misbehave the ways
real endpoints do: slow, failing (500), refusing the key (401), answering malformed JSON
or the wrong slide; `failures` limits the misbehaviour to the first requests, `only` to
the requests with those numbers (from 1). `answers` writes the content of answers to
other questions (a request whose json_schema has that name) in place of a narration.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler
from typing import Any, Literal

from tests.local_http import ReplyingHandler, serving

API_KEY = "test-key"
Mode = Literal["ok", "slow", "error", "unauthorized", "malformed", "wrong_slide"]


@dataclass
class ChatServer:
    mode: Mode = "ok"
    failures: int = 1_000_000  # how many requests misbehave before it answers well
    only: set[int] | None = None  # or: the numbers of the requests that misbehave
    slow_s: float = 3.0
    requests: list[dict[str, Any]] = field(default_factory=list)
    # The content answering a request, by the name of the json_schema it asks for.
    answers: dict[str, Callable[[dict[str, Any]], str]] = field(default_factory=dict)
    port: int = 0

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/v1"

    def user_facts(self, index: int) -> dict[str, Any]:
        """The facts the client sent in request `index` (its user message's text, as JSON)."""
        parts = self._user_parts(index)
        return dict(json.loads(next(p["text"] for p in parts if p["type"] == "text")))

    def pictures(self, index: int) -> list[dict[str, Any]]:
        """The image parts (`{"url": ..., "detail": ...}`) of request `index`'s user message."""
        return [p["image_url"] for p in self._user_parts(index) if p["type"] == "image_url"]

    def _user_parts(self, index: int) -> list[dict[str, Any]]:
        messages = self.requests[index]["messages"]
        content = next(m["content"] for m in messages if m["role"] == "user")
        # A plain string, or a list of parts when an image comes with the text.
        return [{"type": "text", "text": content}] if isinstance(content, str) else list(content)


@contextmanager
def chat_server(server: ChatServer | None = None) -> Iterator[ChatServer]:
    config = server or ChatServer()
    with serving(_handler(config)) as port:
        config.port = port
        yield config


def narration_for(title: str, slide: int) -> str:
    return f"Here the presenter explains {title or 'an untitled slide'}, slide {slide}."


def _handler(config: ChatServer) -> type[BaseHTTPRequestHandler]:
    class Handler(ReplyingHandler):
        def do_POST(self) -> None:
            body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
            config.requests.append(body)
            number = len(config.requests)
            misbehaving = number in config.only if config.only else number <= config.failures
            if self.path != "/v1/chat/completions":
                return self._error(404, "not found")
            if self.headers.get("Authorization") != f"Bearer {API_KEY}" or (
                misbehaving and config.mode == "unauthorized"
            ):
                return self._error(401, "Incorrect API key provided")
            if body.get("response_format", {}).get("type") != "json_schema":
                return self._error(400, "this test server answers structured output only")
            if misbehaving and config.mode == "error":
                return self._error(500, "The server had an error while processing your request")
            if misbehaving and config.mode == "slow":
                time.sleep(config.slow_s)
            schema = body["response_format"].get("json_schema", {}).get("name", "")
            if schema in config.answers:
                return self._json(200, _completion(body["model"], config.answers[schema](body)))
            facts = config.user_facts(len(config.requests) - 1)
            slide = facts["slide"] + (1 if misbehaving and config.mode == "wrong_slide" else 0)
            answer = {"slide": slide, "narration": narration_for(facts["title"], facts["slide"])}
            content = json.dumps(answer)
            if misbehaving and config.mode == "malformed":
                content = content[: len(content) // 2]  # cut off mid-way, as a broken model does
            self._json(200, _completion(body["model"], content))

        def _error(self, status: int, message: str) -> None:
            error = {"message": message, "type": "invalid_request_error", "code": None}
            self._json(status, {"error": error})

    return Handler


def _completion(model: str, content: str) -> dict[str, Any]:
    return {
        "id": "chatcmpl-test",
        "object": "chat.completion",
        "created": int(time.time()),
        "model": model,
        "choices": [
            {
                "index": 0,
                "message": {"role": "assistant", "content": content, "refusal": None},
                "finish_reason": "stop",
                "logprobs": None,
            }
        ],
        "usage": {"prompt_tokens": 10, "completion_tokens": 10, "total_tokens": 20},
    }
