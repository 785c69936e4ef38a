"""The bus on a real redis-server: groups, reclaiming, heartbeats, dead letters."""

from __future__ import annotations

import asyncio
import contextlib
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from redis.asyncio import Redis

from slidespeaker.cli.redis_server import RedisHandle
from slidespeaker.common.bus import BusTimings, Message, StreamConsumer, ensure_group, trim_handled
from slidespeaker.common.events import Stage
from slidespeaker.common.keys import Keys

FAST = BusTimings(claim_timeout_s=1.0, heartbeat_s=0.2, reclaim_interval_s=0.2, block_ms=100)


def consumer(
    redis: Redis, stream: str, name: str, handled: list[str], *, fail: bool = False,
    timings: BusTimings = FAST, dead: list[str] | None = None,
) -> StreamConsumer:  # fmt: skip
    async def handle(message: Message) -> None:
        handled.append(message.fields["n"])
        if fail:
            raise RuntimeError("poison")

    async def on_dead(message: Message, why: str) -> None:
        (dead if dead is not None else []).append(message.fields["n"])

    return StreamConsumer(
        redis, stream=stream, group="workers", consumer=name, handler=handle,
        dead_letter_stream=f"{stream}:dead", on_dead_letter=on_dead, timings=timings,
    )  # fmt: skip


@contextlib.asynccontextmanager
async def running(*consumers: StreamConsumer):  # type: ignore[no-untyped-def]
    stop = asyncio.Event()
    tasks = [asyncio.create_task(c.run(stop)) for c in consumers]
    try:
        yield
    finally:
        stop.set()
        await asyncio.wait_for(asyncio.gather(*tasks), timeout=5)


async def wait_for(condition, timeout: float = 10.0) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        await asyncio.sleep(0.05)


async def test_a_message_appended_before_the_consumer_starts_is_delivered(
    aredis: Redis, keys: Keys
) -> None:
    stream = keys.feed
    await aredis.xadd(stream, {"n": "early"})
    handled: list[str] = []
    async with running(consumer(aredis, stream, "c1", handled)):
        await wait_for(lambda: handled == ["early"])
    assert await aredis.xpending(stream, "workers") == {
        "pending": 0, "min": None, "max": None, "consumers": []
    }  # fmt: skip


async def test_ensure_group_is_idempotent(aredis: Redis, keys: Keys) -> None:
    await ensure_group(aredis, keys.feed, "workers")
    await ensure_group(aredis, keys.feed, "workers")
    groups = await aredis.xinfo_groups(keys.feed)
    assert [g["name"] for g in groups] == [b"workers"]


class SlowConsumer:
    """A consumer in its own process (so it can be SIGKILLed) that works `work_s` per message."""

    def __init__(self, url: str, stream: str, marker: Path, work_s: float) -> None:
        self.stream = stream
        self.marker = marker
        script = Path(__file__).with_name("slow_consumer.py")
        self.proc = subprocess.Popen(
            [sys.executable, str(script), url, stream, str(marker), str(work_s), "0.2"]
        )

    def says(self, word: str) -> bool:
        return self.marker.exists() and word in self.marker.read_text()


@pytest.fixture
def slow_consumer(
    redis_server: RedisHandle, keys: Keys, tmp_path: Path
) -> Iterator[Callable[[float], SlowConsumer]]:
    started: list[SlowConsumer] = []

    def start(work_s: float) -> SlowConsumer:
        slow = SlowConsumer(redis_server.url, f"{keys.prefix}:work:test", tmp_path / "m", work_s)
        started.append(slow)
        return slow

    yield start
    for slow in started:
        slow.proc.kill()
        slow.proc.wait()


async def test_work_of_a_consumer_killed_mid_message_is_reclaimed(
    aredis: Redis, slow_consumer: Callable[[float], SlowConsumer]
) -> None:
    slow = slow_consumer(30)
    await aredis.xadd(slow.stream, {"n": "job-7"})
    await wait_for(lambda: slow.says("took"), timeout=30)
    slow.proc.send_signal(signal.SIGKILL)
    await asyncio.to_thread(slow.proc.wait)

    handled: list[str] = []
    async with running(consumer(aredis, slow.stream, "rescuer", handled)):
        await wait_for(lambda: handled == ["job-7"])
    assert not slow.says("done"), "the killed consumer never finished it"
    assert (await aredis.xpending(slow.stream, "workers"))["pending"] == 0


async def test_live_long_work_is_never_taken_over(
    aredis: Redis, slow_consumer: Callable[[float], SlowConsumer]
) -> None:
    # Works 3 s, three times the 1 s claim timeout, refreshing its claim every 0.2 s.
    slow = slow_consumer(3)
    await aredis.xadd(slow.stream, {"n": "long"})
    await wait_for(lambda: slow.says("took"), timeout=30)
    handled: list[str] = []
    async with running(consumer(aredis, slow.stream, "thief", handled)):
        await wait_for(lambda: slow.says("done"), timeout=15)
        await asyncio.sleep(1.5)
    assert handled == [], "a live consumer's message was stolen"


async def test_a_message_that_keeps_failing_goes_to_the_dead_letter_stream(
    aredis: Redis, keys: Keys
) -> None:
    stream = f"{keys.prefix}:work:poison"
    await aredis.xadd(stream, {"n": "poison"})
    handled: list[str] = []
    dead: list[str] = []
    timings = BusTimings(
        claim_timeout_s=0.1, heartbeat_s=0.05, reclaim_interval_s=0.05, block_ms=50,
        max_deliveries=3,
    )  # fmt: skip
    async with running(consumer(aredis, stream, "c1", handled, fail=True, timings=timings,
                                dead=dead)):  # fmt: skip
        await wait_for(lambda: dead == ["poison"])
    assert handled == ["poison"] * 3
    letters: Any = await aredis.xrange(f"{stream}:dead")
    assert len(letters) == 1 and letters[0][1][b"n"] == b"poison"
    assert b"delivered 4 times" in letters[0][1][b"why"]
    assert (await aredis.xpending(stream, "workers"))["pending"] == 0


async def test_trimming_removes_only_what_the_group_has_read_and_acknowledged(
    aredis: Redis, keys: Keys
) -> None:
    stream = keys.work(Stage.voice)
    ids = [await aredis.xadd(stream, {"n": str(n)}) for n in range(5)]
    assert await trim_handled(aredis, stream) == 0, "no group reads it yet: all kept"
    await ensure_group(aredis, stream, "voice")
    await aredis.xreadgroup("voice", "c1", {stream: ">"}, count=3)
    await aredis.xack(stream, "voice", ids[0], ids[2])  # the second is still being handled
    assert await trim_handled(aredis, stream) == 1
    await aredis.xack(stream, "voice", ids[1])
    assert await trim_handled(aredis, stream) == 1
    left: Any = await aredis.xrange(stream)
    assert [entry_id for entry_id, _ in left] == ids[2:], "the last read and the unread stay"
    groups: Any = await aredis.xinfo_groups(stream)
    assert groups[0]["lag"] == 2, "the group's lag is still known (KEDA scales on it)"
