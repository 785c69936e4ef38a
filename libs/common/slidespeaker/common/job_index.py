"""What listing and counting jobs need, kept as each job's log moves on, so neither folds
every job's log: per job its status, owner and time spent per stage (a line of a Redis
hash), lists of jobs in order of submission (everyone's and each owner's, in pages), and
counters of jobs by status (overall and per owner) and of stage time, which move with them.

Derived from the fold, never a second source of truth: a job's line is written from its
folded state, with the number of events folded as its version, and a Lua script replaces it
only with a newer one and moves the counters by the difference, in one step. So writing the
same state twice, or an older one late, changes nothing. The dispatcher writes it as it folds
each job (and in the very transaction that ends a job); job.submitted writes the first line.
The lines outlive the job's log in Redis (archiving.py): an archived job stays listed and
counted, for about 300 bytes of Redis memory (its line and two entries in compact pages).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from redis.asyncio import Redis
from redis.asyncio.client import Pipeline

from slidespeaker.common.events import Stage
from slidespeaker.common.fold import JobState, JobStatus
from slidespeaker.common.keys import Keys

PAGE = 100  # ids per page of a list: under Redis's 128 for a compact sorted set
DELETED = "deleted"  # counted apart: a deleted job is neither listed nor in the metrics

# A job's line: "<version> <status> <owner or -> [<stage>=<ms>/<runs> ...] [@<archived id>]",
# its status and each stage named by a letter (a line of the first index names them in full).
# One line holds all that a job leaves in Redis once its log is archived but its place in
# the lists: one hash field, kept short (user names have no space nor '=', nor start with '@').
STAGE_LETTERS = {Stage.scripter: "s", Stage.voice: "v", Stage.avatar: "a", Stage.composer: "c"}
STATUS_LETTERS = {
    JobStatus.queued.value: "q", JobStatus.running.value: "r", JobStatus.awaiting_review.value: "w",
    JobStatus.completed.value: "c", JobStatus.failed.value: "f", JobStatus.cancelled.value: "x",
    DELETED: "d",
}  # fmt: skip
_STATUSES = {letter: status for status, letter in STATUS_LETTERS.items()}


def _lua_table(name: str, letters: dict[str, str]) -> str:
    """The letters as a Lua table from letter to name: the counters keep the full names."""
    return f"local {name} = {{" + ", ".join(f"{v} = '{k}'" for k, v in letters.items()) + "}\n"


# KEYS: lines, counts, stage milliseconds, stage runs[, the owner's counts]
# ARGV: job id, version, status, owner, stages ("v=1200/3 s=800/1")
_WRITE_LINE = (
    _lua_table("STAGES", {stage.value: letter for stage, letter in STAGE_LETTERS.items()})
    + _lua_table("STATUSES", STATUS_LETTERS)
    + """
local function move(line, sign)
  local named, rest = string.match(line, '^%d+ (%S+)(.*)$')
  local status = STATUSES[named] or named
  redis.call('HINCRBY', KEYS[2], status, sign)
  if KEYS[5] then redis.call('HINCRBY', KEYS[5], status, sign) end
  for named, ms, runs in string.gmatch(rest, '(%S+)=(%d+)/(%d+)') do
    local stage = STAGES[named] or named
    redis.call('HINCRBY', KEYS[3], stage, string.format('%d', sign * tonumber(ms)))
    redis.call('HINCRBY', KEYS[4], stage, string.format('%d', sign * tonumber(runs)))
  end
end
local old = redis.call('HGET', KEYS[1], ARGV[1])
local archived = ''
if old then
  if tonumber(string.match(old, '^%d+')) >= tonumber(ARGV[2]) then return 0 end
  move(old, -1)
  archived = string.match(old, ' @%S+$') or ''
