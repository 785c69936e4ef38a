"""Cost estimates asked for before submission (see slidespeaker.common.cost_estimates): a
thread of the scripter reads each deck sent to be estimated and answers with the reckoning
a job would get."""

from __future__ import annotations

from dataclasses import asdict

import structlog

from slidespeaker.common.asking import start_answering
from slidespeaker.common.cost_estimates import EstimateReply, EstimateRequest
from slidespeaker.common.errors import BadInput
from slidespeaker.common.fold import CostEstimate
from slidespeaker.common.keys import Keys
from slidespeaker.common.object_store import ObjectStore
from slidespeaker.common.scratch import Scratch
from slidespeaker.common.settings import Settings
from slidespeaker.common.storage import Storage
from slidespeaker.scripter.script import estimate_deck

logger = structlog.get_logger(service="scripter")


def answer_estimate(request: EstimateRequest, storage: Storage) -> EstimateReply:
    try:
        counted = estimate_deck(storage.fetch(request.deck_key), request.options)
    except BadInput as exc:
        return EstimateReply(error=exc.message, bad_input=True)
    except Exception as exc:  # our own failure: the person may ask again, we read the log
        logger.exception("estimate.failed", deck=request.deck_key)
        return EstimateReply(error=f"the scripter could not estimate it ({type(exc).__name__})")
    return EstimateReply(estimate=CostEstimate.model_validate(asdict(counted)))


def start_estimate_thread(redis_url: str, settings: Settings, scratch: Scratch) -> None:
    """Each deck is fetched into a task folder of the process's scratch, removed after."""
    keys, store = Keys(settings.key_prefix), ObjectStore.from_settings(settings)

    def answer(request: EstimateRequest) -> EstimateReply:
        with scratch.task() as folder:
            return answer_estimate(request, Storage(store, folder))

    start_answering(redis_url, keys.cost_estimates, EstimateRequest, answer)
