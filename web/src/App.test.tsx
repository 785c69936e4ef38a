import { cleanup, fireEvent, render, screen, waitFor, within } from "@testing-library/react";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { App } from "./App";
import { ensureMediaToken, mediaUrl } from "./session";

const ALICE_KEY = "ssk_alice";
const JOB = "a".repeat(32);

function json(body: unknown, status = 200): Response {
  return new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json" } });
}

const summary = (owner: string) => ({
  job_id: JOB,
  filename: `${owner}.pdf`,
  owner,
  status: "completed",
  slide_count: 1,
  created_at: null,
  updated_at: null,
  duration: 3,
  error: null,
});

interface Seen {
  url: string;
  authorization: string | null;
}

/** An API with accounts: Alice's key is good until `revoked` is set. */
function serve(options: { admin?: boolean } = {}) {
  const seen: Seen[] = [];
  const api = { revoked: false };
  vi.stubGlobal("fetch", async (url: string, init?: RequestInit) => {
    const authorization = new Headers(init?.headers).get("authorization");
    seen.push({ url, authorization });
    if (authorization !== `Bearer ${ALICE_KEY}` || api.revoked) {
      return json({ detail: "sign in: send your API key as 'Authorization: Bearer <key>'" }, 401);
    }
    if (url === "/api/me") return json({ auth: "users", name: "alice", email: null, admin: options.admin ?? false });
    if (url.startsWith("/api/jobs?")) return json({ jobs: [summary("alice")], total: 1 });
    if (url === `/api/jobs/${JOB}/media-token`) {
      return json({ token: "signed.media", expires_at: new Date(Date.now() + 3_600_000).toISOString() });
    }
    return json({ voices: [] });
  });
  return { seen, api };
}

beforeEach(() => {
  window.localStorage.clear();
  window.location.hash = "#/jobs";
});

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

function signIn(key: string) {
  fireEvent.change(screen.getByLabelText("API key"), { target: { value: key } });
  fireEvent.click(screen.getByRole("button", { name: "Sign in" }));
}

describe("signing in", () => {
  it("asks for a key, then shows the user's name and their jobs; the key is never in a URL", async () => {
    const { seen } = serve();
    render(<App />);
    await screen.findByRole("heading", { name: "Sign in" });
    signIn("wrong");
    await screen.findByText(/That key was not accepted/);
    expect(window.localStorage.getItem("slidespeaker.apiKey")).toBeNull();

    signIn(ALICE_KEY);
    expect(await screen.findByLabelText("Signed in as")).toHaveProperty("textContent", "alice");
    await screen.findByRole("link", { name: "alice.pdf" });
    expect(screen.queryByRole("columnheader", { name: "Owner" })).toBeNull();
    expect(seen.some((request) => request.url.startsWith("/api/jobs?") && request.authorization)).toBe(true);
    expect(seen.every((request) => !request.url.includes(ALICE_KEY))).toBe(true);
  });

  it("goes back to sign-in when a request is refused (a revoked key), and on sign out", async () => {
    window.localStorage.setItem("slidespeaker.apiKey", ALICE_KEY);
    const { api } = serve();
    render(<App />);
    await screen.findByRole("link", { name: "alice.pdf" });
    api.revoked = true; // the jobs page asks again within seconds
    await screen.findByRole("heading", { name: "Sign in" }, { timeout: 8000 });

    api.revoked = false;
    signIn(ALICE_KEY);
    fireEvent.click(await screen.findByRole("button", { name: "Sign out" }));
    await screen.findByRole("heading", { name: "Sign in" });
    expect(window.localStorage.getItem("slidespeaker.apiKey")).toBeNull();
  });

  it("gives an admin an owner column and filter", async () => {
    window.localStorage.setItem("slidespeaker.apiKey", ALICE_KEY);
    const { seen } = serve({ admin: true });
    render(<App />);
    const table = await screen.findByRole("table");
    expect(within(table).getByRole("columnheader", { name: "Owner" })).toBeTruthy();
    fireEvent.change(screen.getByLabelText("Owner"), { target: { value: "bob" } });
    await waitFor(() => expect(seen.some((request) => request.url.includes("owner=bob"))).toBe(true));
  });

  it("needs no sign-in where the server has no accounts", async () => {
    vi.stubGlobal("fetch", async (url: string) =>
      url === "/api/me"
        ? json({ auth: "none", name: null, email: null, admin: true })
        : json({ jobs: [summary("x")], total: 1 }),
    );
    render(<App />);
    await screen.findByRole("link", { name: "x.pdf" });
    expect(screen.queryByText("Sign out")).toBeNull();
  });
});

describe("media URLs", () => {
  it("carry the job's media token only when signed in with a key", async () => {
    serve();
    await ensureMediaToken(JOB);
    expect(mediaUrl(`/api/jobs/${JOB}/artifacts/video.mp4`, JOB)).toBe(`/api/jobs/${JOB}/artifacts/video.mp4`);
    window.localStorage.setItem("slidespeaker.apiKey", ALICE_KEY);
    await ensureMediaToken(JOB);
    expect(mediaUrl(`/api/jobs/${JOB}/events/stream?after=1-0`, JOB)).toBe(
      `/api/jobs/${JOB}/events/stream?after=1-0&token=signed.media`,
    );
  });
});
