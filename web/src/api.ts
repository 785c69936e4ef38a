// The typed client of the SlideSpeaker HTTP API (services/api). Every call goes to /api on
// the same origin: the API serves the built client, and Vite proxies /api in development.
import type {
  CostEstimate,
  JobList,
  JobOptions,
  JobState,
  JobStatus,
  LogEvent,
  Me,
  PodcastDialogue,
  Script,
  ScriptEdit,
  Voice,
} from "./types";
import { authHeaders, mediaUrl, noticeStatus } from "./session";

const BASE = "/api";

/** An HTTP error with the API's message for a person (`{"detail": ...}`). */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    /** How this installation signs people in, said with a 401 ("users", "proxy", ...). */
    readonly authMode: string | null = null,
  ) {
    super(message);
    this.name = "ApiError";
  }
}

/** FastAPI sends `detail` as a string, or as a list of validation errors for 422. */
export function detailMessage(body: unknown, status: number): string {
  const detail = (body as { detail?: unknown } | null)?.detail;
  if (typeof detail === "string") return detail;
  if (Array.isArray(detail)) {
    return detail
      .map((item: { loc?: unknown[]; msg?: string }) => {
        const field = item.loc?.[item.loc.length - 1];
        return field
          ? `${String(field)}: ${item.msg ?? "invalid"}`
          : (item.msg ?? "invalid");
      })
      .join("; ");
  }
  return `the server answered ${status}`;
}

async function request<T>(path: string, init?: RequestInit): Promise<T> {
  const response = await fetch(BASE + path, {
    ...init,
    headers: { ...authHeaders(), ...init?.headers },
  });
  noticeStatus(response.status);
  const body: unknown = response.headers.get("content-type")?.includes("json")
    ? await response.json()
    : null;
  if (!response.ok) {
    const mode = response.headers.get("slidespeaker-auth");
    throw new ApiError(
      response.status,
      detailMessage(body, response.status),
      mode,
    );
  }
  return body as T;
}

export interface ListQuery {
  status?: JobStatus;
  owner?: string;
  limit?: number;
  offset?: number;
}

export function listJobs(query: ListQuery = {}): Promise<JobList> {
  const params = new URLSearchParams();
  if (query.status) params.set("status", query.status);
  if (query.owner) params.set("owner", query.owner);
  if (query.limit !== undefined) params.set("limit", String(query.limit));
  if (query.offset !== undefined) params.set("offset", String(query.offset));
  const search = params.toString();
  return request(`/jobs${search ? `?${search}` : ""}`);
}

/** The folded state; with `at` (a log id or event_id), the state right after that event. */
export function getJob(jobId: string, at?: string): Promise<JobState> {
  const search = at ? `?at=${encodeURIComponent(at)}` : "";
  return request(`/jobs/${encodeURIComponent(jobId)}${search}`);
}

export function getEvents(jobId: string, after?: string): Promise<LogEvent[]> {
  const search = after ? `?after=${encodeURIComponent(after)}` : "";
  return request(`/jobs/${encodeURIComponent(jobId)}/events${search}`);
}

export function cancelJob(jobId: string): Promise<unknown> {
  return request(`/jobs/${encodeURIComponent(jobId)}/cancel`, {
    method: "POST",
  });
}

export function retryJob(jobId: string): Promise<unknown> {
  return request(`/jobs/${encodeURIComponent(jobId)}/retry`, {
    method: "POST",
  });
}

export function deleteJob(jobId: string): Promise<unknown> {
  return request(`/jobs/${encodeURIComponent(jobId)}`, { method: "DELETE" });
}

export function getScript(jobId: string): Promise<Script> {
  return request(`/jobs/${encodeURIComponent(jobId)}/script`);
}

/** Approve the script, sending only the slides whose narration or links were changed. */
export function approveScript(
  jobId: string,
  edits: ScriptEdit[],
): Promise<Script> {
  return request(`/jobs/${encodeURIComponent(jobId)}/script`, {
    method: "PUT",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ slides: edits }),
  });
}

export async function listVoices(): Promise<Voice[]> {
  const body = await request<{ voices: Voice[] }>("/voices");
  return body.voices;
}

/** A short sample of a voice (WAV), spoken by a voice service; `name` null is the
 * provider's default voice. */
