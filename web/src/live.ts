// A job followed live: the log's events from the SSE stream (resuming by Last-Event-ID, the
// browser's EventSource does that) and the server's folded state, fetched again after new
// events. Where the stream is unavailable it falls back to polling every two seconds.
import { useEffect, useRef, useState } from "react";
import { ApiError, eventStreamUrl, getEvents, getJob } from "./api";
import type { JobState, LogEvent } from "./types";
import { isTerminal } from "./types";

/** The SSE `event:` names: EventSource only delivers named events to their own listeners. */
export const EVENT_TYPES = [
  "job.submitted",
  "job.cancel_requested",
  "job.cancelled",
  "job.failed",
  "job.completed",
  "job.retry_requested",
  "job.deleted",
  "job.warning",
  "job.progress",
  "task.dispatched",
  "task.started",
  "task.completed",
  "stage.failed",
  "stage.retried",
  "stage.stopped",
  "deck.parsed",
  "slide.rendered",
  "slide.scripted",
  "script.approved",
  "slide.voiced",
  "slide.avatar_rendered",
  "slide.composed",
  "video.composed",
] as const;

const POLL_MS = 2000;

export type FeedMode = "connecting" | "live" | "polling" | "ended";

export interface JobFeed {
  state: JobState | null;
  events: LogEvent[];
  error: string | null;
  mode: FeedMode;
  /** Fetch the state again now (after cancel or retry). */
  refresh: () => void;
}

/** Add events not seen yet, keeping the log's order. */
export function mergeEvents(known: LogEvent[], incoming: LogEvent[]): LogEvent[] {
  const seen = new Set(known.map((event) => event.id));
  const fresh = incoming.filter((event) => !seen.has(event.id));
  return fresh.length ? [...known, ...fresh] : known;
}

export function useJobFeed(jobId: string, withEvents: boolean): JobFeed {
  const [state, setState] = useState<JobState | null>(null);
  const [events, setEvents] = useState<LogEvent[]>([]);
  const [error, setError] = useState<string | null>(null);
  const [mode, setMode] = useState<FeedMode>("connecting");
  const refreshRef = useRef<() => void>(() => undefined);

  useEffect(() => {
    let stopped = false; // unmounted
    let ended = false; // the job has ended: nothing more will come
    let inFlight = false;
    let again = false;
    let source: EventSource | null = null;
    let timer: ReturnType<typeof setInterval> | undefined;

    const stop = () => {
      ended = true;
      source?.close();
      if (timer) clearInterval(timer);
      setMode("ended");
    };

    // One state request at a time; events arriving meanwhile ask for one more afterwards.
    const fetchState = async () => {
      if (inFlight) {
        again = true;
        return;
      }
      inFlight = true;
      try {
        const next = await getJob(jobId);
        if (stopped) return;
        setState(next);
        setError(null);
        if (isTerminal(next.status)) stop();
      } catch (caught) {
        if (!stopped) setError(caught instanceof ApiError ? caught.message : String(caught));
      } finally {
        inFlight = false;
        if (again && !stopped) {
          again = false;
          void fetchState();
        }
      }
    };
    refreshRef.current = () => void fetchState();

    const fetchEvents = async () => {
      if (!withEvents) return;
      try {
        const fresh = await getEvents(jobId);
        if (!stopped) setEvents((known) => mergeEvents(known, fresh));
      } catch (caught) {
        if (!stopped) setError(caught instanceof ApiError ? caught.message : String(caught));
      }
    };

    const poll = () => {
      if (ended || timer) return;
      setMode("polling");
      timer = setInterval(() => {
        void fetchState();
        void fetchEvents();
      }, POLL_MS);
    };

    const onEvent = (message: MessageEvent<string>) => {
      if (withEvents) {
        const event = { ...(JSON.parse(message.data) as LogEvent), id: message.lastEventId };
        setEvents((known) => mergeEvents(known, [event]));
      }
      void fetchState();
    };

    void fetchState();
    void fetchEvents();
    if (typeof EventSource === "undefined") {
      poll();
    } else {
      source = new EventSource(eventStreamUrl(jobId));
      source.onopen = () => setMode("live");
      for (const type of EVENT_TYPES) source.addEventListener(type, onEvent);
      source.onerror = () => {
        // CLOSED: the server refused the stream (204 once a job has ended, or no stream at
        // all); the browser will not retry, so poll until the state says the job ended.
        if (source?.readyState === EventSource.CLOSED && !stopped) {
          void fetchState();
          poll();
        }
      };
    }
    return () => {
      stopped = true;
      source?.close();
      if (timer) clearInterval(timer);
    };
  }, [jobId, withEvents]);

  return { state, events, error, mode, refresh: () => refreshRef.current() };
}
