// The options a person chooses from, in words, shared by the new video and re-run forms.
import type { AvatarMode, AvatarPosition, NarrationMode, OutputFormat, PointerMode, SubtitlesMode } from "./types";

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

export const POINTERS: { value: PointerMode; label: string }[] = [
  { value: "highlight", label: "Highlight the line being talked about" },
  { value: "spotlight", label: "Dim the rest of the slide" },
  { value: "none", label: "None" },
];

export const FORMATS: { value: OutputFormat; label: string }[] = [
  { value: "video", label: "A narrated video" },
  { value: "podcast", label: "A podcast: two voices talk the deck through" },
  { value: "both", label: "Both the video and the podcast" },
];

export const AVATARS: { value: AvatarMode; label: string }[] = [
  { value: "none", label: "No presenter" },
  { value: "local", label: "A presenter drawn on this machine" },
  { value: "heygen", label: "A HeyGen presenter (needs the server's HeyGen key)" },
];

export const AVATAR_POSITIONS: { value: AvatarPosition; label: string }[] = [
  { value: "bottom-right", label: "Bottom right" },
  { value: "bottom-left", label: "Bottom left" },
  { value: "top-right", label: "Top right" },
  { value: "top-left", label: "Top left" },
];

export const RATES: { value: string; label: string }[] = [
  { value: "0.85", label: "Slower" },
  { value: "1", label: "The voice's own pace" },
  { value: "1.1", label: "A little faster" },
  { value: "1.25", label: "Faster" },
];
