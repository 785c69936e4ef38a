"""The limits on a signed-in caller (limits.py in common keeps them in Redis), and how a
refusal is answered: 429 (or 413 for a deck too large) with Retry-After and a JSON body
naming the limit."""

from __future__ import annotations

from fastapi import Request
from fastapi.responses import JSONResponse

from slidespeaker.api.auth import Caller
from slidespeaker.common import limits
from slidespeaker.common.event_store import EventLog
from slidespeaker.common.limits import ActiveLimit, LimitReached, RateBucket
from slidespeaker.common.settings import Settings


def active_limit(caller: Caller, settings: Settings) -> ActiveLimit | None:
    """How many unfinished jobs the caller may have; None without accounts or a limit."""
    most = caller.max_active_jobs or settings.max_active_jobs_per_user
    return ActiveLimit(caller.name, most) if caller.name and most else None


async def take(bucket: RateBucket, caller: Caller, settings: Settings, events: EventLog) -> None:
    """One submission (or cost estimate) from the caller's bucket, when there are accounts
    and a rate is set."""
    if caller.name and settings.submissions_per_hour:
        await limits.take(
            events.redis, events.keys, caller.name, bucket, settings.submissions_per_hour,
            settings.submission_burst,
        )  # fmt: skip


def check_deck_size(caller: Caller, size: int | None) -> None:
    """The caller's own deck size limit (everyone's, SLIDESPEAKER_MAX_DECK_MB, holds while
    the upload streams in)."""
    most = caller.max_deck_mb
    if most is not None and size is not None and size > most * 1024 * 1024:
        raise LimitReached(
            "max_deck_mb", most, f"the deck is {size / 1024 / 1024:.1f} MB; you may upload "
            f"decks of up to {most} MB (max_deck_mb)",
        )  # fmt: skip


async def refusal(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, LimitReached)
    retry = {"Retry-After": str(exc.retry_after_s)} if exc.retry_after_s is not None else {}
    return JSONResponse(
        {"detail": exc.message, "limit": exc.limit, "most": exc.most},
        status_code=429 if exc.retry_after_s is not None else 413,
        headers=retry,
    )
