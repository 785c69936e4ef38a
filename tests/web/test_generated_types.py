"""The web client's types are generated from the API's own documents (scripts/gen-web-types):
the committed files are those the models make now, and they know every event type."""

from __future__ import annotations

import re
import subprocess
import sys

from slidespeaker.api.routes.asyncapi import asyncapi

from ..conftest import REPO

GENERATED = REPO / "web/src/generated"


def test_the_committed_types_are_what_the_models_make_now() -> None:
    assert (REPO / "web/node_modules/json-schema-to-typescript").is_dir(), "run make web first"
    check = subprocess.run([sys.executable, str(REPO / "scripts/gen-web-types"), "--check"],
                           capture_output=True, text=True, timeout=120)  # fmt: skip
    assert check.returncode == 0, check.stderr


def test_every_event_type_of_the_asyncapi_document_is_known_to_the_web_client() -> None:
    document = asyncapi()
    documented = set(document["channels"]["jobLog"]["messages"])
    source = (GENERATED / "events.ts").read_text(encoding="utf-8")
    listed = re.search(r"export const EVENT_TYPES = \[(.*?)\] as const", source, re.S)
    assert listed, "events.ts lists the event types"
    assert set(re.findall(r'"([^"]+)"', listed[1])) == documented
    typed = set(re.findall(r'^  type: "([^"]+)";$', source, re.M))
    assert typed == documented, "each event type has its own type in the JobEvent union"
    assert {"podcast.scripted", "turn.voiced", "podcast.composed"} <= documented

