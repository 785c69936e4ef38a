"""The moving video's segments kept in the store (cache/segments), so a composer on any
machine reuses what another encoded. A segment is fetched into the task's scratch to be
joined, and uploaded once encoded."""

from __future__ import annotations

import time
from pathlib import Path

from slidespeaker.common.storage import MissingObject, Storage
from slidespeaker.common.storage_keys import Cache, cache_entry
from slidespeaker.composer.segments import SegmentCache

# A store cannot touch an object as a file's time is touched: a reused segment written
# longer ago than this is written again, so retention sees it used (at most daily).
REFRESH_AFTER_S = 24 * 3600


class StoredSegments(SegmentCache):
    def __init__(self, storage: Storage) -> None:
        super().__init__(storage.scratch / "segments")
        self.storage = storage

    def reuse(self, name: str) -> Path | None:
        key = cache_entry(Cache.segments, name, ".mp4")
        try:
            written = self.storage.stat(key).modified
            path = self.storage.fetch(key)
        except MissingObject:
            return None
        if time.time() - written > REFRESH_AFTER_S:
            self.storage.put_file(key, path)
        return path

    def keep(self, name: str, path: Path) -> None:
        self.storage.put_file(cache_entry(Cache.segments, name, ".mp4"), path)
