"""Retention removes the composer's kept video segments that no job has used for the
retention period, and keeps those used since."""

from __future__ import annotations

import os
import time
from datetime import UTC, datetime
from pathlib import Path

from slidespeaker.api.retention import purge_expired
from slidespeaker.common.log import EventLog
from slidespeaker.common.projection import Projection
from slidespeaker.common.storage import Storage
from slidespeaker.composer.service import SEGMENT_CACHE

DAY_S = 86400


async def test_segments_unused_for_the_retention_period_are_removed(
    event_log: EventLog, tmp_path: Path
) -> None:
    storage = Storage(tmp_path / "artifacts")
    stale, used = (storage.path(f"{SEGMENT_CACHE}/{name}.mp4") for name in ("stale", "used"))
    stale.parent.mkdir(parents=True)
    for segment in (stale, used):
        segment.write_bytes(b"segment")
    two_days_ago = time.time() - 2 * DAY_S
    os.utime(stale, (two_days_ago, two_days_ago))

    purged = await purge_expired(
        event_log, Projection(event_log), storage, now=datetime.now(UTC), days=1
    )

    assert not stale.exists() and used.exists()
    assert purged.cache_files == 1
