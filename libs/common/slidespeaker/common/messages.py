"""What the bus streams carry besides events: the dispatcher's feed and each stage's work.

Stream entries are flat string fields, so each message says how it goes in and comes out.
"""

from __future__ import annotations

from slidespeaker.common.events import Frozen, TaskRef


class FeedMessage(Frozen):
    """One per appended event: tells the dispatcher which job moved."""

    job_id: str

    def to_fields(self) -> dict[str, str]:
        return {"job_id": self.job_id}


class WorkMessage(Frozen):
    """A task for a stage: which job, what to do, which attempt."""

    job_id: str
    task: TaskRef
    attempt: int = 1

    def to_fields(self) -> dict[str, str]:
        return {
            "job_id": self.job_id,
            "task": self.task.model_dump_json(),
            "attempt": str(self.attempt),
        }

    @classmethod
    def from_fields(cls, fields: dict[str, str]) -> WorkMessage:
        return cls(
            job_id=fields["job_id"],
            task=TaskRef.model_validate_json(fields["task"]),
            attempt=int(fields.get("attempt", "1")),
        )
