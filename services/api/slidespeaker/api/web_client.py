"""The built web client, served at `/` beside the API."""

from __future__ import annotations

from pathlib import Path

from fastapi.staticfiles import StaticFiles
from starlette.routing import Match, Mount
from starlette.types import Scope


class WebClient(Mount):
    """The web client's files at `/`, never answering for /api/: a mount at `/` matches
    every path fully, which would beat an API route matching only by path (the one that
    answers 405 for a method it does not take, e.g. GET /api/estimates) and answer 404."""

    def __init__(self, directory: Path) -> None:
        super().__init__("/", app=StaticFiles(directory=directory, html=True), name="web")

    def matches(self, scope: Scope) -> tuple[Match, Scope]:
        if scope.get("path", "").startswith("/api/"):
            return Match.NONE, {}
        return super().matches(scope)
