import { cleanup, fireEvent, render, screen } from "@testing-library/react";
import { afterEach, describe, expect, it, vi } from "vitest";
import { podcastChapters, podcastProgress, turnAt } from "../podcast";
import { finishedSlide, jobState, OPTIONS } from "../test/builders";
import type { PodcastDialogue, Turn } from "../types";
import { PodcastPlayer } from "./PodcastPlayer";

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

/** podcast.json as the composer writes it: slide 2 comes back after slide 3 was reached. */
const DIALOGUE: PodcastDialogue = {
  title: "talk",
  duration: 30,
  turns: [
    { turn: 1, speaker: "host", voice: "joe", slide: 1, text: "Welcome to the talk.", start: 0.3, end: 3 },
    { turn: 2, speaker: "guest", voice: "joe (pitch x1.35)", slide: 1, text: "Glad to be here.", start: 3.45, end: 5 },
    { turn: 3, speaker: "host", voice: "joe", slide: 2, text: "First, the numbers.", start: 5.9, end: 10 },
    { turn: 4, speaker: "guest", voice: "joe", slide: 3, text: "And then the plan?", start: 10.9, end: 14 },
    { turn: 5, speaker: "host", voice: "joe", slide: 2, text: "Back to the numbers.", start: 14.25, end: 29.4 },
  ],
};

const STATE = jobState({
  status: "completed",
  options: { ...OPTIONS, format: "podcast" },
  slideList: [finishedSlide(1, 3, "Welcome"), finishedSlide(2, 3, "Numbers"), finishedSlide(3, 3, "")],
});

function turn(fields: Partial<Turn>): Turn {
  return { speaker: "host", text: "Hi.", slide: 1, language: null, audio_key: null, duration: null, voice: null, cues: [], ...fields };
}

describe("the podcast on its timeline", () => {
  it("has a chapter per slide from its first turn, the first from the start", () => {
    expect(podcastChapters(DIALOGUE, STATE)).toEqual([
      { slide: 1, title: "Welcome", start: 0 },
      { slide: 2, title: "Numbers", start: 5.9 },
      { slide: 3, title: "Slide 3", start: 10.9 },
    ]);
  });

  it("knows which turn is being spoken, and keeps it through the pause after it", () => {
    expect(turnAt(DIALOGUE, 0)).toBeNull();
    expect(turnAt(DIALOGUE, 4)?.turn).toBe(2);
    expect(turnAt(DIALOGUE, 5.5)?.turn).toBe(2);
    expect(turnAt(DIALOGUE, 29)?.turn).toBe(5);
  });

  it("says how far the podcast has come", () => {
    expect(podcastProgress(jobState())).toBeNull(); // a video only
    const podcast = jobState({ options: { ...OPTIONS, format: "both" } });
    expect(podcastProgress(podcast)).toMatch(/dialogue is written once every slide is scripted/);
    const turns = [turn({ duration: 2 }), turn({}), turn({ speaker: "guest" })];
    expect(podcastProgress({ ...podcast, turns })).toBe("The podcast's 3 turns are written; 1 voiced.");
    const voiced = turns.map((t) => ({ ...t, duration: 1 }));
    expect(podcastProgress({ ...podcast, turns: voiced })).toMatch(/All 3 turns are voiced/);
  });
});

describe("the podcast player", () => {
  const url = (name: string) => `/api/jobs/job-1/artifacts/${name}`;

  function serveDialogue(response: Response) {
    const asked: string[] = [];
    vi.stubGlobal("fetch", async (address: string) => {
      asked.push(address);
      return response;
    });
    return asked;
  }

  it("plays the podcast with the conversation following playback", async () => {
    const asked = serveDialogue(new Response(JSON.stringify(DIALOGUE)));
    const { container } = render(<PodcastPlayer state={STATE} url={url} />);
    expect(asked).toEqual(["/api/jobs/job-1/artifacts/podcast.json"]);
    const sources = [...container.querySelectorAll("audio source")].map((s) => s.getAttribute("src"));
    expect(sources).toEqual([url("podcast.mp3"), url("podcast.m4a")]);
    const turns = await screen.findAllByRole("button", { name: /^(Host|Guest) / });
    expect(turns.map((b) => b.textContent)).toEqual([
      "Host 0:00 Welcome to the talk.",
      "Guest 0:03 Glad to be here.",
      "Host 0:06 First, the numbers.",
      "Guest 0:11 And then the plan?",
      "Host 0:14 Back to the numbers.",
    ]);
    const audio = screen.getByLabelText("The podcast") as HTMLAudioElement;
    audio.currentTime = 11;
    fireEvent.timeUpdate(audio);
    expect(screen.getByRole("button", { current: true, name: /^Guest/ }).textContent).toMatch(/the plan/);
    expect(screen.getByRole("button", { current: true, name: /Slide 3/ })).toBeTruthy();
  });

  it("seeks to a chapter or a turn when it is chosen", async () => {
    serveDialogue(new Response(JSON.stringify(DIALOGUE)));
    render(<PodcastPlayer state={STATE} url={url} />);
    const audio = screen.getByLabelText("The podcast") as HTMLAudioElement;
    audio.play = () => Promise.resolve(); // jsdom plays nothing
    fireEvent.click(await screen.findByRole("button", { name: /Numbers/ }));
    expect(audio.currentTime).toBe(5.9);
    fireEvent.click(screen.getByRole("button", { name: /Back to the numbers/ }));
    expect(audio.currentTime).toBe(14.25);
    expect(screen.getByRole("button", { current: true, name: /^Host/ }).textContent).toMatch(/Back to the numbers/);
  });

  it("says so when the conversation cannot be loaded", async () => {
    serveDialogue(new Response("gone", { status: 404 }));
    render(<PodcastPlayer state={STATE} url={url} />);
    expect((await screen.findByRole("alert")).textContent).toBe("the dialogue could not be loaded (404)");
  });
});
