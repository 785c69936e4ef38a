// Where each slide stands in each stage, derived from the server's folded JobState.
// The server folds the log; this only reads the state it sends.
import { ACTION_STAGE } from "./eventFilter";
import type { JobState, SlideState, Stage, TaskState } from "./types";
import { isTerminal } from "./types";

export const COLUMNS = ["render", "script", "voice", "avatar", "compose"] as const;
export type Column = (typeof COLUMNS)[number];

export const COLUMN_LABELS: Record<Column, string> = {
  render: "Image",
  script: "Script",
  voice: "Voice",
  avatar: "Presenter",
  compose: "Compose",
};

export type CellStatus = "waiting" | "queued" | "running" | "done" | "failed" | "stopped" | "skipped";

export interface Cell {
  status: CellStatus;
  /** Plain words for a person: shown as the cell's tooltip and accessible name. */
  detail: string;
}

export interface SlideRow {
  number: number;
  title: string;
  cells: Record<Column, Cell>;
}

const WAITING: Cell = { status: "waiting", detail: "waiting for the step before" };

function taskCell(task: TaskState | undefined, jobRunning: boolean): Cell {
  if (!task) return WAITING;
  switch (task.status) {
    case "dispatched":
      return {
        status: "queued",
        detail: task.attempt > 1 ? `queued for attempt ${task.attempt}` : "queued",
      };
    case "running":
      return {
        status: "running",
        detail: task.attempt > 1 ? `working (attempt ${task.attempt})` : "working",
      };
    case "done":
      return { status: "done", detail: "done" };
    case "failed": {
      const retry = task.retryable && jobRunning ? "; it will be retried" : "";
      return { status: "failed", detail: `failed: ${task.error ?? "no reason given"}${retry}` };
    }
    case "stopped":
      return { status: "stopped", detail: "stopped because the job was cancelled" };
  }
}

/** Render and script both happen in the deck-wide `script_deck` task. */
function deckCell(state: JobState, reached: boolean, jobRunning: boolean, doneDetail: string): Cell {
  if (reached) return { status: "done", detail: doneDetail };
  const cell = taskCell(state.tasks["script_deck"], jobRunning);
  return cell.status === "done" ? WAITING : cell;
}

function scriptDetail(slide: SlideState): string {
  if (slide.narration_source === "none") return "nothing to say: the slide is held briefly";
  if (slide.narration_source === "notes") return "scripted from the speaker notes";
  if (slide.narration_source === "edited") return "script edited by you";
  return "scripted from the slide's text";
}

function slideCells(state: JobState, slide: SlideState): Record<Column, Cell> {
  const running = !isTerminal(state.status);
  const task = (action: string) => state.tasks[`${action}/${slide.number}`];
  const voice: Cell =
    slide.audio_duration !== null
      ? {
          status: "done",
          detail: slide.audio_key
            ? `voiced: ${slide.audio_duration.toFixed(1)} s`
            : "nothing to say: no audio",
        }
      : taskCell(task("voice_slide"), running);
  const avatar: Cell = state.options.avatar === "none"
    ? { status: "skipped", detail: "no presenter was asked for" }
    : slide.avatar_done
      ? { status: "done", detail: "presenter rendered" }
      : taskCell(task("avatar_slide"), running);
  const compose: Cell =
    slide.duration !== null
      ? { status: "done", detail: `composed: ${slide.duration.toFixed(1)} s on screen` }
      : taskCell(task("compose_slide"), running);
  const render = deckCell(state, slide.image_key !== null, running, "rendered");
  const script = deckCell(state, slide.narration !== null, running, scriptDetail(slide));
  if (state.options.format === "podcast") {
    const skipped: Cell = { status: "skipped", detail: "not needed: only the podcast was asked for" };
    return { render, script, voice: skipped, avatar: skipped, compose: skipped };
  }
  return { render, script, voice, avatar, compose };
}

/** A finished job's unfinished cells say why they will not move any more. */
function settle(cell: Cell, state: JobState): Cell {
  if (state.status === "awaiting_review" && cell.status === "waiting") {
    return { status: "waiting", detail: "waiting for the script to be approved" };
  }
  if (!isTerminal(state.status) || !["waiting", "queued", "running"].includes(cell.status)) {
    return cell;
  }
  const why = state.status === "cancelled" ? "the job was cancelled" : "the job ended first";
  return { status: "stopped", detail: `not done: ${why}` };
}

