"""`slidespeaker script`: the narration written out for a person to read and edit, and the
edited script fed back to `render --script`."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path
from typing import TYPE_CHECKING

from pydantic import BaseModel

from slidespeaker.common import events as ev
from slidespeaker.common.errors import BadInput
from slidespeaker.common.fold import JobState
from slidespeaker.common.review import approval
from slidespeaker.composer.transcript import write_transcript

if TYPE_CHECKING:  # the scripter's libraries are heavy: `render` does not load them
    from slidespeaker.scripter.script import ScriptLine


class EditedLine(BaseModel):
    index: int
    narration: str
    language: str | None = None  # BCP 47; a person may fix a slide's language here
    # Which sentence the pointer shows on which block (indexes in the line's blocks).
    links: list[ev.PointerLink] | None = None


class EditedScript(BaseModel):
    slides: list[EditedLine]
    selection: str | None = None  # the deck's slides it was written for (--slides); None: all


def write_script(
    lines: list[ScriptLine], deck: Path, out: Path, selection: str | None = None
) -> None:
    out.mkdir(parents=True, exist_ok=True)
    slides = [
        {
            **dataclasses.asdict(line), "source": line.source.value,
            "language_source": line.language_source.value if line.language_source else None,
            "blocks": [block.model_dump() for block in line.blocks],
            "links": [link.model_dump() for link in line.links],
        }
        for line in lines
    ]  # fmt: skip
    written = {"deck": deck.name, "selection": selection, "slides": slides}
    text = json.dumps(written, ensure_ascii=False, indent=2)
    (out / "script.json").write_text(text + "\n", encoding="utf-8")
    # Headed by the deck's own slide numbers, as the transcript of the video is.
    sections = [(line.source_slide, line.title, line.narration) for line in lines]
    write_transcript(deck.stem, sections, out / "transcript.md")


def read_script(path: Path) -> EditedScript:
    try:
        return EditedScript.model_validate_json(path.read_text(encoding="utf-8"))
    except ValueError as exc:
        raise BadInput(f"{path} is not a script written by 'slidespeaker script': {exc}") from exc


def script_events(state: JobState, script: EditedScript) -> list[ev.Event]:
    """The edits that make the job say the script, then its approval."""
    if len(script.slides) != state.slide_count:
        raise BadInput(
            f"the script has {len(script.slides)} slides but the deck has {state.slide_count} "
            "visible slides: write it again with 'slidespeaker script'"
        )
    narrations = {line.index: line.narration for line in script.slides}
    languages = {
        line.index: line.language
        for line in script.slides
        if line.language and line.language != state.slide(line.index).language
    }
    links = {
        line.index: line.links
        for line in script.slides
        if line.links is not None and line.links != state.slide(line.index).links
    }
    return approval(state, narrations, languages, links=links)
