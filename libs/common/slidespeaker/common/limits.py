"""Fair limits per user, kept in Redis so every API process enforces the same ones: how many
unfinished jobs a user may have, and how fast they may submit (a token bucket).

Both are checked atomically: the active-jobs count is read under WATCH in the very
transaction that appends job.submitted (event_store.py), and the bucket is one Lua script,
so concurrent submissions cannot together pass a limit.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Literal

from redis.asyncio import Redis
from redis.asyncio.client import Pipeline

from slidespeaker.common.job_index import Line
from slidespeaker.common.keys import Keys

# When a slot frees up cannot be known (jobs end when they end): a polite pause to suggest.
ACTIVE_RETRY_AFTER_S = 30


class LimitReached(Exception):
    """A user's limit refuses the request: which limit, its value, when to try again."""

    def __init__(
        self, limit: str, most: float, message: str, retry_after_s: int | None = None
    ) -> None:
        super().__init__(message)
        self.limit = limit
        self.most = most
        self.message = message
        self.retry_after_s = retry_after_s


@dataclass(frozen=True)
class ActiveLimit:
    owner: str
    most: int

    async def check(self, redis: Redis | Pipeline, keys: Keys) -> None:
        """Raise LimitReached if the owner already has `most` unfinished jobs."""
        active: Any = await redis.smembers(keys.active_jobs)
        lines: Any = await redis.hmget(keys.job_lines, list(active)) if active else []
        owners = [Line.parse(line).owner for line in lines if line is not None]
        count = owners.count(self.owner)
        if count >= self.most:
            raise LimitReached(
                "max_active_jobs", self.most,
                f"you have {count} unfinished jobs, the most allowed at once "
                f"(max_active_jobs {self.most}); submit again when one has ended",
                ACTIVE_RETRY_AFTER_S,
            )  # fmt: skip


# Refill by the time passed since the last take (Redis' own clock, shared by every API
# process), then take one token if there is one; else answer how long until there is.
_TAKE = """
local rate, burst = tonumber(ARGV[1]), tonumber(ARGV[2])
local clock = redis.call('TIME')
local now = tonumber(clock[1]) + tonumber(clock[2]) / 1000000
local held = redis.call('HMGET', KEYS[1], 'tokens', 'at')
local tokens = tonumber(held[1]) or burst
local at = tonumber(held[2]) or now
tokens = math.min(burst, tokens + (now - at) * rate)
if tokens < 1 then
  return tostring((1 - tokens) / rate)
end
redis.call('HSET', KEYS[1], 'tokens', tostring(tokens - 1), 'at', tostring(now))
redis.call('EXPIRE', KEYS[1], math.ceil(burst / rate) + 1)
return '0'
"""


# What a user's token buckets are for. A cost estimate has a bucket of its own (a scripter
# reads the deck for it) at the submissions' pace: asking what a deck costs does not use up
# a submission.
RateBucket = Literal["submissions", "estimates"]


async def take(
    redis: Redis, keys: Keys, owner: str, bucket: RateBucket, per_hour: float, burst: int
) -> None:
    """Take one from the owner's `bucket` (`burst` at most, refilled at `per_hour`), or raise
    LimitReached saying when the next one is allowed."""
    reply: Any = await redis.eval(_TAKE, 1, keys.rate_bucket(owner, bucket), per_hour / 3600, burst)
    wait = float(_text(reply))
    if wait > 0:
        raise LimitReached(
            f"{bucket}_per_hour", per_hour,
            f"too many {bucket}: {per_hour:g} an hour (bursts of {burst}) are allowed; "
            f"the next in {math.ceil(wait)} s",
            math.ceil(wait),
        )  # fmt: skip


def _text(value: bytes | str) -> str:
    return value.decode() if isinstance(value, bytes) else value
