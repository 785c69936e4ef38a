"""Indexes that earlier versions kept are brought up to date once, when the API starts; a
marker in Redis says which version is done, so later starts read nothing:

- jobs recorded before the job index existed get their lines and counters, folded from
  their logs;
- the lists of jobs, kept as one sorted set each (`<prefix>:jobs`, `<prefix>:user:<owner>:jobs`),
  and the owners and archive marks, kept in hashes of their own (`:jobs:owners`,
  `:jobs:archived`), move into the lists' pages and the jobs' lines (job_index.py), where
  an archived job costs a third of the memory;
- a job the earlier version archived gets the marks beside the cache entries it uses that
  archiving writes now (one read of its archived log), so retention keeps its audio.

Job by job, each in one transaction that takes it out of the old list: a crash midway, or a
second API process doing the same, moves no job twice.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from redis.exceptions import WatchError

from slidespeaker.common.archiving import mark_used
from slidespeaker.common.bus import position
from slidespeaker.common.event_store import EventLog, LogEntry
from slidespeaker.common.fold import fold

BATCH = 200
INDEX_VERSION = "2"

# KEYS: lines. ARGV: job id, owner (or -), the archive mark (or ''). A line of the first
# index has no owner: it goes after the status. The counters stay as they are.
_UPGRADE_LINE = """
local line = redis.call('HGET', KEYS[1], ARGV[1])
if not line then return 0 end
-- (a line of the first index without stages ended in a space)
local head, rest = string.match(line, '^(%d+ %S+)(.-)%s*$')
local first = string.match(rest, '^ (%S+)')
if first == nil or string.find(first, '=', 1, true) or string.sub(first, 1, 1) == '@' then
  rest = ' ' .. ARGV[2] .. rest
end
if ARGV[3] ~= '' and not string.match(rest, ' @%S+$') then rest = rest .. ' @' .. ARGV[3] end
redis.call('HSET', KEYS[1], ARGV[1], head .. rest)
return 1
"""


@dataclass(frozen=True)
class EarlierKeys:
    """Where earlier versions kept the lists, owners and archive marks."""

    prefix: str

    @property
    def jobs(self) -> str:
        return f"{self.prefix}:jobs"

    @property
    def owners(self) -> str:
        return f"{self.prefix}:jobs:owners"

    @property
    def archived(self) -> str:
        return f"{self.prefix}:jobs:archived"

    def owner_jobs(self, owner: str) -> str:
        return f"{self.prefix}:user:{owner}:jobs"


async def upgrade_indexes(events: EventLog) -> int:
    """Move every job of the earlier lists into the current index; how many were moved."""
    keys, redis = events.keys, events.redis
    done: Any = await redis.get(keys.job_index_built)
    if done is not None and _text(done) == INDEX_VERSION:
        return 0
    earlier = EarlierKeys(keys.prefix)
    upgrade_line = redis.register_script(_UPGRADE_LINE)
    moved, owners = 0, set()
    while raw := await _first(events, earlier.jobs):  # in order of submission
        for job_id, submitted in raw:
            owner = await _owner(events, earlier, job_id)
            async with redis.pipeline(transaction=True) as pipe:
                await pipe.watch(earlier.jobs)
                if await pipe.zscore(earlier.jobs, job_id) is None:
                    continue  # moved by another process
                mark: Any = await pipe.hget(earlier.archived, job_id)
                pipe.multi()  # type: ignore[no-untyped-call]
                pipe.zrem(earlier.jobs, job_id)
                args = [job_id, owner or "-", "" if mark is None else _text(mark)]
                await upgrade_line(keys=[keys.job_lines], args=args, client=pipe)
                await events.index.list_job(pipe, job_id, owner, submitted)
                try:
                    await pipe.execute()
                except WatchError:
                    continue  # another process moved a job meanwhile: this one is read again
            moved += 1
            if owner is not None:
                owners.add(owner)
            if mark is not None:
                await mark_used(events, fold(await events.read(job_id)))
    await redis.delete(earlier.owners, earlier.archived, *map(earlier.owner_jobs, owners))
    await redis.set(keys.job_index_built, INDEX_VERSION)
    return moved


async def _first(events: EventLog, key: str) -> list[tuple[str, float]]:
    """The first jobs of an earlier list and when they were submitted, in that order."""
    raw: Any = await events.redis.zrange(key, 0, BATCH - 1, withscores=True)
    return [(_text(job_id), float(submitted)) for job_id, submitted in raw]


async def _owner(events: EventLog, earlier: EarlierKeys, job_id: str) -> str | None:
    """The job's owner, indexing it first if it was recorded before the index existed."""
    unindexed = await events.redis.hget(events.keys.job_lines, job_id) is None
    if unindexed and (entries := await _earlier_log(events, earlier, job_id)):
        await events.index.write(fold(entries))
    owner: Any = await events.redis.hget(earlier.owners, job_id)
    return None if owner is None else _text(owner)


async def _earlier_log(events: EventLog, earlier: EarlierKeys, job_id: str) -> list[LogEntry]:
    """A job's whole log, archived as the earlier version marked it and still in Redis (with
    no line yet, the log's reader knows no archive mark)."""
    live = await events.read(job_id)
    mark: Any = await events.redis.hget(earlier.archived, job_id)
    if mark is None:
        return live
    archived = await events.archive(job_id).load(job_id)
    newest = position(archived[-1][0]) if archived else (0, 0)
    return archived + [entry for entry in live if position(entry[0]) > newest]


def _text(raw: bytes | str) -> str:
    return raw.decode() if isinstance(raw, bytes) else raw
