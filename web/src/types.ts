// The API's models, as generated from its OpenAPI schema (src/generated/api.ts, written by
// scripts/gen-web-types), and the events from its AsyncAPI document (src/generated/events.ts).
// Only what the API adds to a model when it answers, and the client's own words for some
// of the generated types, are written here.
import type * as api from "./generated/api";
import type { JobEvent } from "./generated/events";

export type { EventType } from "./generated/events";
export type {
  Action,
  CostEstimate,
  Cue,
  JobList,
  JobOptions,
  JobStatus,
  JobSummary,
  Me,
  Outputs,
  PodcastOutputs,
  PointerLink,
  Script,
  ScriptEdit,
  ScriptLine,
  Stage,
  TaskRef,
  TaskState,
  TaskStatus,
  Voice,
  Warning as JobWarning,
} from "./generated/api";

export type NarrationMode = api.JobOptions["narration"];
export type SubtitlesMode = api.JobOptions["subtitles"];
export type PointerMode = api.JobOptions["pointer"];
export type AvatarMode = api.JobOptions["avatar"];
export type AvatarPosition = api.JobOptions["avatar_position"];
export type OutputFormat = api.JobOptions["format"];
export type NarrationSource = api.NarrationSource;
export type Speaker = api.TurnState["speaker"];
/** One turn of the podcast's dialogue (fold.py TurnState). */
export type Turn = api.TurnState;

export const TERMINAL_STATUSES: readonly api.JobStatus[] = ["completed", "failed", "cancelled"];

export function isTerminal(status: api.JobStatus): boolean {
  return TERMINAL_STATUSES.includes(status);
}

export interface SlideState extends api.SlideState {
  /** Added by the API: the slide's picture, once rendered. */
  image_url?: string | null;
}

export interface JobState extends api.JobState {
  /** Keyed by slide number (JSON object keys are strings). */
  slides: Record<string, SlideState>;
  /** Added by the API: artifact name -> URL. */
  artifacts?: Partial<Record<string, string>>;
}

/** podcast.json: the dialogue with each turn's place on the podcast's timeline. */
export interface PodcastDialogue {
  title: string;
  duration: number;
  turns: { turn: number; speaker: Speaker; voice: string | null; slide: number; text: string; start: number; end: number }[];
}

/** One entry of the job's log: the log's entry `id` plus the event itself. */
export type LogEvent = JobEvent & { id: string };
