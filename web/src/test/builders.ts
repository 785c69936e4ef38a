// Builders of JobStates and log events as the API sends them, for the tests: the defaults
// are the Python models' defaults (fold.py, events.py), each test states only what matters.
import { DEFAULT_OPTIONS } from "../options";
import { EMPTY_SLIDE } from "../stages";
import type {
  EventType,
  JobOptions,
  JobState,
  LogEvent,
  ScriptLine,
  SlideState,
  TaskRef,
  TaskState,
} from "../types";

export const OPTIONS: JobOptions = DEFAULT_OPTIONS;

export function slide(
  number: number,
  fields: Partial<SlideState> = {},
): SlideState {
  return { ...EMPTY_SLIDE, number, source_slide: number, ...fields };
}

/** A slide that went through every stage. */
export function finishedSlide(
  number: number,
  duration: number,
  title = "",
): SlideState {
  return slide(number, {
    title,
    image_key: `jobs/j/slides/${number}.png`,
    narration: `Narration of slide ${number}.`,
    narration_source: "notes",
    audio_key: `cache/${number}.wav`,
    audio_duration: duration - 1,
    voice: "joe",
    avatar_done: true,
    duration,
  });
}

export function task(
  key: string,
  fields: Partial<TaskState> = {},
): [string, TaskState] {
  const [action, slideNumber] = key.split("/");
  const ref: TaskRef = {
    action: action as TaskRef["action"],
    slide: slideNumber ? Number(slideNumber) : null,
    turn: null,
  };
  return [
    key,
    {
      task: ref,
      status: "dispatched",
      attempt: 1,
      worker: null,
      started_at: null,
      finished_at: null,
      error: null,
      retryable: false,
      not_before: null,
      ...fields,
    },
  ];
}

export function jobState(
  fields: Partial<JobState> & {
    slideList?: SlideState[];
    taskList?: [string, TaskState][];
  } = {},
): JobState {
  const { slideList = [], taskList = [], ...rest } = fields;
  return {
    job_id: "job-1",
    status: "running",
    filename: "talk.pptx",
    deck_key: "jobs/job-1/deck.pptx",
    options: OPTIONS,
    owner: null,
    created_at: "2026-01-01T10:00:00Z",
    updated_at: "2026-01-01T10:00:30Z",
    deck_format: slideList.length ? "pptx" : null,
    slide_count: slideList.length ? slideList.length : null,
    language: null,
    language_source: null,
    narration_seconds: null,
    slides: Object.fromEntries(
      slideList.map((item) => [String(item.number), item]),
    ),
    tasks: Object.fromEntries(taskList),
    warnings: [],
    progress: {},
    cancel_requested: false,
    script_approved: false,
    deleted: false,
    retries: 0,
    error: null,
    failed_stage: null,
    failed_slide: null,
    outputs: null,
    running_since: null,
    turns: [],
    podcast: null,
    estimate: null,
    event_count: 10,
    last_event_id: "1-0",
    ...rest,
  };
}

let sequence = 0;

/** A log event with only the fields a test needs (the rest as the server would leave them
 * out of a hand-made event: absent). */
export function logEvent<T extends EventType>(
  type: T,
  fields: Record<string, unknown> = {},
): LogEvent {
  sequence += 1;
  return {
    id: `1700000000000-${sequence}`,
    type,
    version: 1,
    event_id: `00000000-0000-4000-8000-${String(sequence).padStart(12, "0")}`,
    job_id: "job-1",
    ts: new Date(Date.UTC(2026, 0, 1, 10, 0, sequence)).toISOString(),
    ...fields,
  } as unknown as LogEvent;
}

/** A slide of the script under review: two lines, the first linked to its block. */
export const SCRIPT_LINE: ScriptLine = {
  slide: 1,
  title: "Review",
  narration: "Revenue grew. Costs stayed flat.",
  source: "notes",
  language: "en",
  language_source: "deck",
  blocks: [
    { text: "Revenue grew", box: [0.1, 0.2, 0.9, 0.3], kind: "paragraph" },
    { text: "Costs stayed flat", box: [0.1, 0.4, 0.9, 0.5], kind: "paragraph" },
  ],
  links: [{ sentence: "Revenue grew.", block: 0 }],
};
