"""What `/api/health` and `/api/metrics` report of the services: live processes and queues.

Measuring takes one SCAN over the presence keys and one XINFO GROUPS per stream. A load
balancer or a dashboard polling health many times a second would make Redis do that for
each request, so a measurement is shared for `max_age_s` by every request that arrives
meanwhile (one measures, the others wait for it), and says how old it is.
"""

from __future__ import annotations

import asyncio
import time
from typing import Any

from redis.exceptions import RedisError, ResponseError

from slidespeaker.common.event_store import EventLog
from slidespeaker.common.events import Stage
from slidespeaker.common.keys import DISPATCHER_GROUP

SERVICES = ("dispatcher", *(stage.value for stage in Stage))
MAX_AGE_S = 1.0
MAX_COUNTED = 100_000  # a lag counted by hand stops here


class ServiceHealth:
    def __init__(self, events: EventLog, max_age_s: float = MAX_AGE_S) -> None:
        self.events = events
        self.max_age_s = max_age_s
        self._measured: dict[str, Any] | None = None
        self._measured_at = 0.0
        self._lock = asyncio.Lock()

    async def report(self) -> dict[str, Any]:
        """The latest measurement, taken now if the last is older than `max_age_s`; its
        `age_s` says how long ago it was taken."""
        async with self._lock:
            if self._measured is None or self._age() > self.max_age_s:
                self._measured = await self._measure()
                self._measured_at = time.monotonic()
            return {**self._measured, "age_s": round(self._age(), 3)}

    def _age(self) -> float:
        return time.monotonic() - self._measured_at

    async def _measure(self) -> dict[str, Any]:
        try:
            processes = await self._processes()
            queues = await self._queues()
        except RedisError as exc:
            return {"status": "down", "redis": f"unreachable: {exc}", "services": {}}
        services = {name: {"processes": processes[name], **queues[name]} for name in SERVICES}
        degraded = any(s["processes"] == 0 for s in services.values())
        return {"status": "degraded" if degraded else "ok", "redis": "ok", "services": services}

    async def _processes(self) -> dict[str, int]:
        """Live processes per service, from the presence keys each one keeps fresh."""
        keys = self.events.keys
        heads = {name: keys.presence(name, "") for name in SERVICES}
        counts = dict.fromkeys(SERVICES, 0)
        async for raw in self.events.redis.scan_iter(match=keys.presence_pattern("*"), count=1000):
            key = raw.decode() if isinstance(raw, bytes) else raw
            for name, head in heads.items():
                counts[name] += key.startswith(head)
        return counts

    async def _queues(self) -> dict[str, dict[str, Any]]:
        """Per service, messages taken but unfinished (`pending`) and waiting (`lag`), read
        in one round trip."""
        keys = self.events.keys
        async with self.events.redis.pipeline(transaction=False) as pipe:
            for name in SERVICES:
                pipe.xinfo_groups(keys.feed if name == "dispatcher" else keys.work(Stage(name)))
            replies = await pipe.execute(raise_on_error=False)
        queues = {name: _queue(name, reply) for name, reply in zip(SERVICES, replies, strict=True)}
        for name, queue in queues.items():
            if queue["lag"] is None and "after" in queue:
                queue["lag"] = await self._counted_lag(name, str(queue["after"]))
            queue.pop("after", None)
        return queues

    async def _counted_lag(self, name: str, after: str) -> int:
        """The entries after the group's last delivered one, counted: Redis gives no lag
        once it cannot derive it (entries deleted from the stream, a restart from an older
        file), yet the waiting work is still there to see."""
        keys = self.events.keys
        stream = keys.feed if name == "dispatcher" else keys.work(Stage(name))
        waiting: Any = await self.events.redis.xrange(stream, min=f"({after}", count=MAX_COUNTED)
        return len(waiting)


def _queue(name: str, reply: Any) -> dict[str, Any]:
    if isinstance(reply, ResponseError):
        return {"pending": 0, "lag": 0}  # no stream yet: nothing was ever queued
    if isinstance(reply, Exception):
        raise reply
    group = DISPATCHER_GROUP if name == "dispatcher" else name
    for info in reply:
        if info["name"] in (group, group.encode()):
            after = info["last-delivered-id"]
            after = after.decode() if isinstance(after, bytes) else after
            return {"pending": int(info["pending"]), "lag": info.get("lag"), "after": after}
    return {"pending": 0, "lag": None}
