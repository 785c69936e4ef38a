"""The dispatcher makes every stage's consumer group before any consumer of it runs: a stage
scaled to zero (KEDA's redis-streams scaler on the group's lag) is woken only by a group
that exists, and its first consumer must still get what was queued meanwhile."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from redis.asyncio import Redis

from slidespeaker.cli.redis_server import RedisHandle
from slidespeaker.common.events import Stage
from slidespeaker.common.keys import Keys
from slidespeaker.common.settings import Settings
from slidespeaker.dispatcher.service import Dispatcher


async def test_every_stage_has_its_group_before_it_has_a_consumer(
    redis_server: RedisHandle, aredis: Redis, keys: Keys, tmp_path: Path
) -> None:
    settings = Settings(redis_url=redis_server.url, key_prefix=keys.prefix, home=tmp_path)
    dispatcher = Dispatcher(aredis, settings)

    assert await dispatcher.make_work_groups() is False  # a round of the loop, never its end
    await dispatcher.make_work_groups()  # again, as every round does: no error

    for stage in Stage:
        groups = await aredis.xinfo_groups(keys.work(stage))
        assert [g["name"].decode() for g in groups] == [stage.value]
    queued = await aredis.xadd(keys.work(Stage.voice), {"task": "voice_slide/1"})
    read: Any = await aredis.xreadgroup(
        Stage.voice.value, "voice-1", {keys.work(Stage.voice): ">"}, count=1
    )
    [(_, [(got, _)])] = read
    assert got == queued, "the first consumer gets the task queued while none ran"
