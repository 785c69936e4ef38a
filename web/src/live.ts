// A job followed live: the log's events from the SSE stream (resuming by Last-Event-ID, the
// browser's EventSource does that) and the server's folded state, fetched again after new
// events. Where the stream is unavailable it falls back to polling every two seconds.
import { useEffect, useRef, useState } from "react";
import { ApiError, eventStreamUrl, getEvents, getJob } from "./api";
import { ensureMediaToken } from "./session";
import { EVENT_TYPES } from "./generated/events";
import type { JobState, LogEvent } from "./types";
import { isTerminal } from "./types";

// The SSE `event:` names are the event types (EventSource only delivers named events to
// their own listeners): all of them, as generated from the AsyncAPI document.

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

/** The events after which the server ends the stream. */
const LAST_EVENTS = new Set(["job.completed", "job.failed", "job.cancelled"]);

export function useJobFeed(jobId: string, withEvents: boolean): JobFeed {
  const [state, setState] = useState<JobState | null>(null);
  const [events, setEvents] = useState<LogEvent[]>([]);
  const [error, setError] = useState<string | null>(null);
  const [mode, setMode] = useState<FeedMode>("connecting");
  const refreshRef = useRef<() => void>(() => undefined);

  useEffect(() => {
    let stopped = false; // unmounted
    let ended = false; // the job has ended: nothing more will come
    let streamEnding = false; // the stream brought the job's last event: the server ends it
    let inFlight = false;
    let again = false;
    let source: EventSource | null = null;
    let timer: ReturnType<typeof setInterval> | undefined;

    const report = (caught: unknown) => {
      if (!stopped) setError(caught instanceof ApiError ? caught.message : String(caught));
    };

    const finish = () => {
      ended = true;
      if (!streamEnding) source?.close();
      clearInterval(timer);
      setMode("ended");
    };

    // One state request at a time; events arriving meanwhile ask for one more afterwards.
    const fetchState = async (): Promise<JobState | null> => {
      if (inFlight) {
        again = true;
        return null;
      }
      inFlight = true;
      try {
        const next = await getJob(jobId);
        if (stopped) return null;
        setState(next);
        setError(null);
        if (isTerminal(next.status)) finish();
        return next;
      } catch (caught) {
        report(caught);
        return null;
      } finally {
        inFlight = false;
        if (again && !stopped) {
          again = false;
          void fetchState();
        }
      }
    };
    refreshRef.current = () => void fetchState();

    const fetchEvents = async (): Promise<LogEvent[]> => {
      if (!withEvents) return [];
      try {
        const fresh = await getEvents(jobId);
        if (!stopped) setEvents((known) => mergeEvents(known, fresh));
        return fresh;
      } catch (caught) {
        report(caught);
        return [];
      }
    };

    const poll = () => {
      if (ended || stopped || timer) return;
      setMode("polling");
      timer = setInterval(() => {
        void fetchState();
        void fetchEvents();
      }, POLL_MS);
    };

    const onEvent = (message: MessageEvent<string>) => {
      if (LAST_EVENTS.has(message.type)) streamEnding = true;
      if (withEvents) {
        const event = { ...(JSON.parse(message.data) as LogEvent), id: message.lastEventId };
        setEvents((known) => mergeEvents(known, [event]));
      }
      void fetchState();
    };

    // Follow the stream from the last event already read; the browser's EventSource resumes
    // from the last event it saw (Last-Event-ID) when the connection drops.
    const follow = (after: string | null) => {
      if (typeof EventSource === "undefined") return poll();
      source = new EventSource(eventStreamUrl(jobId, after));
      source.onopen = () => setMode("live");
      for (const type of EVENT_TYPES) source.addEventListener(type, onEvent);
      source.onerror = () => {
        // CLOSED: the server refused the stream (or has none), and the browser will not try
        // again: poll until the state says the job ended.
        if (source?.readyState === EventSource.CLOSED && !ended) {
          void fetchState();
          poll();
        }
      };
    };

    const start = async () => {
      // Before any media URL is made: the stream, the slide images, the video need it.
      await ensureMediaToken(jobId).catch(() => undefined);
      const [first, known] = await Promise.all([fetchState(), fetchEvents()]);
      if (stopped || ended) return; // a finished job needs no stream
      if (!first) return poll();
      follow(known.at(-1)?.id ?? first.last_event_id);
    };
    void start();

    return () => {
      stopped = true;
      source?.close();
      clearInterval(timer);
    };
  }, [jobId, withEvents]);

  return { state, events, error, mode, refresh: () => refreshRef.current() };
}
