"""Names of every Redis key and stream, in one place."""

from __future__ import annotations

from dataclasses import dataclass

from slidespeaker.common.events import Stage

DISPATCHER_GROUP = "dispatcher"


@dataclass(frozen=True)
class Keys:
    prefix: str = "ss"

    def job_log(self, job_id: str) -> str:
        """The job's own append-only event log: every event of the job, in order."""
        return f"{self.prefix}:job:{job_id}:log"

    def job_stop(self, job_id: str) -> str:
        """Set once the job was cancelled or failed: the services' checkpoints read it."""
        return f"{self.prefix}:job:{job_id}:stop"

    @property
    def feed(self) -> str:
        """One entry per appended event (its job id): what the dispatcher consumes."""
        return f"{self.prefix}:feed"

    def work(self, stage: Stage) -> str:
        """Tasks for one stage, consumed by that stage's consumer group."""
        return f"{self.prefix}:work:{stage.value}"

    @property
    def dead_letters(self) -> str:
        return f"{self.prefix}:dead"

    def job_pages(self, owner: str | None = None) -> str:
        """Where the list of jobs (everyone's, or one owner's) is kept, in order of submission:
        `<this>:<n>` is the n-th page of job_index.PAGE ids, a sorted set small enough for
        Redis's compact encoding; `<this>:length` counts the jobs ever listed."""
        return f"{self.prefix}:jobs:pages" if owner is None else f"{self.prefix}:user:{owner}:pages"

    @property
    def deleted_pages(self) -> str:
        """How many of the first pages of everyone's list hold deleted jobs only: retention
        (api/retention.py) looks for expired jobs after them."""
        return f"{self.prefix}:jobs:deleted-pages"

    @property
    def job_lines(self) -> str:
        """Hash of job id -> its status, owner, time per stage and where its log is archived,
        as last folded (job_index.py)."""
        return f"{self.prefix}:jobs:lines"

    @property
    def job_index_built(self) -> str:
        """Which version of the job index earlier jobs were brought up to (index_backfill.py)."""
        return f"{self.prefix}:jobs:index-built"

    @property
    def job_counts(self) -> str:
        """Hash of status -> how many jobs have it (job_index.py)."""
        return f"{self.prefix}:jobs:counts"

    def owner_job_counts(self, owner: str) -> str:
        """Hash of status -> how many of the owner's jobs have it (job_index.py)."""
        return f"{self.prefix}:user:{owner}:counts"

    @property
    def stage_time(self) -> tuple[str, str]:
        """Hashes of stage -> milliseconds its finished runs took, and -> how many ran."""
        return f"{self.prefix}:stages:ms", f"{self.prefix}:stages:runs"

    @property
    def jobs_in_redis(self) -> str:
        """Index of the jobs with log entries in Redis, by when the last was appended: what
        the archiver (archiving.py) looks at. A job leaves it once its log is archived."""
        return f"{self.prefix}:jobs:in-redis"

    @property
    def active_jobs(self) -> str:
        """Set of the ids of unfinished jobs (derived from the log: limits.py counts them)."""
        return f"{self.prefix}:jobs:active"

    def rate_bucket(self, owner: str, bucket: str) -> str:
        """The owner's token bucket for submissions or cost estimates (limits.py)."""
        return f"{self.prefix}:user:{owner}:{bucket}"

    @property
    def job_deadlines(self) -> str:
        """Index of unfinished jobs by when their deadline passes (derived by the dispatcher)."""
        return f"{self.prefix}:jobs:deadlines"

    @property
    def voices(self) -> str:
        """Hash of the voices the running voice services offer: `provider/name` -> JSON."""
        return f"{self.prefix}:voices"

    @property
    def voice_samples(self) -> str:
        """List of voice sample requests the voice services pop (see voice_samples.py)."""
        return f"{self.prefix}:voices:samples"

    @property
    def cost_estimates(self) -> str:
        """List of cost estimate questions the scripters pop (see cost_estimates.py)."""
        return f"{self.prefix}:estimates"

    @property
    def users(self) -> str:
        """The users' event log: every user.* event, in order (users.py folds it)."""
        return f"{self.prefix}:users:log"

    @property
    def media_secret(self) -> str:
        """Signs media tokens when no SLIDESPEAKER_SECRET_KEY is set (shared by API processes)."""
        return f"{self.prefix}:auth:secret"

    def round_lock(self, round_name: str) -> str:
        """Held by the API process running this round of archiving or retention."""
        return f"{self.prefix}:rounds:{round_name}"

    def presence(self, service: str, consumer: str) -> str:
        """Expires unless the service refreshes it: tells the CLI which services run."""
        return f"{self.prefix}:alive:{service}:{consumer}"

    def presence_pattern(self, service: str) -> str:
        return f"{self.prefix}:alive:{service}:*"
