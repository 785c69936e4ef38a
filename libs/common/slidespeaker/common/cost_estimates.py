"""Cost estimates before submission: what a deck's hosted calls would take and cost with the
chosen options, so a person sees it before sending the job.

The API does not read decks (it must not load the deck readers); it stores the deck under
`storage_keys.estimate_deck` and asks the scripters (asking.py) on `Keys.cost_estimates`.
The answer is the same reckoning a job's `cost.estimated` event carries.
"""

from __future__ import annotations

from slidespeaker.common.asking import Question
from slidespeaker.common.events import Frozen, JobOptions
from slidespeaker.common.fold import CostEstimate


class EstimateRequest(Question):
    """Estimate the deck stored at `deck_key` (opened already) with these options."""

    deck_key: str
    options: JobOptions


class EstimateReply(Frozen):
    """The estimate, or why there is none; `bad_input` when the deck cannot be read."""

    estimate: CostEstimate | None = None
    error: str | None = None
    bad_input: bool = False
