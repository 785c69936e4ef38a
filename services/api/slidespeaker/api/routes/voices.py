"""The voices the running voice services offer (each publishes its own on start), and a
short sample of each, spoken by a voice service (the API loads no voice engine)."""

from __future__ import annotations

import json
from typing import Annotated, Any

from fastapi import APIRouter, HTTPException, Query
from fastapi.responses import Response
from pydantic import BaseModel

from slidespeaker.api.deps import EventLogDep, StorageDep
from slidespeaker.api.stored_files import stored_file
from slidespeaker.api.views import service_errors
from slidespeaker.common.asking import ask, reply_list, someone_answers
from slidespeaker.common.event_store import EventLog
from slidespeaker.common.voice_samples import (
    SampleReply,
    SampleRequest,
    sample_key,
    sample_text,
)

router = APIRouter(prefix="/api", tags=["voices"])

SAMPLE_WAIT_S = 30  # a voice service busy with a long slide answers between two sentences


SAMPLE_ERRORS = service_errors(
    {
        404: "no running voice service offers this voice",
        422: "the voice cannot speak this (the voice service's reason), or a bad parameter",
        502: "the voice service failed to speak it; asking again may work",
        503: "no voice service is running",
        504: "no voice service answered in time",
    }
)


class Voice(BaseModel):
    provider: str
    name: str
    language: str  # BCP 47, e.g. en-US
    description: str = ""


class Voices(BaseModel):
    voices: list[Voice]


@router.get("/voices")
async def list_voices(events: EventLogDep) -> Voices:
    voices = [Voice.model_validate(voice) for voice in await offered_voices(events)]
    return Voices(voices=sorted(voices, key=lambda v: (v.language, v.provider, v.name)))


async def offered_voices(events: EventLog) -> list[dict[str, str]]:
    """The voices the running voice services said they offer (each publishes its own)."""
    raw: Any = await events.redis.hvals(events.keys.voices)
    return [json.loads(item) for item in raw]


@router.get(
    "/voices/sample",
    response_class=Response,
    responses={200: {"content": {"audio/wav": {}}}, **SAMPLE_ERRORS},
)
async def voice_sample(
    events: EventLogDep,
    storage: StorageDep,
    provider: Annotated[str, Query(max_length=40)],
    voice: Annotated[str | None, Query(max_length=200, description="None: the default")] = None,
    text: Annotated[str | None, Query(min_length=1, max_length=300)] = None,
) -> Response:
    """A sentence spoken by the voice (WAV), in its language unless `text` is given; made
    once by a voice service, then served from storage."""
    language = await _published_language(events, provider, voice)
    request = SampleRequest(
        provider=provider, voice=voice, text=text or sample_text(language),
        key=sample_key(provider, voice, text or sample_text(language)),
        reply=reply_list(events.keys.voice_samples),
    )  # fmt: skip
    if not storage.exists(request.key):
        await _ask_voice_service(events, request)
    return await stored_file(storage, request.key, "audio/wav", "sample.wav", None)


async def _published_language(events: EventLog, provider: str, voice: str | None) -> str:
    """The voice's language, if a running voice service offers it (else 404)."""
    published: dict[bytes, bytes] = await events.redis.hgetall(events.keys.voices)  # type: ignore[assignment]
    offered = {key.decode(): json.loads(value) for key, value in published.items()}
    if voice is None and any(key.startswith(f"{provider}/") for key in offered):
        return "en"  # each provider's default voice speaks English
    if voice is not None and f"{provider}/{voice}" in offered:
        return str(offered[f"{provider}/{voice}"]["language"])
    name = f"{provider}/{voice}" if voice else f"{provider}'s default voice"
    raise HTTPException(404, f"no voice service offers {name}; GET /api/voices lists those that do")


async def _ask_voice_service(events: EventLog, request: SampleRequest) -> None:
    if not await someone_answers(events.redis, events.keys.presence_pattern("voice")):
        raise HTTPException(503, "no voice service is running to speak a sample; start one")
    answer = await ask(events.redis, events.keys.voice_samples, request, SAMPLE_WAIT_S)
    if answer is None:
        raise HTTPException(504, f"no voice service answered within {SAMPLE_WAIT_S} s; try again")
    reply = SampleReply.model_validate_json(answer)
    if reply.error:
        raise HTTPException(422 if reply.bad_input else 502, reply.error)
