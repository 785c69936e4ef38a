import type { JobStatus } from "../types";

const WORDS: Record<JobStatus, string> = {
  queued: "Queued",
  running: "Working",
  awaiting_review: "Waiting for your review",
  completed: "Done",
  failed: "Failed",
  cancelled: "Cancelled",
};

export function StatusBadge({ status }: { status: JobStatus }) {
  return <span className={`badge badge-${status}`}>{WORDS[status]}</span>;
}
