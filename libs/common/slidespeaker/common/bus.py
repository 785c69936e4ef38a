"""Consuming a stream through a consumer group, at least once.

- The group is created at id 0, so messages appended before any consumer started are seen.
- While a handler runs, its message's claim is refreshed (XCLAIM ... JUSTID) every
  `heartbeat_s`, so live work is never taken over however long it takes.
- Messages left pending longer than `claim_timeout_s` (their consumer died) are taken over
  with XAUTOCLAIM and handled again: handlers must be idempotent.
- A message delivered more than `max_deliveries` times goes to the dead-letter stream and
  `on_dead_letter` is told, instead of going round and round.

Written on redis-py rather than FastStream: FastStream 0.7.8 creates groups at `$`, and its
reclaiming subscriber never reads new messages; the heartbeat and the dead-lettering need
the raw commands anyway.
"""

from __future__ import annotations

import asyncio
import random
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from redis.asyncio import Redis
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import ResponseError
from redis.exceptions import TimeoutError as RedisTimeoutError

from slidespeaker.common.logging_setup import get_logger
from slidespeaker.common.periodic import running_every


@dataclass(frozen=True)
class Message:
    stream: str
    id: str
    fields: dict[str, str]
    deliveries: int = 1


@dataclass(frozen=True)
class BusTimings:
    claim_timeout_s: float = 60.0
    heartbeat_s: float = 10.0
    reclaim_interval_s: float = 5.0
    block_ms: int = 1000
    max_deliveries: int = 5


RECONNECT_MIN_S, RECONNECT_MAX_S = 0.2, 5.0

Handler = Callable[[Message], Awaitable[None]]
DeadLetterHandler = Callable[[Message, str], Awaitable[None]]


async def ensure_group(redis: Redis, stream: str, group: str) -> None:
    """Create the group at 0 (not `$`): nothing appended before the first consumer is lost."""
    try:
        await redis.xgroup_create(stream, group, id="0", mkstream=True)
    except ResponseError as exc:
        if "BUSYGROUP" not in str(exc):
            raise


async def trim_handled(redis: Redis, stream: str) -> int:
    """Remove the messages every group of the stream has read and acknowledged (what is
    pending or unread stays); how many went. A stream no group reads yet keeps everything."""
    try:
        groups: Any = await redis.xinfo_groups(stream)
    except ResponseError:  # no such stream
        return 0
    if not groups:
        return 0
    floor: tuple[int, int] | None = None
    for group in groups:
        pending: Any = await redis.xpending(stream, group["name"])
        oldest = pending["min"] if pending["pending"] else group["last-delivered-id"]
        for entry_id in (oldest, group["last-delivered-id"]):
            at = position(entry_id)
            floor = at if floor is None or at < floor else floor
    if floor is None or floor == (0, 0):
        return 0
    # MINID keeps the floor itself: the oldest pending message, or the last one read.
    removed: int = await redis.xtrim(stream, minid=f"{floor[0]}-{floor[1]}", approximate=False)
    return removed


def position(entry_id: bytes | str) -> tuple[int, int]:
    """Where a stream entry id is in its stream's order (ids compare as numbers, not text)."""
    text = entry_id.decode() if isinstance(entry_id, bytes) else entry_id
    millis, _, sequence = text.partition("-")
    return int(millis), int(sequence or 0)


