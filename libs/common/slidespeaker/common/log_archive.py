"""A finished job's event log kept in the object store instead of Redis: gzip-compressed JSON
Lines, one `{"id": <stream entry id>, "event": <the event>}` per entry, in order, so the
entries read back carry the ids and content they had in Redis (archiving.py moves them)."""

from __future__ import annotations

import asyncio
import gzip
import json
from collections.abc import Sequence

from slidespeaker.common import events as ev
from slidespeaker.common import storage_keys
from slidespeaker.common.object_store import ObjectStore, StoreError


class LogArchive:
    def __init__(self, store: ObjectStore) -> None:
        self.store = store

    async def load(self, job_id: str) -> list[tuple[str, ev.Event]]:
        data = await asyncio.to_thread(self.store.get_bytes, storage_keys.event_log(job_id))
        return decode(data)

    async def save(self, job_id: str, entries: Sequence[tuple[str, ev.Event]]) -> None:
        """Write the log, then read it back: only a log known to be whole in the store may
        leave Redis."""
        key, data = storage_keys.event_log(job_id), encode(entries)
        await asyncio.to_thread(self.store.put_bytes, key, data)
        if await asyncio.to_thread(self.store.get_bytes, key) != data:
            raise StoreError(f"the store {self.store.url} gave back another {key} than written")


def encode(entries: Sequence[tuple[str, ev.Event]]) -> bytes:
    lines = "".join(
        f'{{"id":{json.dumps(entry_id)},"event":{ev.encode_event(event)}}}\n'
        for entry_id, event in entries
    )
    return gzip.compress(lines.encode("utf-8"), mtime=0)  # mtime 0: the same log, the same bytes


def decode(data: bytes) -> list[tuple[str, ev.Event]]:
    entries = []
    for line in gzip.decompress(data).splitlines():
        entry = json.loads(line)
        entries.append((entry["id"], ev.parse_event(entry["event"])))
    return entries
