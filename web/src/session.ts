// Who is signed in: the API key this browser keeps (SLIDESPEAKER_AUTH=users or token), sent
// as a header on every request, never in a URL. What a browser fetches without headers
// (EventSource, <video>, <img>) carries a short-lived media token instead, which opens only
// that one job. In proxy mode (and with no sign-in at all) there is no key: nothing is added.

const STORAGE_KEY = "slidespeaker.apiKey";
/** Sent on window when the API answers 401: the app shows the sign-in page. */
export const SIGNED_OUT = "slidespeaker:signed-out";
const RENEW_BEFORE_MS = 60_000;

export function apiKey(): string | null {
  return window.localStorage.getItem(STORAGE_KEY);
}

export function keepKey(key: string): void {
  window.localStorage.setItem(STORAGE_KEY, key);
}

export function signOut(): void {
  window.localStorage.removeItem(STORAGE_KEY);
  mediaTokens.clear();
  window.dispatchEvent(new Event(SIGNED_OUT));
}

export function authHeaders(): Record<string, string> {
  const key = apiKey();
  return key ? { Authorization: `Bearer ${key}` } : {};
}

/** Called with every answer: a 401 means the key is no longer good (revoked, rotated). */
export function noticeStatus(status: number): void {
  if (status === 401) window.dispatchEvent(new Event(SIGNED_OUT));
}

const mediaTokens = new Map<string, { token: string; expires: number }>();

/** Make sure this job's media token is at hand (and not about to expire) before its media
 * URLs are made. Without a key there is nothing to do. */
export async function ensureMediaToken(jobId: string): Promise<void> {
  if (!apiKey()) return;
  const held = mediaTokens.get(jobId);
  if (held && held.expires - Date.now() > RENEW_BEFORE_MS) return;
  const response = await fetch(
    `/api/jobs/${encodeURIComponent(jobId)}/media-token`,
    {
      method: "POST",
      headers: authHeaders(),
    },
  );
  noticeStatus(response.status);
  if (!response.ok) return; // no such job (for this user): its pages say so
  const body = (await response.json()) as { token: string; expires_at: string };
  mediaTokens.set(jobId, {
    token: body.token,
    expires: Date.parse(body.expires_at),
  });
}

/** When the job's media token is to be renewed (ms since the epoch); null when none is held. */
export function mediaTokenRenewal(jobId: string): number | null {
  const held = mediaTokens.get(jobId);
  return held ? held.expires - RENEW_BEFORE_MS : null;
}

/** The URL with the job's media token, when one is held. */
export function mediaUrl(url: string, jobId: string): string {
  const held = mediaTokens.get(jobId);
  if (!held) return url;
  return `${url}${url.includes("?") ? "&" : "?"}token=${encodeURIComponent(held.token)}`;
}