export async function voiceSample(
  provider: string,
  name: string | null,
): Promise<Blob> {
  const params = new URLSearchParams({ provider });
  if (name) params.set("voice", name);
  const response = await fetch(`${BASE}/voices/sample?${params.toString()}`, {
    headers: authHeaders(),
  });
  noticeStatus(response.status);
  if (!response.ok) {
    const body: unknown = response.headers.get("content-type")?.includes("json")
      ? await response.json()
      : null;
    throw new ApiError(response.status, detailMessage(body, response.status));
  }
  return response.blob();
}

/** The live stream of the job's events after `after` (a log id), or from the start. */
export function eventStreamUrl(jobId: string, after?: string | null): string {
  const search = after ? `?after=${encodeURIComponent(after)}` : "";
  return mediaUrl(
    `${BASE}/jobs/${encodeURIComponent(jobId)}/events/stream${search}`,
    jobId,
  );
}

/** podcast.json: the podcast's dialogue on its timeline. */
export async function podcastDialogue(url: string): Promise<PodcastDialogue> {
  const response = await fetch(url);
  if (!response.ok)
    throw new ApiError(
      response.status,
      `the dialogue could not be loaded (${response.status})`,
    );
  return (await response.json()) as PodcastDialogue;
}

export function artifactUrl(jobId: string, name: string): string {
  return mediaUrl(
    `${BASE}/jobs/${encodeURIComponent(jobId)}/artifacts/${encodeURIComponent(name)}`,
    jobId,
  );
}

export function slideImageUrl(jobId: string, slide: number): string {
  return mediaUrl(
    `${BASE}/jobs/${encodeURIComponent(jobId)}/slides/${slide}/image`,
    jobId,
  );
}

/** Who the caller is signed in as (name null: no accounts here). */
export function getMe(): Promise<Me> {
  return request("/me");
}

/** Form fields sent with the deck; every value is a string on the wire. */
export type UploadFields = Record<string, string>;

export interface UploadHandle {
  done: Promise<string>;
  abort: () => void;
}

/** Upload a deck with XMLHttpRequest, the one browser API that reports upload progress. */
export function uploadDeck(
  file: File,
  fields: UploadFields,
  onProgress: (sent: number, total: number) => void,
): UploadHandle {
  const xhr = new XMLHttpRequest();
  const form = deckForm(file, fields);
  const done = new Promise<string>((resolve, reject) => {
    xhr.upload.onprogress = (event) => {
      if (event.lengthComputable) onProgress(event.loaded, event.total);
    };
    xhr.onload = () => {
      let body: unknown = null;
      try {
        body = JSON.parse(xhr.responseText);
      } catch {
        body = null;
      }
      noticeStatus(xhr.status);
      if (xhr.status === 201) resolve((body as { job_id: string }).job_id);
      else reject(new ApiError(xhr.status, detailMessage(body, xhr.status)));
    };
    xhr.onerror = () =>
      reject(new ApiError(0, "the upload failed: is the server running?"));
    xhr.onabort = () => reject(new ApiError(0, "the upload was cancelled"));
  });
  xhr.open("POST", `${BASE}/jobs`);
  for (const [name, value] of Object.entries(authHeaders()))
    xhr.setRequestHeader(name, value);
  xhr.send(form);
  return { done, abort: () => xhr.abort() };
}

/** What the deck's hosted calls would take and cost with these options: a scripter reads
 * the deck; no job is made and nothing is sent to a hosted service. */
export function estimateCost(
  file: File,
  fields: UploadFields,
): Promise<CostEstimate> {
  return request("/estimates", {
    method: "POST",
    body: deckForm(file, fields),
  });
}

function deckForm(file: File, fields: UploadFields): FormData {
  const form = new FormData();
  for (const [name, value] of Object.entries(fields)) form.append(name, value);
  form.append("file", file, file.name);
  return form;
}

/** A new job on the same deck with some options changed; resolves to the new job's id. */
export async function rerunJob(
  jobId: string,
  changes: Partial<JobOptions>,
): Promise<string> {
  const body = await request<{ job_id: string }>(
    `/jobs/${encodeURIComponent(jobId)}/rerun`,
    {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(changes),
    },
  );
  return body.job_id;
}
