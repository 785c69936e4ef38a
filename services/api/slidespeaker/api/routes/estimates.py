"""What a deck's hosted calls would cost with the chosen options, before it is submitted.
A scripter reads the deck and reckons it (the API reads no deck); nothing is sent to a
hosted service and no job is made."""

from __future__ import annotations

import asyncio
import uuid
from typing import Annotated

from fastapi import APIRouter, Form, HTTPException, UploadFile

from slidespeaker.api.deps import CallerDep, EventLogDep, SettingsDep, StorageDep
from slidespeaker.api.job_form import (
    JobForm,
    LexiconField,
    PasswordField,
    ResolutionField,
    job_options,
)
from slidespeaker.api.limits import take
from slidespeaker.api.uploads import checked_upload
from slidespeaker.api.views import errors, service_errors
from slidespeaker.common import storage_keys
from slidespeaker.common.asking import ask, reply_list, someone_answers
from slidespeaker.common.cost_estimates import EstimateReply, EstimateRequest
from slidespeaker.common.fold import CostEstimate
from slidespeaker.common.jobs import deck_suffix

router = APIRouter(prefix="/api", tags=["estimates"])

ESTIMATE_WAIT_S = 30  # reading a deck's text takes seconds, even beside a render

ESTIMATE_ERRORS = {
    **errors(400, 413, 415, 429),
    **service_errors(
        {
            422: "the deck cannot be read (the scripter's reason), or a bad option",
            502: "the scripter failed to estimate it; asking again may work",
            503: "no scripter service is running",
            504: "no scripter answered in time",
        }
    ),
}


@router.post("/estimates", responses=ESTIMATE_ERRORS)
async def estimate_cost(
    file: UploadFile,
    caller: CallerDep,
    settings: SettingsDep,
    events: EventLogDep,
    storage: StorageDep,
    form: Annotated[JobForm, Form()],
    lexicon: LexiconField = None,
    password: PasswordField = None,
    resolution: ResolutionField = None,
) -> CostEstimate:
    """The model requests, tokens and hosted speech the deck would take with these options
    (the same form as submitting it), and their price when the server knows it; the same
    reckoning the job's `cost.estimated` event will carry."""
    options = await job_options(form, lexicon, resolution)
    await take("estimates", caller, settings, events)
    if not await someone_answers(events.redis, events.keys.presence_pattern("scripter")):
        raise HTTPException(503, "no scripter service is running to read the deck; start one")
    question = uuid.uuid4().hex
    key = storage_keys.estimate_deck(question, deck_suffix(file.filename or ""))
    try:
        with checked_upload(file, storage.scratch, password) as deck:
            await asyncio.to_thread(storage.put_file, key, deck)  # streamed, in parts
        request = EstimateRequest(
            deck_key=key, options=options, reply=reply_list(events.keys.cost_estimates)
        )
        answer = await ask(events.redis, events.keys.cost_estimates, request, ESTIMATE_WAIT_S)
    finally:
        storage.delete_below(storage_keys.estimate(question))
    if answer is None:
        raise HTTPException(504, f"no scripter answered within {ESTIMATE_WAIT_S} s; try again")
    reply = EstimateReply.model_validate_json(answer)
    if reply.estimate is None:
        raise HTTPException(422 if reply.bad_input else 502, reply.error or "no estimate")
    return reply.estimate
