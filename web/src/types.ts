// Hand-written mirror of the Python models the API returns as JSON:
// libs/common/slidespeaker/common/fold.py (JobState, SlideState, TaskState, Warning, Outputs)
// and libs/common/slidespeaker/common/events.py (JobOptions, Cue, TaskRef, the events).
// Keep it in step with those files; the server folds, this only describes what it sends.

export type JobStatus = "queued" | "running" | "awaiting_review" | "completed" | "failed" | "cancelled";
export type TaskStatus = "dispatched" | "running" | "done" | "failed" | "stopped";
export type Stage = "scripter" | "voice" | "avatar" | "composer";
export type Action =
  | "script_deck"
  | "voice_slide"
  | "avatar_slide"
  | "compose_slide"
  | "compose_video"
  | "script_podcast"
  | "voice_turn"
  | "compose_podcast";
export type NarrationSource = "notes" | "outline" | "llm" | "slide_text" | "none" | "edited";
export type NarrationMode = "auto" | "notes" | "outline" | "llm";
export type SubtitlesMode = "sidecar" | "burn" | "none";

export const TERMINAL_STATUSES: readonly JobStatus[] = ["completed", "failed", "cancelled"];

export function isTerminal(status: JobStatus): boolean {
  return TERMINAL_STATUSES.includes(status);
}

export type AvatarMode = "none" | "local" | "heygen";
export type AvatarPosition = "bottom-right" | "bottom-left" | "top-right" | "top-left";
export type OutputFormat = "video" | "podcast" | "both";

export interface JobOptions {
  narration: NarrationMode;
  language: string | null;
  /** The narration's target length in words. */
  words_per_slide: number;
  /** Only these of the deck's slides, e.g. "3-7,9"; null: all. */
  slides: string | null;
  /** US dollars the hosted calls may cost; null: no limit. */
  max_cost: number | null;
  format: OutputFormat;
  /** The podcast's target length; null: as it comes. */
  podcast_minutes: number | null;
  /** Voices of `voice_provider`; null: the narration voice, and one unlike the host's. */
  host_voice: string | null;
  guest_voice: string | null;
  voice_provider: string;
  voice: string | null;
  /** Speaking rate: 1.0 is the voice's own. */
  rate: number;
  avatar: AvatarMode;
  avatar_position: AvatarPosition;
  /** The presenter's share of the video's height. */
  avatar_scale: number;
  subtitles: SubtitlesMode;
  review: boolean;
  width: number;
  height: number;
}

export interface Cue {
  text: string;
  start: number;
  end: number;
}

export interface TaskRef {
  action: Action;
  slide: number | null;
}

export interface TaskState {
  task: TaskRef;
  status: TaskStatus;
  attempt: number;
  worker: string | null;
  started_at: string | null;
  finished_at: string | null;
  error: string | null;
  retryable: boolean;
  not_before: string | null;
}

export interface SlideState {
  number: number;
  source_slide: number | null;
  image_key: string | null;
  title: string;
  narration: string | null;
  narration_source: NarrationSource | null;
  audio_key: string | null;
  audio_duration: number | null;
  voice: string | null;
  cues: Cue[];
  avatar_done: boolean;
  avatar_key: string | null;
  composed_audio_key: string | null;
  composed_image_key: string | null;
  duration: number | null;
  composed_cues: Cue[];
  /** Added by the API: the slide's picture, once rendered. */
  image_url?: string | null;
}

export interface JobWarning {
  code: string;
  message: string;
  slide: number | null;
}

export interface Outputs {
  video_key: string;
  srt_key: string;
  vtt_key: string;
  transcript_key: string;
  duration: number;
  poster_key: string | null;
}

export type Speaker = "host" | "guest";

/** One turn of the podcast's dialogue (fold.py TurnState). */
export interface Turn {
  speaker: Speaker;
  text: string;
  slide: number;
  audio_key: string | null;
  duration: number | null;
  voice: string | null;
  cues: Cue[];
}

export interface PodcastOutputs {
  mp3_key: string;
  m4a_key: string;
  srt_key: string;
  vtt_key: string;
  json_key: string;
  duration: number;
}

/** podcast.json: the dialogue with each turn's place on the podcast's timeline. */
export interface PodcastDialogue {
  title: string;
  duration: number;
  turns: { turn: number; speaker: Speaker; voice: string | null; slide: number; text: string; start: number; end: number }[];
}

export interface JobState {
  job_id: string;
  status: JobStatus;
  filename: string;
  deck_key: string;
  options: JobOptions;
  created_at: string | null;
  updated_at: string | null;
  deck_format: string | null;
  slide_count: number | null;
  /** Keyed by slide number (JSON object keys are strings). */
  slides: Record<string, SlideState>;
  /** Keyed like `script_deck`, `voice_slide/3`, `compose_video` (TaskRef.key). */
  tasks: Record<string, TaskState>;
  warnings: JobWarning[];
  /** The latest progress message per stage. */
  progress: Partial<Record<Stage, string>>;
  cancel_requested: boolean;
  script_approved: boolean;
  deleted: boolean;
  retries: number;
  error: string | null;
  failed_stage: Stage | null;
  failed_slide: number | null;
  outputs: Outputs | null;
  /** The podcast's dialogue, once scripted; absent on older servers. */
  turns?: Turn[];
  podcast?: PodcastOutputs | null;
  event_count: number;
  last_event_id: string | null;
  /** Added by the API: artifact name -> URL. Absent on older servers. */
  artifacts?: Partial<Record<string, string>>;
}

export interface JobSummary {
  job_id: string;
  filename: string;
  status: JobStatus;
  slide_count: number | null;
  created_at: string | null;
  updated_at: string | null;
  /** Video length in seconds, once composed. */
  duration: number | null;
  error: string | null;
}

export interface JobList {
  jobs: JobSummary[];
  total: number;
}

/** One entry of the job's log: the log's entry `id` plus the event's own fields. */
export interface LogEvent {
  id: string;
  type: string;
  version: number;
  event_id: string;
  job_id: string;
  ts: string;
  task?: TaskRef;
  slide?: number | null;
  stage?: Stage | null;
  [field: string]: unknown;
}

export interface Voice {
  provider: string;
  name: string;
  language: string;
}

/** GET/PUT /api/jobs/{id}/script: the narration of each scripted slide. */
export interface ScriptLine {
  slide: number;
  title: string;
  narration: string;
  source: NarrationSource | null;
}

export interface Script {
  status: JobStatus;
  slides: ScriptLine[];
}
