"""Retention purges every cache (storage_keys.Cache) of what no kept job uses, once it is
older than the cutoff, and keeps what a kept job uses, however old."""

from __future__ import annotations

import os
import time
from datetime import UTC, datetime
from pathlib import Path

from slidespeaker.api.retention import purge_expired
from slidespeaker.common import events as ev
from slidespeaker.common.event_store import EventLog
from slidespeaker.common.projection import Projection
from slidespeaker.common.storage import Storage
from slidespeaker.common.storage_keys import Cache, beside, cache_entry

from .stores import local_storage

DAY_S = 86400


def written(storage: Storage, keys: list[str], days_ago: float) -> None:
    for key in keys:
        storage.write_bytes(key, b"cached")
        then = time.time() - days_ago * DAY_S
        os.utime(storage.scratch.parent / "store" / key, (then, then))  # a file:// store


async def test_every_cache_folder_loses_what_no_kept_job_uses(
    event_log: EventLog, tmp_path: Path
) -> None:
    storage = local_storage(tmp_path)
    unused = [cache_entry(cache, f"{cache.name}unused", ".bin") for cache in Cache]
    unused.append(beside(unused[0], "timings.json"))
    recent = [cache_entry(cache, f"{cache.name}recent", ".bin") for cache in Cache]
    slide_audio = cache_entry(Cache.audio, "slideaudio", ".wav")
    turn_audio = cache_entry(Cache.audio, "turnaudio", ".wav")
    used = [slide_audio, beside(slide_audio, "timings.json"), beside(slide_audio, "phonemes.json"),
            turn_audio, beside(turn_audio, "timings.json")]  # fmt: skip
    written(storage, unused + used, days_ago=10)
    written(storage, recent, days_ago=0)
    job = "still-running"
    await event_log.append(
        ev.JobSubmitted(job_id=job, filename="d.pdf", deck_key="k",
                        options=ev.JobOptions(format="both")),
        ev.DeckParsed(job_id=job, format="pdf", slide_count=1),
        ev.SlideVoiced(job_id=job, slide=1, audio_key=slide_audio, duration=0.5, voice="v"),
        ev.PodcastScripted(job_id=job, turns=[ev.Turn(speaker="host", text="Hi.", slide=1)]),
        ev.TurnVoiced(job_id=job, turn=1, speaker="host", audio_key=turn_audio, duration=0.5,
                      voice="v"),
    )  # fmt: skip

    purged = await purge_expired(
        event_log, Projection(event_log), storage, now=datetime.now(UTC), days=1
    )

    assert purged.jobs == [] and purged.cache_files == len(unused)
    assert [key for key in unused if storage.exists(key)] == []
    assert [key for key in used + recent if not storage.exists(key)] == []
