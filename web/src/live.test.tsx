import { cleanup, render, screen, waitFor } from "@testing-library/react";
import { act } from "react";
import { afterEach, describe, expect, it, vi } from "vitest";
import { EVENT_TYPES, type EventType, type JobEvent } from "./generated/events";
import { EventLog } from "./pages/EventLog";
import { jobState, logEvent } from "./test/builders";

/** An EventSource that the test feeds: the browser's delivers a named event only to the
 * listeners of that name. */
class FakeEventSource {
  static CLOSED = 2;
  static opened: FakeEventSource[] = [];
  readyState = 1;
  listeners = new Map<string, ((message: MessageEvent<string>) => void)[]>();
  onopen: (() => void) | null = null;
  onerror: (() => void) | null = null;
  constructor(readonly url: string) {
    FakeEventSource.opened.push(this);
  }
  addEventListener(type: string, listener: (message: MessageEvent<string>) => void) {
    this.listeners.set(type, [...(this.listeners.get(type) ?? []), listener]);
  }
  close() {
    this.readyState = FakeEventSource.CLOSED;
  }
  send(type: string, data: object, id: string) {
    const message = new MessageEvent<string>(type, { data: JSON.stringify(data), lastEventId: id });
    for (const listener of this.listeners.get(type) ?? []) listener(message);
  }
}

function answer(body: unknown): Response {
  return new Response(JSON.stringify(body), { headers: { "content-type": "application/json" } });
}

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
  FakeEventSource.opened = [];
});

describe("the live event list", () => {
  it("lists every event of the union, and only those", () => {
    type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
    const same: Same<EventType, JobEvent["type"]> = true; // tsc refuses the file otherwise
    expect(same).toBe(true);
    expect(new Set(EVENT_TYPES).size).toBe(EVENT_TYPES.length);
    expect(EVENT_TYPES).toEqual(expect.arrayContaining(["podcast.scripted", "turn.voiced", "podcast.composed"]));
  });

  it("shows every type of event as it comes, a podcast's too", async () => {
    const state = jobState({ status: "running" });
    vi.stubGlobal("EventSource", FakeEventSource);
    vi.stubGlobal(
      "fetch",
      vi.fn(async (url: string) => answer(url.includes("/events") ? [logEvent("job.submitted")] : state)),
    );
    render(<EventLog jobId="job-1" />);
    await waitFor(() => expect(FakeEventSource.opened).toHaveLength(1));
    const source = FakeEventSource.opened[0];
    // What each kind of event says, in one bag: every event takes the fields it has.
    const fields = {
      slide: 1, turn: 1, speaker: "host", duration: 1.5, turns: [], cost_usd: null, attempt: 1,
      task: { action: "voice_turn", slide: null, turn: 1 }, worker: "voice-1", error: "", retryable: false,
      delay_s: 1, format: "pdf", slide_count: 1, source: "outline", message: "", reason: "", filename: "a.pdf",
    };
    // All but the job's last events, after which the server ends the stream.
    const sent = EVENT_TYPES.filter((type) => !["job.completed", "job.failed", "job.cancelled"].includes(type));
    act(() => {
      sent.forEach((type, n) => source.send(type, { ...logEvent(type, fields), id: undefined }, `2-${n}`));
    });
    for (const type of sent) {
      expect(await screen.findAllByText(type, { selector: ".event-type" })).not.toHaveLength(0);
    }
    expect(screen.getByText(`${sent.length + 1} of ${sent.length + 1} events`)).toBeTruthy();
  });
});
