// Which stage and slide an event of the log belongs to, a one-line summary, and the filter
// of the event log view.
import type { Action, EventType, LogEvent, Stage, TaskRef } from "./types";

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

/** The stage each result event comes from; the others say it in their task or stage. */
const RESULT_STAGE: Partial<Record<EventType, Stage>> = {
  "deck.parsed": "scripter",
  "slide.rendered": "scripter",
  "slide.scripted": "scripter",
  "cost.estimated": "scripter",
  "podcast.scripted": "scripter",
  "slide.voiced": "voice",
  "turn.voiced": "voice",
  "slide.avatar_rendered": "avatar",
  "slide.composed": "composer",
  "video.composed": "composer",
  "podcast.composed": "composer",
};

function taskOf(event: LogEvent): TaskRef | null {
  return "task" in event ? event.task : null;
}

export function eventStage(event: LogEvent): EventStage {
  const task = taskOf(event);
  if (task) return ACTION_STAGE[task.action] ?? "job";
  const result = RESULT_STAGE[event.type];
  if (result) return result;
  return ("stage" in event ? event.stage : null) ?? "job";
}

export function eventSlide(event: LogEvent): number | null {
  return taskOf(event)?.slide ?? ("slide" in event ? event.slide : null) ?? null;
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
  const task = taskOf(event);
  if (!task) return "";
  if (task.turn !== null && task.turn !== undefined) return `${task.action} of turn ${task.turn}`;
  return task.slide === null ? task.action : `${task.action} of slide ${task.slide}`;
}

const seconds = (duration: number) => `${duration.toFixed(1)} s`;

/** Who asked for it, where the log knows (with accounts). */
function byWhom(user: string | null | undefined): string {
  return user ? ` by ${user}` : "";
}

/** One line of plain words per event, for the timeline. */
export function summarize(event: LogEvent): string {
  switch (event.type) {
    case "job.submitted":
      return `submitted ${event.filename}`;
    case "job.failed":
      return `failed: ${event.reason}`;
    case "job.warning":
      return `warning: ${event.message}`;
    case "job.progress":
      return event.message;
    case "job.cancel_requested":
      return `cancel requested${byWhom(event.by)}: ${event.reason}`;
    case "job.retry_requested":
      return `retry requested${byWhom(event.by)}`;
    case "job.deleted":
      return `deleted${byWhom(event.by)}`;
    case "script.approved":
      return `script approved${byWhom(event.by)}`;
    case "task.dispatched":
      return `${taskName(event)} queued (attempt ${event.attempt})`;
    case "task.started":
      return `${taskName(event)} started on ${event.worker}`;
    case "task.completed":
      return `${taskName(event)} done`;
    case "stage.failed":
      return `${taskName(event)} failed: ${event.error}${event.retryable ? " (retryable)" : ""}`;
    case "stage.retried":
      return `${taskName(event)} retried in ${event.delay_s} s`;
    case "stage.stopped":
      return `${taskName(event)} stopped`;
    case "deck.parsed":
      return `${event.format} deck with ${event.slide_count} slides`;
    case "cost.estimated":
      return event.cost_usd === null ? "hosted calls counted (no price set)" : `estimated at $${event.cost_usd.toFixed(2)}`;
    case "slide.scripted":
      return `slide ${event.slide} scripted from ${event.source}`;
    case "slide.voiced":
      return `slide ${event.slide} voiced, ${seconds(event.duration)}`;
    case "slide.composed":
      return `slide ${event.slide} composed, ${seconds(event.duration)}`;
    case "video.composed":
      return `video composed, ${seconds(event.duration)}`;
    case "podcast.scripted":
      return `podcast scripted: ${event.turns.length} turns`;
    case "turn.voiced":
      return `turn ${event.turn} (${event.speaker}) voiced, ${seconds(event.duration)}`;
    case "podcast.composed":
      return `podcast composed, ${seconds(event.duration)}`;
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
