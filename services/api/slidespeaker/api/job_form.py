"""The upload form's option fields, built from `JobOptions`: the same names, types, bounds,
defaults and descriptions, so the API (and its OpenAPI schema, which the web client is
generated from) follow the model."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, create_model

from slidespeaker.common.events import JobOptions

# Sent otherwise: the lexicon as a file of its own.
NOT_IN_FORM = {"lexicon"}
# Kept as typed, and checked by the route, so a malformed selection is a 400 that says
# what is wrong rather than a validation error.
AS_TYPED = {"slides": str | None}


def _fields() -> dict[str, Any]:
    return {
        name: (AS_TYPED.get(name, field.annotation), field)
        for name, field in JobOptions.model_fields.items()
        if name not in NOT_IN_FORM
    }


JobForm: type[BaseModel] = create_model("JobForm", **_fields())