class StreamConsumer:
    def __init__(
        self,
        redis: Redis,
        *,
        stream: str,
        group: str,
        consumer: str,
        handler: Handler,
        dead_letter_stream: str,
        on_dead_letter: DeadLetterHandler | None = None,
        timings: BusTimings | None = None,
    ) -> None:
        self.redis = redis
        self.stream = stream
        self.group = group
        self.consumer = consumer
        self.handler = handler
        self.dead_letter_stream = dead_letter_stream
        self.on_dead_letter = on_dead_letter
        self.timings = timings or BusTimings()
        self._next_reclaim = 0.0
        self._unfinished: Message | None = None  # cut short by Redis going away: run it again
        self.log = get_logger(stream=stream, group=group, consumer=consumer)

    async def run(self, stop: asyncio.Event) -> None:
        backoff = RECONNECT_MIN_S
        while not stop.is_set():
            try:
                await ensure_group(self.redis, self.stream, self.group)
                while not stop.is_set():
                    message, self._unfinished = self._unfinished, None
                    message = message or await self._reclaim_one() or await self._read_new()
                    if message is not None:
                        await self._process(message)
                    backoff = RECONNECT_MIN_S
            except (RedisConnectionError, RedisTimeoutError) as exc:
                # Redis restarting: keep trying; the pool reconnects on the next command, and
                # work taken but not acknowledged is still pending when Redis is back.
                # Jittered, so the processes of every service do not all knock at once when
                # Redis comes back.
                wait = backoff * random.uniform(0.5, 1.0)
                self.log.warning("bus.redis_unreachable", error=str(exc), retry_in=round(wait, 2))
                await asyncio.sleep(wait)
                backoff = min(backoff * 2, RECONNECT_MAX_S)

    async def _read_new(self) -> Message | None:
        reply: Any = await self.redis.xreadgroup(
            self.group,
            self.consumer,
            {self.stream: ">"},
            count=1,
            block=self.timings.block_ms,
        )
        for _stream, entries in reply or []:
            for entry_id, fields in entries:
                return Message(self.stream, _text(entry_id), _fields(fields))
        return None

    async def _reclaim_one(self) -> Message | None:
        """Take over one message a dead consumer left pending, if it is time to look."""
        now = time.monotonic()
        if now < self._next_reclaim:
            return None
        reply: Any = await self.redis.xautoclaim(
            self.stream,
            self.group,
            self.consumer,
            min_idle_time=int(self.timings.claim_timeout_s * 1000),
            start_id="0-0",
            count=1,
        )
        # Redis 6.2 answers [next, entries], 7.x [next, entries, deleted ids].
        entries = [e for e in reply[1] if e and e[1] is not None]
        if not entries:
            self._next_reclaim = now + self.timings.reclaim_interval_s
            return None
        entry_id, fields = entries[0]
        message = Message(self.stream, _text(entry_id), _fields(fields))
        deliveries = await self._deliveries(message.id)
        self.log.warning("bus.reclaimed", message_id=message.id, deliveries=deliveries)
        return Message(message.stream, message.id, message.fields, deliveries)

    async def _deliveries(self, message_id: str) -> int:
        pending: Any = await self.redis.xpending_range(
            self.stream, self.group, min=message_id, max=message_id, count=1
        )
        return int(pending[0]["times_delivered"]) if pending else 1

    async def _process(self, message: Message) -> None:
        if message.deliveries > self.timings.max_deliveries:
            await self._dead_letter(message, f"delivered {message.deliveries} times")
            return
        try:
            async with running_every(self.timings.heartbeat_s, self._claim(message.id)):
                await self.handler(message)
        except (RedisConnectionError, RedisTimeoutError):
            # Not the message's fault: this consumer runs it again once Redis is back (handlers
            # are idempotent) instead of leaving it to be reclaimed, which would count a
            # delivery towards the dead letters for every outage.
            self._unfinished = message
            raise
        except Exception:
            # Left pending on purpose: it is reclaimed, retried, and dead-lettered at last.
            self.log.exception("bus.handler_failed", message_id=message.id)
            return
        await self.redis.xack(self.stream, self.group, message.id)

    def _claim(self, message_id: str) -> Callable[[], Awaitable[bool]]:
        """Refresh our claim (JUSTID: without counting a delivery), so no one takes it over."""

        async def claim() -> bool:
            await self.redis.xclaim(
                self.stream, self.group, self.consumer, 0, [message_id], justid=True
            )
            return False

        return claim

    async def _dead_letter(self, message: Message, why: str) -> None:
        self.log.error("bus.dead_letter", message_id=message.id, why=why)
        fields = {**message.fields, "stream": self.stream, "message_id": message.id, "why": why}
        await self.redis.xadd(self.dead_letter_stream, fields)  # type: ignore[arg-type]
        if self.on_dead_letter is not None:
            await self.on_dead_letter(message, why)
        await self.redis.xack(self.stream, self.group, message.id)


def _text(value: bytes | str) -> str:
    return value.decode() if isinstance(value, bytes) else value


def _fields(raw: dict[bytes | str, bytes | str]) -> dict[str, str]:
    return {_text(k): _text(v) for k, v in raw.items()}
