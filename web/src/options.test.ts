import { describe, expect, it } from "vitest";
import {
  choicesFrom,
  choicesProblem,
  chosenOptions,
  DEFAULT_OPTIONS,
  optionChanges,
  maxCostProblem,
  podcastMinutesProblem,
  rateChoices,
  sizeChoices,
  uploadFields,
} from "./options";
import { OPTIONS } from "./test/builders";

describe("the options form's values", () => {
  it("stand for the options they were read from", () => {
    const options = {
      ...OPTIONS,
      language: "de",
      slides: "3-7,9",
      rate: 1.1,
      voice_provider: "espeak",
      voice: "de",
      width: 1280,
      height: 720,
      format: "both" as const,
      podcast_minutes: 4.5,
      host_voice: "de",
      guest_voice: "en",
      avatar: "heygen" as const,
      avatar_position: "top-left" as const,
      max_cost: 2.5,
    };
    // What the form does not offer stays as the job had it (a re-run sends only changes).
    const { words_per_slide: _w, avatar_scale: _a, lexicon: _l, ...offered } = options;
    expect(chosenOptions(choicesFrom(options), options)).toEqual(offered);
  });

  it("upload only what the server would not assume", () => {
    expect(uploadFields(choicesFrom(DEFAULT_OPTIONS))).toEqual({
      format: "video",
      narration: "auto",
      subtitles: "sidecar",
      pointer: "highlight",
      width: "1920",
      height: "1080",
      avatar: "none",
      avatar_position: "bottom-right",
      rate: "1",
      review: "false",
    });
  });

  it("upload a chosen voice as provider and name, the name keeping its slashes", () => {
    const choices = { ...choicesFrom(DEFAULT_OPTIONS), voice: "piper/voices/de_DE-thorsten", language: " de " };
    const fields = uploadFields(choices);
    expect([fields.voice_provider, fields.voice, fields.language]).toEqual(["piper", "voices/de_DE-thorsten", "de"]);
  });

  it("upload the podcast's length and voices as typed and chosen", () => {
    const choices = { ...choicesFrom(DEFAULT_OPTIONS), format: "podcast" as const, podcastMinutes: " 2.5", guestVoice: "x" };
    const fields = uploadFields(choices);
    expect([fields.format, fields.podcast_minutes, fields.host_voice, fields.guest_voice]).toEqual([
      "podcast",
      "2.5",
      undefined,
      "x",
    ]);
  });

  it("keep the job's provider when a re-run goes back to the default voice", () => {
    const job = { ...OPTIONS, voice_provider: "espeak", voice: "de" };
    const choices = { ...choicesFrom(job), voice: "" };
    expect(optionChanges(job, chosenOptions(choices, job))).toEqual({ voice: null });
  });

  it("offer a job's own pace when it is not one of the usual ones", () => {
    expect(rateChoices("1.1").map((rate) => rate.value)).toEqual(["0.85", "1", "1.1", "1.25"]);
    expect(rateChoices("1.5").at(-1)).toEqual({ value: "1.5", label: "1.5× (this job's)" });
  });

  it("offer a job's own size when it is not one of the usual ones", () => {
    expect(sizeChoices("1920x1080").map((size) => size.value)).not.toContain("800x600");
    expect(sizeChoices("800x600").at(-1)).toEqual({ value: "800x600", label: "800 × 600 (this job's)" });
  });

  it("take a podcast length from just above 0 to 180 minutes, or none", () => {
    expect(["", "0.5", "180", "12"].map(podcastMinutesProblem)).toEqual([null, null, null, null]);
    expect(podcastMinutesProblem("0")).toMatch(/above 0 and up to 180/);
    expect(podcastMinutesProblem("ten")).toBe(
      '"ten" is not a length in minutes: give a number above 0 and up to 180, or nothing.',
    );
    const video = { ...choicesFrom(DEFAULT_OPTIONS), podcastMinutes: "ten" };
    expect(choicesProblem(video)).toBeNull(); // no podcast asked for: its length does not matter
    expect(choicesProblem({ ...video, format: "both" })).toMatch(/not a length/);
  });

  it("take a cost limit above 0 US dollars, or none", () => {
    expect(["", "0.5", " 12 "].map(maxCostProblem)).toEqual([null, null, null]);
    expect(maxCostProblem("0")).toMatch(/not an amount of US dollars above 0/);
    expect(maxCostProblem("cheap")).toMatch(/"cheap" is not an amount/);
    expect(uploadFields({ ...choicesFrom(DEFAULT_OPTIONS), maxCost: "0.75" }).max_cost).toBe("0.75");
  });
});
