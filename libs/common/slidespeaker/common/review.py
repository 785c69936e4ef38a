"""Approving a job's script after review: one policy for the API and the CLI alike."""

from __future__ import annotations

from collections.abc import Mapping

from slidespeaker.common import events as ev
from slidespeaker.common.errors import BadInput
from slidespeaker.common.fold import JobState, JobStatus
from slidespeaker.common.text_cleaning import clean_text


class ReviewClosed(BadInput):
    """The job does not wait for its script to be reviewed (any more)."""


def approval(state: JobState, narrations: Mapping[int, str]) -> list[ev.Event]:
    """The events that approve the job's script with these narrations (slide -> text): an
    edit for each slide whose narration changes, then the approval. Slides left out keep
    their narration."""
    if state.status != JobStatus.awaiting_review:
        raise ReviewClosed(f"the script can be edited only while the job awaits review; "
                           f"it is {state.status.value}")  # fmt: skip
    count = state.slide_count or 0
    wrong = sorted(slide for slide in narrations if not 1 <= slide <= count)
    if wrong:
        raise BadInput(f"the deck has {count} slides; no slide {wrong[0]}")
    edits: list[ev.Event] = [
        ev.SlideScripted(
            job_id=state.job_id, slide=slide, title=state.slide(slide).title,
            narration=clean_text(text), source=ev.NarrationSource.edited,
        )
        for slide, text in sorted(narrations.items())
        if clean_text(text) != (state.slide(slide).narration or "")
    ]  # fmt: skip
    return [*edits, ev.ScriptApproved(job_id=state.job_id)]
