"""The upload form's option fields, built from `JobOptions`: the same names, types, bounds,
defaults and descriptions, so the API (and its OpenAPI schema, which the web client is
generated from) follow the model. A job's submission and a cost estimate take the same form."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import File, Form, HTTPException, UploadFile, status
from pydantic import BaseModel, create_model

from slidespeaker.common.errors import BadInput
from slidespeaker.common.events import RESOLUTIONS, JobOptions
from slidespeaker.common.lexicon import parse_lexicon
from slidespeaker.common.slide_selection import parse_slides

# Sent otherwise: the lexicon as a file of its own.
NOT_IN_FORM = {"lexicon"}
# Kept as typed, and checked by the route, so a malformed selection is a 400 that says
# what is wrong rather than a validation error.
AS_TYPED = {"slides": str | None}
MAX_LEXICON_BYTES = 1_000_000


def _fields() -> dict[str, Any]:
    return {
        name: (AS_TYPED.get(name, field.annotation), field)
        for name, field in JobOptions.model_fields.items()
        if name not in NOT_IN_FORM
    }


JobForm: type[BaseModel] = create_model("JobForm", **_fields())

# The form's fields beside the options.
LexiconField = Annotated[
    UploadFile | None, File(description="how to say words: WORD<TAB>SPOKEN lines or JSON")
]
PasswordField = Annotated[
    str | None, Form(max_length=1000, description="opens the deck; never stored")
]
ResolutionField = Annotated[
    Literal["720p", "1080p", "4k"] | None, Form(description="instead of width and height")
]


async def job_options(
    form: BaseModel, lexicon: UploadFile | None, resolution: str | None
) -> JobOptions:
    """The options the form chose; 400 or 422 saying what is wrong."""
    chosen = form.model_dump()
    if resolution:
        chosen["width"], chosen["height"] = RESOLUTIONS[resolution]
    chosen["slides"] = checked_slides(chosen.get("slides"))
    return JobOptions.model_validate({**chosen, "lexicon": await checked_lexicon(lexicon)})


async def checked_lexicon(upload: UploadFile | None) -> dict[str, str]:
    """The lexicon's entries, which travel in the job's options; 422 saying what is wrong."""
    if upload is None:
        return {}
    data = await upload.read(MAX_LEXICON_BYTES + 1)
    name = upload.filename or "the lexicon"
    if len(data) > MAX_LEXICON_BYTES:
        raise HTTPException(422, f"lexicon: {name} is larger than {MAX_LEXICON_BYTES} bytes")
    try:
        return parse_lexicon(data.decode("utf-8"), name)
    except UnicodeDecodeError as exc:
        raise HTTPException(422, f"lexicon: {name} is not UTF-8 text") from exc
    except BadInput as exc:
        raise HTTPException(422, f"lexicon: {exc.message}") from exc


def checked_slides(slides: str | None) -> str | None:
    """The slide selection in its normal form; 400 saying what is wrong with it."""
    if not slides:
        return None  # a form's empty field: every slide
    try:
        return str(parse_slides(slides))
    except ValueError as exc:
        raise HTTPException(status.HTTP_400_BAD_REQUEST, f"slides: {exc}") from exc
