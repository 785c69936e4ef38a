"""A consumer process for the bus tests: records each message it takes, then works slowly.

Run as: python slow_consumer.py REDIS_URL STREAM MARKER_FILE WORK_SECONDS HEARTBEAT_S
"""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

from redis.asyncio import Redis

from slidespeaker.common.bus import BusTimings, Message, StreamConsumer


async def main(url: str, stream: str, marker: Path, work_s: float, heartbeat_s: float) -> None:
    redis = Redis.from_url(url)

    async def handle(message: Message) -> None:
        with marker.open("a") as out:
            out.write(f"took {message.id}\n")
        await asyncio.sleep(work_s)
        with marker.open("a") as out:
            out.write(f"done {message.id}\n")

    consumer = StreamConsumer(
        redis,
        stream=stream,
        group="workers",
        consumer="slow",
        handler=handle,
        dead_letter_stream=f"{stream}:dead",
        timings=BusTimings(
            claim_timeout_s=1.0, heartbeat_s=heartbeat_s, reclaim_interval_s=0.2, block_ms=100
        ),
    )
    await consumer.run(asyncio.Event())


if __name__ == "__main__":
    url, stream, marker, work_s, heartbeat_s = sys.argv[1:6]
    asyncio.run(main(url, stream, Path(marker), float(work_s), float(heartbeat_s)))
