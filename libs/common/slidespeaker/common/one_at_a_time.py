"""One round at a time across processes. Each API process runs archiving and retention
every few minutes; a lock in Redis (SET NX with an expiry) lets one process's round run
while the others skip theirs, so no work is done twice. The expiry frees the lock of a
process that died mid-round; a round that outlasts it may overlap the next one, which
both tolerate (archiving moves a log in one transaction, a job is deleted once its line
says so)."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from redis.asyncio import Redis

# Deletes the lock only if it is still this holder's (not one that expired and was taken).
_RELEASE = """
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
"""


@asynccontextmanager
async def one_at_a_time(redis: Redis, key: str, hold_s: float) -> AsyncIterator[bool]:
    """Whether this process holds `key` for the block (for at most `hold_s`)."""
    holder = uuid.uuid4().hex
    mine = bool(await redis.set(key, holder, nx=True, px=max(1, round(hold_s * 1000))))
    try:
        yield mine
    finally:
        if mine:
            await redis.eval(_RELEASE, 1, key, holder)
