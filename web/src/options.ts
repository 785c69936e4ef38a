// The options form's values and what they mean for the API: the form fields of a new
// upload, or the changed options of a re-run. One model for both forms.
import { RATES, RESOLUTIONS } from "./choices";
import { JOB_OPTION_DEFAULTS, JOB_OPTION_LIMITS } from "./generated/api";
import type {
  AvatarMode,
  AvatarPosition,
  JobOptions,
  NarrationMode,
  OutputFormat,
  PointerMode,
  SubtitlesMode,
} from "./types";
import { languageProblem, slidesProblem } from "./upload";

/** What the form holds: text as typed, a voice as "provider/name", a size as "WxH". */
export interface Choices {
  format: OutputFormat;
  narration: NarrationMode;
  language: string;
  /** The deck's slides to narrate as typed, e.g. "3-7,9"; "" for all. */
  slides: string;
  /** "provider/name"; "" is the provider's default voice. */
  voice: string;
  /** The speaking rate as a string ("1" is the voice's own), as the select holds it. */
  rate: string;
  subtitles: SubtitlesMode;
  /** The cue on the slide for what the voice is talking about. */
  pointer: PointerMode;
  size: string;
  avatar: AvatarMode;
  avatarPosition: AvatarPosition;
  /** Minutes as typed; "" lets the podcast be as long as it comes. */
  podcastMinutes: string;
  /** US dollars as typed; "" sets no cost limit. */
  maxCost: string;
  /** Voice names of the narration voice's provider; "" for the default. */
  hostVoice: string;
  guestVoice: string;
  review: boolean;
}

/** The server's defaults, from its schema (events.py JobOptions). */
export const DEFAULT_OPTIONS: JobOptions = {
  ...JOB_OPTION_DEFAULTS,
  lexicon: {}, // made anew for each job (a default factory): the schema names no default
};

export const MAX_PODCAST_MINUTES = JOB_OPTION_LIMITS.podcast_minutes.maximum;

export function sizeValue(width: number, height: number): string {
  return `${width}x${height}`;
}

export function choicesFrom(options: JobOptions): Choices {
  return {
    format: options.format,
    narration: options.narration,
    language: options.language ?? "",
    slides: options.slides ?? "",
    voice: options.voice ? `${options.voice_provider}/${options.voice}` : "",
    rate: String(options.rate),
    subtitles: options.subtitles,
    pointer: options.pointer,
    size: sizeValue(options.width, options.height),
    avatar: options.avatar,
    avatarPosition: options.avatar_position,
    podcastMinutes: options.podcast_minutes === null ? "" : String(options.podcast_minutes),
    maxCost: options.max_cost === null ? "" : String(options.max_cost),
    hostVoice: options.host_voice ?? "",
    guestVoice: options.guest_voice ?? "",
    review: options.review,
  };
}

/** Split "provider/name"; a name may hold more slashes. Null for the default voice. */
export function splitVoice(voice: string): { provider: string; name: string } | null {
  const slash = voice.indexOf("/");
  if (slash <= 0) return null;
  return { provider: voice.slice(0, slash), name: voice.slice(slash + 1) };
}

/** The provider whose voices the podcast's host and guest are chosen from. */
export function chosenProvider(choices: Choices, base: JobOptions = DEFAULT_OPTIONS): string {
  return splitVoice(choices.voice)?.provider ?? base.voice_provider;
}

/** The options the choices stand for. The default voice keeps `base`'s provider. */
export function chosenOptions(choices: Choices, base: JobOptions = DEFAULT_OPTIONS): Partial<JobOptions> {
  const voice = splitVoice(choices.voice);
  const [width, height] = choices.size.split("x").map(Number);
  return {
    format: choices.format,
    narration: choices.narration,
    language: choices.language.trim() || null,
    slides: choices.slides.replace(/\s+/g, "") || null,
    voice_provider: chosenProvider(choices, base),
    voice: voice ? voice.name : null,
    rate: Number(choices.rate),
    subtitles: choices.subtitles,
    pointer: choices.pointer,
    width,
    height,
    avatar: choices.avatar,
    avatar_position: choices.avatarPosition,
    podcast_minutes: choices.podcastMinutes.trim() ? Number(choices.podcastMinutes) : null,
    max_cost: choices.maxCost.trim() ? Number(choices.maxCost) : null,
    host_voice: choices.hostVoice || null,
    guest_voice: choices.guestVoice || null,
    review: choices.review,
  };
}

/** Only what differs from the job's options is sent. */
export function optionChanges(current: JobOptions, chosen: Partial<JobOptions>): Partial<JobOptions> {
  return Object.fromEntries(
    Object.entries(chosen).filter(([name, value]) => current[name as keyof JobOptions] !== value),
  );
}

/** The upload's form fields: what the server would assume anyway (its default voice, the
 * deck's language) is left out, so the server's defaults apply. */
export function uploadFields(choices: Choices): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const [name, value] of Object.entries(chosenOptions(choices))) {
    if (value !== null) fields[name] = String(value);
  }
  if (!splitVoice(choices.voice)) delete fields.voice_provider;
  return fields;
}

export function podcastMinutesProblem(typed: string): string | null {
  if (!typed.trim()) return null;
  const minutes = Number(typed);
  if (Number.isFinite(minutes) && minutes > 0 && minutes <= MAX_PODCAST_MINUTES) return null;
  return `"${typed}" is not a length in minutes: give a number above 0 and up to ${MAX_PODCAST_MINUTES}, or nothing.`;
}

/** A cost limit must be an amount above the schema's bound (0), or nothing. */
export function maxCostProblem(typed: string): string | null {
  if (!typed.trim()) return null;
  const dollars = Number(typed);
  const above = JOB_OPTION_LIMITS.max_cost.exclusiveMinimum;
  if (Number.isFinite(dollars) && dollars > above) return null;
  return `"${typed}" is not an amount of US dollars above ${above}: give one such as 0.50, or nothing for no limit.`;
}

/** Why the choices cannot be sent, or null. */
export function choicesProblem(choices: Choices): string | null {
  const minutes = wantsPodcast(choices.format) ? podcastMinutesProblem(choices.podcastMinutes) : null;
  return languageProblem(choices.language) ?? slidesProblem(choices.slides) ?? minutes ?? maxCostProblem(choices.maxCost);
}

export function wantsVideo(format: OutputFormat): boolean {
  return format !== "podcast";
}

export function wantsPodcast(format: OutputFormat): boolean {
  return format !== "video";
}

/** The sizes offered: the usual ones, and the job's own if it is none of them. */
export function sizeChoices(current: string): { value: string; label: string }[] {
  const usual = RESOLUTIONS.map((size) => ({ value: sizeValue(size.width, size.height), label: size.label }));
  if (usual.some((size) => size.value === current)) return usual;
  return [...usual, { value: current, label: `${current.replace("x", " × ")} (this job's)` }];
}

/** The paces offered: the usual ones, and the job's own if it is none of them. */
export function rateChoices(current: string): { value: string; label: string }[] {
  if (RATES.some((rate) => rate.value === current)) return RATES;
  return [...RATES, { value: current, label: `${current}× (this job's)` }];
}
