// The podcast as the Result page plays it: podcast.json's turns on the timeline, a chapter
// per slide talked about, the turn being spoken; and how far a job's podcast has come.
import type { JobState, PodcastDialogue } from "./types";

export type DialogueTurn = PodcastDialogue["turns"][number];

export interface PodcastChapter {
  slide: number;
  title: string;
  start: number;
}

export const SPEAKER_WORDS: Record<DialogueTurn["speaker"], string> = { host: "Host", guest: "Guest" };

/** A chapter per slide, from its first turn; a turn back to an earlier slide stays in the
 * chapter it is in (as the composer writes the files' own chapters). The first starts at 0. */
export function podcastChapters(dialogue: PodcastDialogue, state: JobState): PodcastChapter[] {
  const list: PodcastChapter[] = [];
  for (const turn of dialogue.turns) {
    const last = list.at(-1);
    if (last && turn.slide <= last.slide) continue;
    const title = state.slides[String(turn.slide)]?.title || `Slide ${turn.slide}`;
    list.push({ slide: turn.slide, title, start: last ? turn.start : 0 });
  }
  return list;
}

/** The turn being spoken at `time`, or, in the pause after one, that turn. */
export function turnAt(dialogue: PodcastDialogue, time: number): DialogueTurn | null {
  return dialogue.turns.findLast((turn) => turn.start <= time + 0.05) ?? null;
}

/** The podcast's part of the job, in words, once one was asked for. */
export function podcastProgress(state: JobState): string | null {
  if (state.options.format === "video") return null;
  if (state.podcast) return "The podcast is composed.";
  const turns = state.turns ?? [];
  if (turns.length === 0) return "The podcast's dialogue is written once every slide is scripted.";
  const voiced = turns.filter((turn) => turn.duration !== null).length;
  return voiced < turns.length
    ? `The podcast's ${turns.length} turns are written; ${voiced} voiced.`
    : `All ${turns.length} turns are voiced; the podcast is being composed.`;
}
