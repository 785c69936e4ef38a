"""Answering OPTIONS with the methods the schema declares for the path (FastAPI answers 405
with the `Allow` of whichever route matched first, which may be a different path's)."""

from __future__ import annotations

import re

from fastapi import FastAPI
from starlette.types import ASGIApp, Receive, Scope, Send

_PARAM = re.compile(r"\{[^/}]+\}")


class OptionsMiddleware:
    def __init__(self, app: ASGIApp, schema_app: FastAPI) -> None:
        self.app = app
        self.schema_app = schema_app
        self._paths: list[tuple[re.Pattern[str], str]] | None = None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "OPTIONS":
            await self.app(scope, receive, send)
            return
        allowed = self._allowed(scope["path"])
        if allowed is None:
            await self.app(scope, receive, send)
            return
        headers = [(b"allow", allowed.encode()), (b"content-length", b"0")]
        await send({"type": "http.response.start", "status": 204, "headers": headers})
        await send({"type": "http.response.body", "body": b""})

    def _allowed(self, path: str) -> str | None:
        if self._paths is None:
            self._paths = [
                (re.compile("^" + _PARAM.sub("[^/]+", template) + "$"), _methods(operations))
                for template, operations in self.schema_app.openapi()["paths"].items()
            ]
        return next((methods for regex, methods in self._paths if regex.match(path)), None)


def _methods(operations: dict[str, object]) -> str:
    declared = {m.upper() for m in operations if m in ("get", "put", "post", "delete", "patch")}
    if "GET" in declared:
        declared.add("HEAD")
    return ", ".join(sorted(declared | {"OPTIONS"}))
