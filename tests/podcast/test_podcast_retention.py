"""Retention keeps the audio of a podcast's turns while its job is kept."""

from __future__ import annotations

import os
import time
from datetime import UTC, datetime
from pathlib import Path

from slidespeaker.api.retention import purge_expired
from slidespeaker.common import events as ev
from slidespeaker.common.log import EventLog
from slidespeaker.common.projection import Projection
from slidespeaker.common.storage import Storage

TURN_AUDIO = "cache/audio/ab/ab12.wav"
UNUSED_AUDIO = "cache/audio/cd/cd34.wav"


async def test_a_kept_jobs_turn_audio_stays_and_unused_audio_goes(
    event_log: EventLog, tmp_path: Path
) -> None:
    storage = Storage(tmp_path)
    ten_days_ago = time.time() - 10 * 86400
    for key in (TURN_AUDIO, TURN_AUDIO.replace(".wav", ".timings.json"), UNUSED_AUDIO):
        storage.write_bytes(key, b"RIFF")
        os.utime(storage.path(key), (ten_days_ago, ten_days_ago))
    job = "podcast-running"
    await event_log.append(
        ev.JobSubmitted(job_id=job, filename="d.pdf", deck_key="k",
                        options=ev.JobOptions(format="podcast")),
        ev.PodcastScripted(job_id=job, turns=[ev.Turn(speaker="host", text="Hi.", slide=1)]),
        ev.TurnVoiced(job_id=job, turn=1, speaker="host", audio_key=TURN_AUDIO, duration=0.5,
                      voice="v"),
    )  # fmt: skip
    purged = await purge_expired(
        event_log, Projection(event_log), storage, now=datetime.now(UTC), days=1
    )
    assert purged.jobs == [] and purged.cache_files == 1
    assert storage.exists(TURN_AUDIO) and storage.exists(
        TURN_AUDIO.replace(".wav", ".timings.json")
    )
    assert not storage.exists(UNUSED_AUDIO)
