// The options a person chooses from, in words, shared by the new video and re-run forms.
import type { NarrationMode, SubtitlesMode } from "./types";

export const RESOLUTIONS = [
  { label: "1920 × 1080 (Full HD)", width: 1920, height: 1080 },
  { label: "1280 × 720 (HD, smaller file)", width: 1280, height: 720 },
  { label: "3840 × 2160 (4K)", width: 3840, height: 2160 },
  { label: "1080 × 1920 (portrait, phones)", width: 1080, height: 1920 },
];

export const NARRATIONS: { value: NarrationMode; label: string }[] = [
  { value: "auto", label: "Speaker notes, else the slide's text" },
  { value: "notes", label: "Speaker notes only" },
  { value: "outline", label: "The slide's text only" },
  { value: "llm", label: "Written by a language model" },
];

export const SUBTITLES: { value: SubtitlesMode; label: string }[] = [
  { value: "sidecar", label: "Separate file (can be turned off)" },
  { value: "burn", label: "Burned into the picture" },
  { value: "none", label: "None" },
];
