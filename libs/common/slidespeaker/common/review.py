"""Approving a job's script after review: one policy for the API and the CLI alike."""

from __future__ import annotations

from collections.abc import Mapping

from slidespeaker.common import events as ev
from slidespeaker.common.errors import BadInput
from slidespeaker.common.fold import JobState, JobStatus
from slidespeaker.common.languages import LANGUAGE_TAG
from slidespeaker.common.text_cleaning import clean_text


class ReviewClosed(BadInput):
    """The job does not wait for its script to be reviewed (any more)."""


def approval(
    state: JobState,
    narrations: Mapping[int, str],
    languages: Mapping[int, str] | None = None,
    by: str | None = None,
) -> list[ev.Event]:
    """The events that approve the job's script with these narrations (slide -> text) and
    languages (slide -> BCP 47 tag, a person's fix): an edit for each slide whose narration
    or language changes, then the approval. Slides left out keep theirs."""
    if state.status != JobStatus.awaiting_review:
        raise ReviewClosed(f"the script can be edited only while the job awaits review; "
                           f"it is {state.status.value}")  # fmt: skip
    count = state.slide_count or 0
    languages = languages or {}
    wrong = sorted(slide for slide in [*narrations, *languages] if not 1 <= slide <= count)
    if wrong:
        raise BadInput(f"the deck has {count} slides; no slide {wrong[0]}")
    bad = [tag for tag in languages.values() if not LANGUAGE_TAG.fullmatch(tag)]
    if bad:
        raise BadInput(f"{bad[0]!r} is not a language tag (BCP 47, e.g. de or pt-BR)")
    edits: list[ev.Event] = []
    for slide in sorted({*narrations, *languages}):
        now = state.slide(slide)
        text = clean_text(narrations[slide]) if slide in narrations else now.narration or ""
        fixed = languages.get(slide)
        if text == (now.narration or "") and fixed in (None, now.language):
            continue
        source = now.narration_source if text == now.narration else None
        edits.append(
            ev.SlideScripted(
                job_id=state.job_id, slide=slide, title=now.title, narration=text,
                source=source or ev.NarrationSource.edited, language=fixed or now.language,
                language_source=ev.LanguageSource.edited if fixed else now.language_source,
                # The blocks stay, with the links of the sentences still said: a rewritten
                # sentence points at nothing rather than at a guess.
                blocks=now.blocks, page=now.page,
                links=[link for link in now.links if link.sentence in text],
            )
        )  # fmt: skip
    return [*edits, ev.ScriptApproved(job_id=state.job_id, by=by)]
