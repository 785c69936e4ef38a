"""The event streams described as AsyncAPI 3.0, generated from the event models themselves,
so the description cannot drift from what the services write and read."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from pydantic import TypeAdapter

from slidespeaker.common.events import KNOWN_TYPES, KnownEvent, Stage
from slidespeaker.common.keys import Keys
from slidespeaker.common.messages import FeedMessage, WorkMessage
from slidespeaker.common.users import AnyUserEvent

router = APIRouter(tags=["docs"])

REF = "#/components/schemas/{model}"
ADDRESSES = Keys("{prefix}")  # the Redis keys, with the installation's prefix as a parameter


@router.get("/asyncapi")
def asyncapi() -> dict[str, Any]:
    schemas = TypeAdapter(KnownEvent).json_schema(ref_template=REF)["$defs"]
    user_schemas = TypeAdapter(AnyUserEvent).json_schema(ref_template=REF)
    schemas.update(user_schemas["$defs"])
    user_types = sorted(user_schemas["discriminator"]["mapping"])
    for model in (FeedMessage, WorkMessage):
        schema = model.model_json_schema(ref_template=REF)
        schemas.update(schema.pop("$defs", {}))
        schemas[model.__name__] = schema
    messages = {name: _message(name, schemas) for name in sorted(KNOWN_TYPES) + user_types}
    messages["feed"] = {"name": "feed", "payload": {"$ref": REF.format(model="FeedMessage")}}
    messages["work"] = {"name": "work", "payload": {"$ref": REF.format(model="WorkMessage")}}
    channels = {
        "jobLog": {
            "address": ADDRESSES.job_log("{job_id}"),
            "description": "Every event of one job, in order (field `event`: the JSON).",
            "messages": {name: {"$ref": f"#/components/messages/{name}"} for name in KNOWN_TYPES},
        },
        "userLog": {
            "address": ADDRESSES.users,
            "description": "Every event about the installation's users and their API keys, in "
            "order (field `event`: the JSON); folded into who may do what.",
            "messages": {name: {"$ref": f"#/components/messages/{name}"} for name in user_types},
        },
        "feed": {
            "address": ADDRESSES.feed,
            "description": "One entry per appended event; the dispatcher's consumer group.",
            "messages": {"feed": {"$ref": "#/components/messages/feed"}},
        },
        **{
            f"work.{stage.value}": {
                "address": ADDRESSES.work(stage),
                "description": f"Tasks for the {stage.value} service's consumer group.",
                "messages": {"work": {"$ref": "#/components/messages/work"}},
            }
            for stage in Stage
        },
    }
    return {
        "asyncapi": "3.0.0",
        "info": {"title": "SlideSpeaker event streams", "version": "1"},
        "defaultContentType": "application/json",
        "channels": channels,
        "components": {"messages": messages, "schemas": schemas},
    }


def _message(event_type: str, schemas: dict[str, Any]) -> dict[str, Any]:
    model = next(
        name for name, schema in schemas.items()
        if schema.get("properties", {}).get("type", {}).get("const") == event_type
    )  # fmt: skip
    return {"name": event_type, "payload": {"$ref": REF.format(model=model)}}
