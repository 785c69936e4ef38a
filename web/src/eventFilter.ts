// Which stage and slide an event of the log belongs to, a one-line summary, and the filter
// of the event log view.
import type { Action, LogEvent, Stage } from "./types";

/** "job" gathers the events of the job as a whole (submitted, cancelled, completed, ...). */
export type EventStage = Stage | "job";

export const ACTION_STAGE: Record<Action, Stage> = {
  script_deck: "scripter",
  voice_slide: "voice",
  avatar_slide: "avatar",
  compose_slide: "composer",
  compose_video: "composer",
  script_podcast: "scripter",
  voice_turn: "voice",
  compose_podcast: "composer",
};

const RESULT_STAGE: Record<string, Stage> = {
  "deck.parsed": "scripter",
  "slide.rendered": "scripter",
  "slide.scripted": "scripter",
  "slide.voiced": "voice",
  "slide.avatar_rendered": "avatar",
  "slide.composed": "composer",
  "video.composed": "composer",
};

export function eventStage(event: LogEvent): EventStage {
  if (event.task) return ACTION_STAGE[event.task.action] ?? "job";
  if (event.type in RESULT_STAGE) return RESULT_STAGE[event.type];
  return event.stage ?? "job";
}

export function eventSlide(event: LogEvent): number | null {
  return event.task?.slide ?? event.slide ?? null;
}

export interface EventFilter {
  stage: EventStage | "";
  slide: number | null;
  type: string;
}

export const NO_FILTER: EventFilter = { stage: "", slide: null, type: "" };

export function filterEvents(events: LogEvent[], filter: EventFilter): LogEvent[] {
  return events.filter(
    (event) =>
      (!filter.stage || eventStage(event) === filter.stage) &&
      (filter.slide === null || eventSlide(event) === filter.slide) &&
      (!filter.type || event.type === filter.type),
  );
}

function taskName(event: LogEvent): string {
  const task = event.task;
  if (!task) return "";
  return task.slide === null ? task.action : `${task.action} of slide ${task.slide}`;
}

/** One line of plain words per event, for the timeline. */
export function summarize(event: LogEvent): string {
  const text = (field: string) => String(event[field] ?? "");
  switch (event.type) {
    case "job.submitted":
      return `submitted ${text("filename")}`;
    case "job.failed":
      return `failed: ${text("reason")}`;
    case "job.warning":
      return `warning: ${text("message")}`;
    case "job.progress":
      return text("message");
    case "job.cancel_requested":
      return `cancel requested: ${text("reason")}`;
    case "task.dispatched":
      return `${taskName(event)} queued (attempt ${text("attempt")})`;
    case "task.started":
      return `${taskName(event)} started on ${text("worker")}`;
    case "task.completed":
      return `${taskName(event)} done`;
    case "stage.failed":
      return `${taskName(event)} failed: ${text("error")}${event.retryable ? " (retryable)" : ""}`;
    case "task.timed_out":
      return `${taskName(event)} stopped: past its deadline of ${text("deadline_s")} s`;
    case "stage.retried":
      return `${taskName(event)} retried in ${text("delay_s")} s`;
    case "stage.stopped":
      return `${taskName(event)} stopped`;
    case "deck.parsed":
      return `${text("format")} deck with ${text("slide_count")} slides`;
    case "slide.scripted":
      return `slide ${text("slide")} scripted from ${text("source")}`;
    case "slide.voiced":
      return `slide ${text("slide")} voiced, ${Number(event.duration).toFixed(1)} s`;
    case "slide.composed":
      return `slide ${text("slide")} composed, ${Number(event.duration).toFixed(1)} s`;
    case "video.composed":
      return `video composed, ${Number(event.duration).toFixed(1)} s`;
    default:
      return event.type;
  }
}

/** The distinct values present in the log, for the filter's choices. */
export function filterChoices(events: LogEvent[]): { stages: EventStage[]; slides: number[]; types: string[] } {
  const stages = new Set<EventStage>();
  const slides = new Set<number>();
  const types = new Set<string>();
  for (const event of events) {
    stages.add(eventStage(event));
    const slide = eventSlide(event);
    if (slide !== null) slides.add(slide);
    types.add(event.type);
  }
  return {
    stages: [...stages].sort(),
    slides: [...slides].sort((a, b) => a - b),
    types: [...types].sort(),
  };
}
