// One job as it happens: the slides × stages grid, overall progress with an estimate,
// warnings and the failure reason, cancel and retry.
import { useEffect, useState } from "react";
import { ApiError, cancelJob, deleteJob, retryJob } from "../api";
import { Rerun } from "../components/Rerun";
import { ScriptReview } from "../components/ScriptReview";
import { SlideGrid } from "../components/SlideGrid";
import { StatusBadge } from "../components/StatusBadge";
import { roughDuration } from "../format";
import { useJobFeed } from "../live";
import { resultWords } from "./Result";
import { href } from "../router";
import { CostEstimate } from "../components/CostEstimate";
import { podcastProgress } from "../podcast";
import {
  currentActivity,
  estimateSecondsLeft,
  overallProgress,
} from "../stages";
import type { JobState } from "../types";
import { isTerminal } from "../types";
import { useFreshMediaToken } from "../freshMedia";

const STAGE_WORDS: Record<string, string> = {
  scripter: "reading and scripting the deck",
  voice: "voicing",
  avatar: "the presenter",
  composer: "composing the video",
};

function failureWords(state: JobState): string {
  const where = [
    state.failed_stage
      ? `while ${STAGE_WORDS[state.failed_stage] ?? state.failed_stage}`
      : "",
    state.failed_slide ? `on slide ${state.failed_slide}` : "",
  ]
    .filter(Boolean)
    .join(" ");
  return `${where ? `It failed ${where}: ` : ""}${state.error ?? "no reason was recorded"}`;
}

export function Job({ jobId }: { jobId: string }) {
  const { state, error, mode, refresh } = useJobFeed(jobId, false);
  useFreshMediaToken(jobId, state !== null); // the slide pictures carry it
  const [actionError, setActionError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [now, setNow] = useState(() => new Date());

  useEffect(() => {
    const timer = setInterval(() => setNow(new Date()), 1000);
    return () => clearInterval(timer);
  }, []);

  /** Run an action on the job; false (with the reason shown) if the server refused it. */
  const act = async (
    action: (id: string) => Promise<unknown>,
  ): Promise<boolean> => {
    setBusy(true);
    setActionError(null);
    try {
      await action(jobId);
      refresh();
      return true;
    } catch (caught) {
      setActionError(
        caught instanceof ApiError ? caught.message : String(caught),
      );
      return false;
    } finally {
      setBusy(false);
    }
  };

  if (!state) {
    return error ? (
      <p role="alert" className="error">
        Could not load this job: {error}
      </p>
    ) : (
      <p className="muted">Loading…</p>
    );
  }

  const progress = overallProgress(state);
  const left = estimateSecondsLeft(state, now);
  const percent = Math.round(progress.fraction * 100);
  const ended = isTerminal(state.status);

  return (
    <section>
      <div className="page-head">
        <h1>{state.filename || jobId}</h1>
        <StatusBadge status={state.status} />
      </div>
      <nav className="tabs" aria-label="This job">
        <a href={href.job(jobId)} aria-current="page">
          Progress
        </a>
        {state.status === "completed" && (
          <a href={href.result(jobId)}>{resultWords(state)}</a>
        )}
        <a href={href.events(jobId)}>Event log</a>
      </nav>

      <div className="progress-block">
        <label>
          {ended
            ? `${progress.done} of ${progress.total} steps done`
            : `${percent}% done`}
          {left !== null &&
            ` · about ${roughDuration(left)} left (estimated from the pace so far)`}
          <progress max={progress.total} value={progress.done} />
        </label>
        {podcastProgress(state) && (
          <p className="small">{podcastProgress(state)}</p>
        )}
        <CostEstimate state={state} />
        <p className="muted small" aria-live="polite">
          {state.cancel_requested && !ended ? "Cancelling… " : ""}
          {currentActivity(state).join(" · ")}
          {mode === "polling" &&
            " (updating every 2 s: the live stream is unavailable)"}
        </p>
      </div>

      {state.status === "failed" && (
        <div role="alert" className="panel panel-failed">
          <h2>Why it failed</h2>
          <p>{failureWords(state)}</p>
          <p className="small">
            The <a href={href.events(jobId)}>event log</a> shows every step that
            led here.
          </p>
        </div>
      )}
      {state.status === "completed" && (
        <div className="panel panel-done">
          <p>
            {state.options.format === "podcast"
              ? "The podcast is ready."
              : "The video is ready."}{" "}
            <a href={href.result(jobId)}>
              {state.options.format === "podcast" ? "Listen to it" : "Watch it"}
              , read the transcript, download the files
            </a>
            .
          </p>
        </div>
      )}
      {state.warnings.length > 0 && (
        <div className="panel panel-warning">
          <h2>Warnings</h2>
          <ul>
            {state.warnings.map((warning) => (
              <li
                key={`${warning.code}/${warning.slide ?? ""}/${warning.message}`}
              >
                {warning.slide !== null && (
                  <strong>Slide {warning.slide}: </strong>
                )}
                {warning.message}
              </li>
            ))}
          </ul>
        </div>
      )}

      <div className="actions">
        {!ended && (
          <button
            type="button"
            onClick={() => void act(cancelJob)}
            disabled={busy || state.cancel_requested}
          >
            Cancel
          </button>
        )}
        {(state.status === "failed" || state.status === "cancelled") && (
          <button
            type="button"
            className="primary"
            onClick={() => void act(retryJob)}
            disabled={busy}
          >
            Retry
          </button>
        )}
        {ended && !state.deleted && (
          <button
            type="button"
            onClick={() => {
              if (
                !window.confirm(
                  `Delete the video and every file of ${state.filename}? Its log stays.`,
                )
              )
                return;
              void act(deleteJob).then((deleted) => {
                if (deleted) window.location.hash = href.jobs();
              });
            }}
            disabled={busy}
          >
            Delete
          </button>
        )}
        {actionError && (
          <p role="alert" className="error">
            {actionError}
          </p>
        )}
      </div>

      {ended && !state.deleted && (
        <Rerun jobId={jobId} options={state.options} />
      )}
      {state.status === "awaiting_review" && (
        <ScriptReview jobId={jobId} onApproved={refresh} />
      )}

      <SlideGrid state={state} />
    </section>
  );
}
