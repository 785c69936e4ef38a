import { cleanup, fireEvent, render, screen, within } from "@testing-library/react";
import { afterEach, describe, expect, it } from "vitest";
import { SlideGrid } from "./components/SlideGrid";
import { chapters, currentActivity, estimateSecondsLeft, gridRows, overallProgress, videoCues } from "./stages";
import { finishedSlide, jobState, OPTIONS, slide, task } from "./test/builders";

afterEach(cleanup);

const statuses = (state: ReturnType<typeof jobState>, number: number) =>
  Object.fromEntries(
    Object.entries(gridRows(state)[number - 1].cells).map(([column, cell]) => [column, cell.status]),
  );

describe("per-stage status of each slide", () => {
  it("has no rows until the deck is parsed, and counts reading it as a step", () => {
    const state = jobState({ taskList: [task("script_deck", { status: "running" })] });
    expect(gridRows(state)).toEqual([]);
    expect(overallProgress(state)).toEqual({ done: 0, total: 2, fraction: 0 });
  });

  it("takes image and script from the slide's fields, else from the deck task", () => {
    const state = jobState({
      slideList: [
        slide(1, { image_key: "s1.png", narration: "Hi.", narration_source: "notes" }),
        slide(2, { image_key: "s2.png" }),
        slide(3),
      ],
      taskList: [task("script_deck", { status: "running" })],
    });
    expect(statuses(state, 1)).toMatchObject({ render: "done", script: "done", voice: "waiting" });
    expect(statuses(state, 2)).toMatchObject({ render: "done", script: "running" });
    expect(statuses(state, 3)).toMatchObject({ render: "running", script: "running" });
  });

  it("follows each slide's own voice task: queued, running with its attempt, failed with its error", () => {
    const scripted = { image_key: "s.png", narration: "Hi.", narration_source: "notes" as const };
    const state = jobState({
      slideList: [slide(1, scripted), slide(2, scripted), slide(3, scripted)],
      taskList: [
        task("script_deck", { status: "done" }),
        task("voice_slide/1", { status: "dispatched" }),
        task("voice_slide/2", { status: "running", attempt: 2, worker: "voice-2" }),
        task("voice_slide/3", { status: "failed", error: "piper crashed", retryable: true }),
      ],
    });
    const rows = gridRows(state);
    expect(rows[0].cells.voice.status).toBe("queued");
    expect(rows[1].cells.voice).toEqual({ status: "running", detail: "working (attempt 2)" });
    expect(rows[2].cells.voice).toEqual({
      status: "failed",
      detail: "failed: piper crashed; it will be retried",
    });
  });

  it("marks the presenter skipped when none was asked for, and leaves it out of the progress", () => {
    const state = jobState({ slideList: [finishedSlide(1, 3)] });
    expect(gridRows(state)[0].cells.avatar.status).toBe("skipped");
    // deck read + 4 cells (render, script, voice, compose) + the final video not yet done
    expect(overallProgress(state)).toEqual({ done: 5, total: 6, fraction: 5 / 6 });
    const withPresenter = jobState({
      options: { ...OPTIONS, avatar: "local" },
      slideList: [slide(1, { image_key: "s.png", narration: "Hi.", audio_duration: 1, audio_key: "a" })],
      taskList: [task("avatar_slide/1", { status: "running" })],
    });
    expect(gridRows(withPresenter)[0].cells.avatar.status).toBe("running");
  });

  it("skips the video's stages of a podcast-only job and counts the podcast's steps instead", () => {
    const scripted = slide(1, { image_key: "s.png", narration: "Hi.", narration_source: "notes" });
    const state = jobState({ options: { ...OPTIONS, format: "podcast" }, slideList: [scripted] });
    const cells = gridRows(state)[0].cells;
    expect([cells.voice.status, cells.avatar.status, cells.compose.status]).toEqual(["skipped", "skipped", "skipped"]);
    expect(cells.voice.detail).toBe("not needed: only the podcast was asked for");
    // deck read + render + script; the dialogue and the podcast not yet done
    expect(overallProgress(state)).toEqual({ done: 3, total: 5, fraction: 3 / 5 });
    const turn = { speaker: "host" as const, text: "Hi.", slide: 1, language: "en", audio_key: "t.wav", voice: "joe", cues: [] };
    const talking = { ...state, turns: [{ ...turn, duration: 1 }, { ...turn, audio_key: null, duration: null }] };
    // + the dialogue written and one of its two turns voiced
    expect(overallProgress(talking)).toEqual({ done: 5, total: 7, fraction: 5 / 7 });
  });

  it("says a slide with nothing to say is held, not voiced", () => {
    const state = jobState({
      slideList: [slide(1, { image_key: "s.png", narration: "", narration_source: "none", audio_duration: 0 })],
    });
    const cells = gridRows(state)[0].cells;
    expect(cells.script).toEqual({ status: "done", detail: "nothing to say: the slide is held briefly" });
    expect(cells.voice).toEqual({ status: "done", detail: "nothing to say: no audio" });
  });

  it("settles a cancelled job's unfinished cells as stopped and keeps what was done", () => {
    const state = jobState({
      status: "cancelled",
      slideList: [finishedSlide(1, 3), slide(2, { image_key: "s.png", narration: "Hi." })],
      taskList: [task("voice_slide/2", { status: "dispatched" })],
    });
    expect(statuses(state, 1)).toMatchObject({ voice: "done", compose: "done" });
    expect(gridRows(state)[1].cells.voice).toEqual({
      status: "stopped",
      detail: "not done: the job was cancelled",
    });
  });

  it("keeps the failed cell of a failed job, without a retry promise", () => {
    const state = jobState({
      status: "failed",
      error: "voice failed on slide 1 after 3 attempts: boom",
      failed_stage: "voice",
      failed_slide: 1,
      slideList: [slide(1, { image_key: "s.png", narration: "Hi." })],
      taskList: [task("voice_slide/1", { status: "failed", attempt: 3, error: "boom", retryable: true })],
    });
    const cells = gridRows(state)[0].cells;
    expect(cells.voice).toEqual({ status: "failed", detail: "failed: boom" });
    expect(cells.compose.status).toBe("stopped");
  });

  it("says a job waiting for review waits for the approval, not for a stage", () => {
    const state = jobState({
      status: "awaiting_review",
      options: { ...OPTIONS, review: true },
      slideList: [slide(1, { image_key: "s.png", narration: "Hi.", narration_source: "notes" })],
      taskList: [task("script_deck", { status: "done" })],
    });
    expect(gridRows(state)[0].cells.voice).toEqual({
      status: "waiting",
      detail: "waiting for the script to be approved",
    });
  });

  it("counts a completed job as wholly done", () => {
    const state = jobState({ status: "completed", slideList: [finishedSlide(1, 3)] });
    expect(overallProgress(state).fraction).toBe(1);
    expect(estimateSecondsLeft(state, new Date("2026-01-01T10:01:00Z"))).toBeNull();
  });
});

