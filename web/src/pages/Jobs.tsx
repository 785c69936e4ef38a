// The caller's jobs (an admin's: everyone's, with an owner column and filter), newest first,
// refreshed every few seconds; filter by status.
import { useEffect, useState } from "react";
import { ApiError, listJobs } from "../api";
import { StatusBadge } from "../components/StatusBadge";
import { age, clock } from "../format";
import { href } from "../router";
import type { JobList, JobStatus, Me } from "../types";

const REFRESH_MS = 3000;
const PAGE = 25;
const STATUSES: JobStatus[] = ["queued", "running", "awaiting_review", "completed", "failed", "cancelled"];

export function Jobs({ me = null }: { me?: Me | null }) {
  const everyones = Boolean(me?.admin && me.name); // with accounts, an admin sees all
  const [owner, setOwner] = useState("");
  const [status, setStatus] = useState<JobStatus | "">("");
  const [offset, setOffset] = useState(0);
  const [list, setList] = useState<JobList | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [now, setNow] = useState(() => new Date());

  useEffect(() => {
    let stopped = false;
    const load = async () => {
      try {
        const next = await listJobs({ status: status || undefined, owner: owner.trim() || undefined, limit: PAGE, offset });
        if (stopped) return;
        setList(next);
        setError(null);
        setNow(new Date());
      } catch (caught) {
        if (!stopped) setError(caught instanceof ApiError ? caught.message : String(caught));
      }
    };
    void load();
    const timer = setInterval(() => void load(), REFRESH_MS);
    return () => {
      stopped = true;
      clearInterval(timer);
    };
  }, [status, owner, offset]);

  return (
    <section>
      <div className="page-head">
        <h1>Jobs</h1>
        <label>
          Show
          <select
            value={status}
            onChange={(event) => {
              setStatus(event.target.value as JobStatus | "");
              setOffset(0);
            }}
          >
            <option value="">all jobs</option>
            {STATUSES.map((value) => (
              <option key={value} value={value}>
                {value.replace("_", " ")}
              </option>
            ))}
          </select>
        </label>
        {everyones && (
          <label>
            Owner
            <input
              type="search"
              value={owner}
              placeholder="everyone"
              onChange={(event) => {
                setOwner(event.target.value);
                setOffset(0);
              }}
            />
          </label>
        )}
      </div>
      {error && (
        <p role="alert" className="error">
          Could not load the jobs: {error}
        </p>
      )}
      {list && list.jobs.length === 0 && (
        <p className="muted">
          No jobs{status ? ` that are ${status}` : ""} yet. <a href={href.newVideo()}>Make a video</a>.
        </p>
      )}
      {list && list.jobs.length > 0 && (
        <div className="table-scroll">
          <table className="jobs">
            <thead>
              <tr>
                <th scope="col">Deck</th>
                {everyones && <th scope="col">Owner</th>}
                <th scope="col">Status</th>
                <th scope="col">Slides</th>
                <th scope="col">Length</th>
                <th scope="col">Started</th>
              </tr>
            </thead>
            <tbody>
              {list.jobs.map((job) => (
                <tr key={job.job_id}>
                  <td>
                    <a href={href.job(job.job_id)}>{job.filename || job.job_id}</a>
                    {job.error && <div className="error small">{job.error}</div>}
                  </td>
                  {everyones && <td>{job.owner ?? ""}</td>}
                  <td>
                    <StatusBadge status={job.status} />
                  </td>
                  <td>{job.slide_count ?? ""}</td>
                  <td>{job.duration !== null ? clock(job.duration) : ""}</td>
                  <td>
                    <time dateTime={job.created_at ?? undefined}>{age(job.created_at, now)}</time>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {list && list.total > PAGE && (
        <nav className="pager" aria-label="Pages of jobs">
          <button type="button" disabled={offset === 0} onClick={() => setOffset(Math.max(0, offset - PAGE))}>
            Newer
          </button>
          <span>
            {offset + 1}–{Math.min(offset + PAGE, list.total)} of {list.total}
          </span>
          <button type="button" disabled={offset + PAGE >= list.total} onClick={() => setOffset(offset + PAGE)}>
            Older
          </button>
        </nav>
      )}
    </section>
  );
}
