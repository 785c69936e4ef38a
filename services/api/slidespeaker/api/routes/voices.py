"""The voices the running voice services offer (each publishes its own on start)."""

from __future__ import annotations

import json
from typing import Any

from fastapi import APIRouter
from pydantic import BaseModel

from slidespeaker.api.deps import EventLogDep

router = APIRouter(prefix="/api", tags=["voices"])


class Voice(BaseModel):
    provider: str
    name: str
    language: str  # BCP 47, e.g. en-US
    description: str = ""


class Voices(BaseModel):
    voices: list[Voice]


@router.get("/voices")
async def list_voices(events: EventLogDep) -> Voices:
    raw: Any = await events.redis.hvals(events.keys.voices)
    voices = [Voice.model_validate(json.loads(item)) for item in raw]
    return Voices(voices=sorted(voices, key=lambda v: (v.language, v.provider, v.name)))
