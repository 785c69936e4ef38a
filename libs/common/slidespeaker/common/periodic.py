"""Background loops that stop by being told, never by being cancelled.

Cancelling a task while it waits on a redis-py command can leave that connection unusable
or swallow the cancellation (redis/redis-py#2028, #2624), and a loop whose cancellation
was swallowed never ends. So these loops check an Event between commands instead.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Awaitable, Callable


async def every(
    interval: float, done: asyncio.Event, action: Callable[[], Awaitable[bool]]
) -> None:
    """Run `action` every `interval` seconds until `done` is set or `action` returns True."""
    while not done.is_set():
        if await action():
            return
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(done.wait(), interval)


@contextlib.asynccontextmanager
async def running_every(
    interval: float, action: Callable[[], Awaitable[bool]]
) -> AsyncIterator[None]:
    """Run `action` periodically for the duration of the block, then let it finish."""
    done = asyncio.Event()
    loop = asyncio.create_task(every(interval, done, action))
    try:
        yield
    finally:
        done.set()
        await loop