end
local line = ARGV[2] .. ' ' .. ARGV[3] .. ' ' .. ARGV[4]
if ARGV[5] ~= '' then line = line .. ' ' .. ARGV[5] end
redis.call('HSET', KEYS[1], ARGV[1], line .. archived)
move(line, 1)
return 1
"""
)

# KEYS: lines. ARGV: job id, the last entry id archived. The line was written first (in the
# same transaction): the mark replaces an earlier one, the rest of the line stays.
_MARK_ARCHIVED = """
local line = redis.call('HGET', KEYS[1], ARGV[1])
line = string.gsub(line, ' @%S+$', '')
redis.call('HSET', KEYS[1], ARGV[1], line .. ' @' .. ARGV[2])
"""

# KEYS: the list's length[, its pages' submission times]. ARGV: its pages' key, job id, page
# size, submission time. The page is numbered by the length, known only inside the
# transaction: hence a key named in the script. A page's time is its newest job's (what
# retention needs, of everyone's list only).
_LIST = """
local n = redis.call('INCR', KEYS[1]) - 1
local page = math.floor(n / tonumber(ARGV[3]))
redis.call('ZADD', ARGV[1] .. ':' .. page, n, ARGV[2])
if KEYS[2] then redis.call('HSET', KEYS[2], page, ARGV[4]) end
"""


@dataclass(frozen=True)
class Line:
    """A job's line, read back."""

    status: str
    owner: str | None
    archived_to: str | None  # the last entry id of its log archived in the store

    @property
    def ended(self) -> bool:
        return self.status == DELETED or JobStatus(self.status).terminal

    @classmethod
    def parse(cls, raw: bytes | str) -> Line:
        _version, status, *rest = _text(raw).split()
        owner = rest[0] if rest and "=" not in rest[0] and rest[0][0] != "@" else "-"
        archived = rest[-1][1:] if rest and rest[-1].startswith("@") else None
        return cls(_STATUSES.get(status, status), None if owner == "-" else owner, archived)


@dataclass(frozen=True)
class StageTime:
    seconds: float
    runs: int


