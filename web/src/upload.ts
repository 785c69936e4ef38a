// Checks made before a deck is uploaded, so a wrong file is refused at once with a reason.
// The server checks again (by the bytes, not the name): these only save a useless upload.

/** The API's default limit (SLIDESPEAKER_MAX_DECK_MB); a lower server limit still answers 413. */
export const MAX_DECK_BYTES = 200 * 1024 * 1024;

export const DECK_EXTENSIONS = [".pptx", ".ppsx", ".pdf"] as const;

export interface DeckFile {
  name: string;
  size: number;
}

function size(bytes: number): string {
  if (bytes < 1024 * 1024) return `${Math.ceil(bytes / 1024)} KB`;
  return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
}

/** Why this file cannot be a deck, or null if it may be one. */
export function deckProblem(file: DeckFile, maxBytes = MAX_DECK_BYTES): string | null {
  const name = file.name.toLowerCase();
  if (!DECK_EXTENSIONS.some((extension) => name.endsWith(extension))) {
    return `"${file.name}" is not a deck: choose a PowerPoint (.pptx, .ppsx) or PDF file.`;
  }
  if (file.size === 0) return `"${file.name}" is empty.`;
  if (file.size > maxBytes) {
    return `"${file.name}" is ${size(file.size)}; the limit is ${size(maxBytes)}.`;
  }
  return null;
}

/** An encrypted PowerPoint file is not a zip but an OLE container. */
const OLE = "\xd0\xcf\x11\xe0";

/** The file's first bytes: a PDF starts with `%PDF`, a PPTX/PPSX is a zip (`PK\x03\x04`),
 * or, when password-protected, an OLE container. */
export function signatureProblem(name: string, head: Uint8Array): string | null {
  const text = String.fromCharCode(...head.slice(0, 4));
  const isPdf = name.toLowerCase().endsWith(".pdf");
  if (isPdf && text !== "%PDF") return `"${name}" is named .pdf but is not a PDF file.`;
  if (!isPdf && text !== "PK\u0003\u0004" && text !== OLE) {
    return `"${name}" is not a PowerPoint file inside.`;
  }
  return null;
}

/** A password-protected PowerPoint deck (a PDF's protection shows only when it is opened). */
export function isLocked(name: string, head: Uint8Array): boolean {
  return !name.toLowerCase().endsWith(".pdf") && String.fromCharCode(...head.slice(0, 4)) === OLE;
}

export async function readHead(file: Blob, bytes = 4): Promise<Uint8Array> {
  const buffer = await new Promise<ArrayBuffer>((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(reader.result as ArrayBuffer);
    reader.onerror = () => reject(reader.error ?? new Error("the file could not be read"));
    reader.readAsArrayBuffer(file.slice(0, bytes));
  });
  return new Uint8Array(buffer);
}

const LANGUAGE_TAG = /^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$/;

/** Empty means "the deck's own language". */
export function languageProblem(language: string): string | null {
  const tag = language.trim();
  if (!tag || LANGUAGE_TAG.test(tag)) return null;
  return `"${tag}" is not a language tag: use one like en, de or pt-BR, or leave it empty.`;
}

const SLIDES_SYNTAX = "write slide numbers and ranges separated by commas, e.g. 3-7,9";

/** Empty means every slide; else numbers and ranges as the server reads them (slide_selection.py). */
export function slidesProblem(slides: string): string | null {
  const text = slides.replace(/\s+/g, "");
  if (!text) return null;
  for (const part of text.split(",")) {
    const match = /^(\d+)(?:-(\d+))?$/.exec(part);
    if (!match) return `'${part}' is not a slide number or range: ${SLIDES_SYNTAX}`;
    const first = Number(match[1]);
    const last = Number(match[2] ?? match[1]);
    if (first < 1) return `'${part}': slides are numbered from 1`;
    if (last < first) return `'${part}' runs backwards: write ${last}-${first}`;
  }
  return null;
}
