import { cleanup, fireEvent, render, screen, within } from "@testing-library/react";
import { useState } from "react";
import { afterEach, describe, expect, it } from "vitest";
import type { EventFilter } from "../eventFilter";
import { eventStage, filterEvents, NO_FILTER, summarize } from "../eventFilter";
import { logEvent } from "../test/builders";
import type { LogEvent } from "../types";
import { EventFilters, EventTimeline } from "./EventLog";

afterEach(cleanup);

const voice = (slide: number) => ({ action: "voice_slide" as const, slide });

/** A short log of a job whose slide 2 failed to voice once and was retried. */
const LOG: LogEvent[] = [
  logEvent("job.submitted", { filename: "talk.pptx" }),
  logEvent("task.dispatched", { task: { action: "script_deck", slide: null }, attempt: 1 }),
  logEvent("deck.parsed", { format: "pptx", slide_count: 2 }),
  logEvent("slide.rendered", { slide: 1 }),
  logEvent("slide.rendered", { slide: 2 }),
  logEvent("task.dispatched", { task: voice(1), attempt: 1 }),
  logEvent("task.dispatched", { task: voice(2), attempt: 1 }),
  logEvent("slide.voiced", { slide: 1, duration: 2.25 }),
  logEvent("stage.failed", { task: voice(2), error: "piper crashed", retryable: true }),
  logEvent("stage.retried", { task: voice(2), attempt: 2, delay_s: 0.5 }),
  logEvent("job.progress", { stage: "composer", message: "encoding", slide: null }),
  logEvent("job.warning", { code: "no_narration", message: "nothing to say", slide: 2 }),
  logEvent("job.completed"),
];

const types = (events: LogEvent[]) => events.map((event) => event.type);

describe("the event filter", () => {
  it("keeps everything with no filter", () => {
    expect(filterEvents(LOG, NO_FILTER)).toEqual(LOG);
  });

  it("finds a stage's events from their task, their result type or their stage field", () => {
    expect(eventStage(LOG[1])).toBe("scripter");
    expect(eventStage(LOG[3])).toBe("scripter");
    expect(eventStage(LOG[10])).toBe("composer");
    expect(eventStage(LOG[0])).toBe("job");
    expect(types(filterEvents(LOG, { ...NO_FILTER, stage: "voice" }))).toEqual([
      "task.dispatched",
      "task.dispatched",
      "slide.voiced",
      "stage.failed",
      "stage.retried",
    ]);
  });

  it("finds a slide's events whether the slide is in the task or the event", () => {
    expect(types(filterEvents(LOG, { ...NO_FILTER, slide: 2 }))).toEqual([
      "slide.rendered",
      "task.dispatched",
      "stage.failed",
      "stage.retried",
      "job.warning",
    ]);
  });

  it("combines stage, slide and type", () => {
    const shown = filterEvents(LOG, { stage: "voice", slide: 2, type: "stage.failed" });
    expect(shown).toEqual([LOG[8]]);
    expect(summarize(shown[0])).toBe("voice_slide of slide 2 failed: piper crashed (retryable)");
  });
});

function FilteredLog() {
  const [filter, setFilter] = useState<EventFilter>(NO_FILTER);
  const [selected, setSelected] = useState<string | null>(null);
  return (
    <>
      <EventFilters events={LOG} filter={filter} onChange={setFilter} />
      <EventTimeline events={filterEvents(LOG, filter)} start={LOG[0].ts} selected={selected} onSelect={setSelected} />
    </>
  );
}

describe("the event log view", () => {
  it("offers only the stages, slides and types in the log, and filters the timeline", () => {
    render(<FilteredLog />);
    const timeline = () => within(screen.getByRole("list")).getAllByRole("listitem");
    expect(timeline()).toHaveLength(LOG.length);

    const slideChoices = within(screen.getByLabelText("Slide")).getAllByRole("option");
    expect(slideChoices.map((option) => option.textContent)).toEqual(["all slides", "slide 1", "slide 2"]);

    fireEvent.change(screen.getByLabelText("Stage"), { target: { value: "voice" } });
    fireEvent.change(screen.getByLabelText("Slide"), { target: { value: "2" } });
    expect(timeline()).toHaveLength(3);
    fireEvent.change(screen.getByLabelText("Type"), { target: { value: "stage.failed" } });
    expect(timeline()).toHaveLength(1);
    expect(timeline()[0].textContent).toContain("failed: piper crashed");

    fireEvent.click(screen.getByRole("button", { name: "Clear" }));
    expect(timeline()).toHaveLength(LOG.length);
  });

  it("shows each event's raw JSON and selects it for the state at that event", () => {
    render(<FilteredLog />);
    const failed = within(screen.getByRole("list"))
      .getAllByRole("listitem")
      .find((item) => item.textContent?.includes("stage.failed"))!;
    const raw = JSON.parse(failed.querySelector("pre")!.textContent!);
    expect(raw).toEqual(LOG[8]);
    fireEvent.click(within(failed).getByRole("button", { name: "State at this event", hidden: true }));
    expect(failed.dataset.selected).toBe("true");
  });
});