class JobIndex:
    def __init__(self, redis: Redis, keys: Keys) -> None:
        self.redis = redis
        self.keys = keys
        self._write = redis.register_script(_WRITE_LINE)
        self._mark_archived = redis.register_script(_MARK_ARCHIVED)
        self._list = redis.register_script(_LIST)

    async def queue(self, pipe: Pipeline, state: JobState) -> None:
        """Write the job's line in `pipe` (a transaction appending its events, say)."""
        keys, args = self._call(state)
        await self._write(keys=keys, args=args, client=pipe)

    async def write(self, state: JobState) -> None:
        keys, args = self._call(state)
        await self._write(keys=keys, args=args)

    def _call(self, state: JobState) -> tuple[list[str], list[str | int]]:
        keys = [self.keys.job_lines, self.keys.job_counts, *self.keys.stage_time]
        if state.owner is not None:
            keys.append(self.keys.owner_job_counts(state.owner))
        owner = state.owner or "-"
        return keys, [state.job_id, state.event_count, _status(state), owner, _stages(state)]

    async def mark_archived(self, pipe: Pipeline, job_id: str, last_id: str) -> None:
        """Note in the job's line (in `pipe`, after queue) up to where its log is archived."""
        await self._mark_archived(keys=[self.keys.job_lines], args=[job_id, last_id], client=pipe)

    async def list_job(
        self, pipe: Pipeline, job_id: str, owner: str | None, submitted: float
    ) -> None:
        """List a job just submitted (in `pipe`): first in everyone's list and its owner's."""
        everyone = self.keys.job_pages()
        lists = [(everyone, [f"{everyone}:length", f"{everyone}:times"])]
        if owner is not None:
            owners = self.keys.job_pages(owner)
            lists.append((owners, [f"{owners}:length"]))
        for pages, keys in lists:
            await self._list(keys=keys, args=[pages, job_id, PAGE, submitted], client=pipe)

    async def pages(self) -> int:
        """How many pages everyone's list has."""
        length = int(await self.redis.get(f"{self.keys.job_pages()}:length") or 0)
        return (length + PAGE - 1) // PAGE

    async def page(self, n: int) -> tuple[list[str], float | None]:
        """The ids on page `n` of everyone's list, oldest first, and when its newest job was
        submitted (unknown for a page moved from an earlier version's list)."""
        pages = self.keys.job_pages()
        async with self.redis.pipeline(transaction=False) as pipe:
            pipe.zrange(f"{pages}:{n}", 0, -1)
            pipe.hget(f"{pages}:times", str(n))
            ids, submitted = await pipe.execute()
        return [_text(i) for i in ids], None if submitted is None else float(submitted)

    async def lines(self, job_ids: Sequence[str]) -> list[Line | None]:
        if not job_ids:
            return []
        raw: Any = await self.redis.hmget(self.keys.job_lines, list(job_ids))
        return [None if line is None else Line.parse(line) for line in raw]

    async def statuses(self, job_ids: Sequence[str]) -> list[str]:
        """Each job's status as last indexed (queued until the dispatcher has folded it)."""
        return [JobStatus.queued.value if line is None else line.status
                for line in await self.lines(job_ids)]  # fmt: skip

    async def newest(
        self, *, owner: str | None, status: str | None, offset: int, limit: int
    ) -> list[str]:
        """A page of the ids of the jobs not deleted (of `owner`, with `status`), newest
        first: read from the list's pages, newest first, up to the page's end."""
        pages = self.keys.job_pages(owner)
        length = int(await self.redis.get(f"{pages}:length") or 0)
        found: list[str] = []
        for page in range((length + PAGE - 1) // PAGE - 1, -1, -1):
            if len(found) >= offset + limit:
                break
            raw: Any = await self.redis.zrange(f"{pages}:{page}", 0, -1, desc=True)
            ids = [_text(job_id) for job_id in raw]
            for job_id, job_status in zip(ids, await self.statuses(ids), strict=True):
                if job_status != DELETED and status in (None, job_status):
                    found.append(job_id)
        return found[offset : offset + limit]

    async def total(self, *, owner: str | None, status: str | None) -> int:
        counts = await self.counts(owner)
        return counts.get(status, 0) if status else sum(counts.values())

    async def counts(self, owner: str | None = None) -> dict[str, int]:
        """Jobs by status (deleted ones left out), of everyone or of one owner."""
        key = self.keys.job_counts if owner is None else self.keys.owner_job_counts(owner)
        raw: Any = await self.redis.hgetall(key)
        counted = {_text(status): int(n) for status, n in raw.items()}
        return {status: n for status, n in counted.items() if n and status != DELETED}

    async def stage_time(self) -> dict[str, StageTime]:
        """Time spent by every finished run of each stage, over the jobs not deleted."""
        async with self.redis.pipeline(transaction=True) as pipe:
            for key in self.keys.stage_time:
                pipe.hgetall(key)
            millis, runs = await pipe.execute()
        return {
            _text(stage): StageTime(int(ms) / 1000, int(runs.get(stage, 0)))
            for stage, ms in millis.items()
            if int(runs.get(stage, 0))
        }


def _status(state: JobState) -> str:
    return STATUS_LETTERS[DELETED if state.deleted else state.status.value]


def _stages(state: JobState) -> str:
    """Milliseconds and runs per stage of the tasks that finished (none for a deleted job)."""
    if state.deleted:
        return ""
    totals: dict[str, tuple[int, int]] = {}
    for task in state.tasks.values():
        if task.started_at and task.finished_at:
            letter = STAGE_LETTERS[task.task.stage]
            ms, runs = totals.get(letter, (0, 0))
            spent = max(0, round((task.finished_at - task.started_at).total_seconds() * 1000))
            totals[letter] = (ms + spent, runs + 1)
    return " ".join(f"{stage}={ms}/{runs}" for stage, (ms, runs) in sorted(totals.items()))


def _text(raw: bytes | str) -> str:
    return raw.decode() if isinstance(raw, bytes) else raw
