import { describe, expect, it } from "vitest";
import { jobState, OPTIONS } from "../test/builders";
import { playable, resultWords } from "./Result";

const links = (...names: string[]) => Object.fromEntries(names.map((name) => [name, `/api/jobs/job-1/artifacts/${name}`]));

describe("what a finished job has to play", () => {
  it("is what its files are: the video, the podcast, or both", () => {
    expect(playable(jobState({ artifacts: links("video.mp4", "subtitles.vtt") }))).toEqual({ video: true, podcast: false });
    expect(playable(jobState({ artifacts: links("podcast.mp3", "podcast.json") }))).toEqual({ video: false, podcast: true });
    expect(playable(jobState({ artifacts: links("video.mp4", "podcast.mp3") }))).toEqual({ video: true, podcast: true });
  });

  it("names the result page's tab for what was asked", () => {
    expect(resultWords(jobState())).toBe("Watch the video");
    expect(resultWords(jobState({ options: { ...OPTIONS, format: "podcast" } }))).toBe("Listen to the podcast");
    expect(resultWords(jobState({ options: { ...OPTIONS, format: "both" } }))).toBe("Watch and listen");
  });
});
