import { act, cleanup, render, screen } from "@testing-library/react";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { useFreshMediaToken } from "./freshMedia";
import { ensureMediaToken, keepKey, mediaUrl, signOut } from "./session";

function Image({ jobId }: { jobId: string }) {
  useFreshMediaToken(jobId, true);
  return (
    <img alt="slide" src={mediaUrl("/api/jobs/j/slides/1/image", jobId)} />
  );
}

describe("a page left open", () => {
  let issued = 0;
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout", "Date"] });
    vi.setSystemTime(new Date("2026-12-07T10:00:00Z"));
    keepKey("ssk_test");
    issued = 0;
    vi.stubGlobal("fetch", async () => {
      issued += 1;
      const expires = new Date(Date.now() + 3600_000).toISOString();
      return new Response(
        JSON.stringify({ token: `t${issued}`, expires_at: expires }),
        {
          headers: { "content-type": "application/json" },
        },
      );
    });
  });
  afterEach(() => {
    cleanup();
    signOut();
    vi.unstubAllGlobals();
    vi.useRealTimers();
  });

  it("renews the job's media token before it expires and draws the new URLs", async () => {
    await ensureMediaToken("j");
    render(<Image jobId="j" />);
    expect(screen.getByRole("img").getAttribute("src")).toContain("token=t1");
    await act(async () => {
      await vi.advanceTimersByTimeAsync(3540_000 - 1_000);
    });
    expect(issued).toBe(1);
    await act(async () => {
      await vi.advanceTimersByTimeAsync(2_000);
    });
    expect(issued).toBe(2);
    expect(screen.getByRole("img").getAttribute("src")).toContain("token=t2");
  });
});