describe("what is happening now", () => {
  it("is the progress of the stages with running work only", () => {
    const state = jobState({
      progress: { scripter: "reading the deck", composer: "encoding 40%" },
      slideList: [finishedSlide(1, 3)],
      taskList: [task("script_deck", { status: "done" }), task("compose_video", { status: "running" })],
    });
    expect(currentActivity(state)).toEqual(["encoding 40%"]);
    expect(currentActivity({ ...state, status: "completed" })).toEqual([]);
  });
});

describe("time left", () => {
  const half = jobState({
    created_at: "2026-01-01T10:00:00Z",
    slideList: [finishedSlide(1, 3), slide(2)],
    taskList: [task("script_deck", { status: "running" })],
  });

  it("extrapolates from the pace so far", () => {
    const { fraction } = overallProgress(half);
    const left = estimateSecondsLeft(half, new Date("2026-01-01T10:01:00Z"));
    expect(left).toBeCloseTo((60 * (1 - fraction)) / fraction, 6);
  });

  it("says nothing while the job waits for a person", () => {
    const waiting = { ...half, status: "awaiting_review" as const };
    expect(estimateSecondsLeft(waiting, new Date("2026-01-01T10:01:00Z"))).toBeNull();
  });

  it("says nothing while under a fifth is done", () => {
    const early = jobState({ slideList: [slide(1), slide(2), slide(3)] });
    expect(overallProgress(early).fraction).toBeLessThan(0.2);
    expect(estimateSecondsLeft(early, new Date("2026-01-01T10:01:00Z"))).toBeNull();
  });
});