/** A slide nothing is known of yet, as the server's SlideState defaults have it. */
export const EMPTY_SLIDE: Omit<SlideState, "number"> = {
  source_slide: null,
  image_key: null,
  title: "",
  narration: null,
  narration_source: null,
  language: null,
  language_source: null,
  blocks: [],
  page: null,
  links: [],
  builds: [],
  audio_key: null,
  audio_duration: null,
  voice: null,
  phonemes_key: null,
  cues: [],
  words: [],
  timing: null,
  fallbacks: [],
  avatar_done: false,
  avatar_key: null,
  composed_audio_key: null,
  narration_start: 0,
  composed_image_key: null,
  composed_avatar_key: null,
  avatar_start: 0,
  duration: null,
  composed_cues: [],
};

export function slideOf(state: JobState, number: number): SlideState {
  return state.slides[String(number)] ?? { ...EMPTY_SLIDE, number };
}

/** One row per slide of the deck, once the deck is parsed. */
export function gridRows(state: JobState): SlideRow[] {
  const rows: SlideRow[] = [];
  for (let number = 1; number <= (state.slide_count ?? 0); number++) {
    const slide = slideOf(state, number);
    const cells = slideCells(state, slide);
    for (const column of COLUMNS) cells[column] = settle(cells[column], state);
    rows.push({ number, title: slide.title || `Slide ${number}`, cells });
  }
  return rows;
}

export interface Progress {
  done: number;
  total: number;
  fraction: number;
}

/** The podcast's steps: its dialogue, each turn voiced, the podcast composed. */
function podcastSteps(state: JobState): { done: number; total: number } {
  if (state.options.format === "video") return { done: 0, total: 0 };
  const turns = state.turns ?? [];
  const voiced = turns.filter((turn) => turn.duration !== null).length;
  const scripted = turns.length > 0 ? 1 : 0;
  return { done: scripted + voiced + (state.podcast ? 1 : 0), total: 2 + turns.length };
}

/** Cells done out of all cells that will run, plus reading the deck, the final video and
 * the podcast's steps when they were asked for. */
export function overallProgress(state: JobState): Progress {
  const deckRead = state.slide_count !== null ? 1 : 0;
  const video = state.options.format === "podcast" ? { done: 0, total: 0 } : { done: state.outputs ? 1 : 0, total: 1 };
  const podcast = podcastSteps(state);
  let done = deckRead + video.done + podcast.done;
  let total = 1 + video.total + podcast.total;
  for (const row of gridRows(state)) {
    for (const column of COLUMNS) {
      const status = row.cells[column].status;
      if (status === "skipped") continue;
      total += 1;
      if (status === "done") done += 1;
    }
  }
  if (state.status === "completed") done = total;
  return { done, total, fraction: total ? done / total : 0 };
}

/**
 * Seconds left, extrapolated from the time spent so far and the share of work done;
 * null while too little is done to say (under a fifth), while the job waits for a person to
 * review its script, or once the job has ended.
 */
export function estimateSecondsLeft(state: JobState, now: Date): number | null {
  if (isTerminal(state.status) || state.status === "awaiting_review" || !state.created_at) {
    return null;
  }
  const { fraction } = overallProgress(state);
  if (fraction < 0.2) return null;
  const elapsed = (now.getTime() - new Date(state.created_at).getTime()) / 1000;
  return Math.max(0, (elapsed * (1 - fraction)) / fraction);
}

export interface Chapter {
  slide: number;
  title: string;
  start: number;
  duration: number;
}

/** Chapters of the final video: each slide starts where the one before it ends. */
export function chapters(state: JobState): Chapter[] {
  const list: Chapter[] = [];
  let start = 0;
  for (let number = 1; number <= (state.slide_count ?? 0); number++) {
    const slide = slideOf(state, number);
    if (slide.duration === null) return list;
    list.push({ slide: number, title: slide.title || `Slide ${number}`, start, duration: slide.duration });
    start += slide.duration;
  }
  return list;
}

/** The latest progress message of each stage that has work running now. */
export function currentActivity(state: JobState): string[] {
  if (isTerminal(state.status)) return [];
  const busy = new Set<Stage>();
  for (const task of Object.values(state.tasks)) {
    if (task.status === "running") busy.add(ACTION_STAGE[task.task.action]);
  }
  return [...busy].flatMap((stage) => (state.progress[stage] ? [state.progress[stage]] : []));
}

export interface TimedCue {
  slide: number;
  text: string;
  start: number;
  end: number;
}

/** Every caption of the final video on its timeline: slide cues shifted by the slide's start. */
export function videoCues(state: JobState): TimedCue[] {
  return chapters(state).flatMap((chapter) =>
    slideOf(state, chapter.slide).composed_cues.map((cue) => ({
      slide: chapter.slide,
      text: cue.text,
      start: chapter.start + cue.start,
      end: chapter.start + cue.end,
    })),
  );
}
