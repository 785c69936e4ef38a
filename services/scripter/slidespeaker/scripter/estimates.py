"""Cost estimates asked for before submission (see slidespeaker.common.cost_estimates): a
thread of the scripter reads each deck sent to be estimated and answers with the reckoning
a job would get."""

from __future__ import annotations

from dataclasses import asdict
from functools import partial

import structlog

from slidespeaker.common.asking import start_answering
from slidespeaker.common.cost_estimates import EstimateReply, EstimateRequest
from slidespeaker.common.errors import BadInput
from slidespeaker.common.fold import CostEstimate
from slidespeaker.common.keys import Keys
from slidespeaker.common.settings import Settings
from slidespeaker.common.storage import Storage
from slidespeaker.scripter.script import estimate_deck

logger = structlog.get_logger(service="scripter")


def answer_estimate(request: EstimateRequest, storage: Storage) -> EstimateReply:
    try:
        counted = estimate_deck(storage.path(request.deck_key), request.options)
    except BadInput as exc:
        return EstimateReply(error=exc.message, bad_input=True)
    except Exception as exc:  # our own failure: the person may ask again, we read the log
        logger.exception("estimate.failed", deck=request.deck_key)
        return EstimateReply(error=f"the scripter could not estimate it ({type(exc).__name__})")
    return EstimateReply(estimate=CostEstimate.model_validate(asdict(counted)))


def start_estimate_thread(redis_url: str, settings: Settings) -> None:
    keys, storage = Keys(settings.key_prefix), Storage(settings.storage_dir)
    answer = partial(answer_estimate, storage=storage)
    start_answering(redis_url, keys.cost_estimates, EstimateRequest, answer)