describe("chapters", () => {
  it("start each slide where the one before ends, and stop at a slide not yet composed", () => {
    const state = jobState({
      slideList: [finishedSlide(1, 2.5, "Welcome"), finishedSlide(2, 4), slide(3)],
    });
    expect(chapters(state)).toEqual([
      { slide: 1, title: "Welcome", start: 0, duration: 2.5 },
      { slide: 2, title: "Slide 2", start: 2.5, duration: 4 },
    ]);
  });
});

describe("the transcript's timeline", () => {
  it("shifts each slide's captions by the slide's start in the video", () => {
    const first = { ...finishedSlide(1, 2.5), composed_cues: [{ text: "Hello.", start: 0.5, end: 1.5 }] };
    const second = {
      ...finishedSlide(2, 4),
      composed_cues: [
        { text: "One.", start: 0.5, end: 1.0 },
        { text: "Two.", start: 1.2, end: 3.0 },
      ],
    };
    expect(videoCues(jobState({ slideList: [first, second] }))).toEqual([
      { slide: 1, text: "Hello.", start: 0.5, end: 1.5 },
      { slide: 2, text: "One.", start: 3.0, end: 3.5 },
      { slide: 2, text: "Two.", start: 3.7, end: 5.5 },
    ]);
  });
});

describe("the grid", () => {
  it("shows one row per slide with each stage's status in words", () => {
    const state = jobState({
      slideList: [finishedSlide(1, 3, "Welcome"), slide(2, { image_key: "s.png", narration: "Hi." })],
      taskList: [task("voice_slide/2", { status: "running", worker: "voice-1" })],
    });
    render(<SlideGrid state={state} />);
    const first = screen.getByTestId("slide-row-1");
    expect(within(first).getByText(/Welcome/)).toBeTruthy();
    expect(first.querySelector("img")?.getAttribute("src")).toBe(
      "/api/jobs/job-1/slides/1/image",
    );
    const second = screen.getByTestId("slide-row-2");
    const cells = within(second).getAllByRole("cell");
    expect(cells.map((cell) => cell.dataset.status)).toEqual(["done", "done", "running", "skipped", "waiting"]);
    expect(within(second).getByText("Voice: working")).toBeTruthy();
  });

  it("opens a slide's details in words and its narration, and closes them again", () => {
    const state = jobState({ slideList: [finishedSlide(1, 3, "Welcome")] });
    render(<SlideGrid state={state} />);
    const head = screen.getByRole("button", { name: /Welcome/ });
    expect(head.getAttribute("aria-expanded")).toBe("false");
    fireEvent.click(head);
    expect(head.getAttribute("aria-expanded")).toBe("true");
    const details = document.getElementById(head.getAttribute("aria-controls")!)!;
    expect(within(details).getByText("scripted from the speaker notes")).toBeTruthy();
    expect(within(details).getByText("Narration of slide 1.")).toBeTruthy();
    fireEvent.click(head);
    expect(document.getElementById("slide-details-1")).toBeNull();
  });

  it("says what it is doing before the deck is read", () => {
    render(<SlideGrid state={jobState({ progress: { scripter: "reading the deck" } })} />);
    expect(screen.getByText("reading the deck")).toBeTruthy();
  });
});
