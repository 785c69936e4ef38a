import { describe, expect, it } from "vitest";
import { choicesFrom, chosenOptions, DEFAULT_OPTIONS, optionChanges, sizeChoices, uploadFields } from "./options";
import { OPTIONS } from "./test/builders";

describe("the options form's values", () => {
  it("stand for the options they were read from", () => {
    const options = { ...OPTIONS, language: "de", voice_provider: "espeak", voice: "de", width: 1280, height: 720 };
    const { rate: _rate, ...chosen } = options;
    expect(chosenOptions(choicesFrom(options), options)).toEqual(chosen);
  });

  it("upload only what the server would not assume", () => {
    expect(uploadFields(choicesFrom(DEFAULT_OPTIONS))).toEqual({
      narration: "auto",
      subtitles: "sidecar",
      width: "1920",
      height: "1080",
      avatar: "false",
      review: "false",
    });
  });

  it("upload a chosen voice as provider and name, the name keeping its slashes", () => {
    const choices = { ...choicesFrom(DEFAULT_OPTIONS), voice: "piper/voices/de_DE-thorsten", language: " de " };
    const fields = uploadFields(choices);
    expect([fields.voice_provider, fields.voice, fields.language]).toEqual(["piper", "voices/de_DE-thorsten", "de"]);
  });

  it("keep the job's provider when a re-run goes back to the default voice", () => {
    const job = { ...OPTIONS, voice_provider: "espeak", voice: "de" };
    const choices = { ...choicesFrom(job), voice: "" };
    expect(optionChanges(job, chosenOptions(choices, job))).toEqual({ voice: null });
  });

  it("offer a job's own size when it is not one of the usual ones", () => {
    expect(sizeChoices("1920x1080").map((size) => size.value)).not.toContain("800x600");
    expect(sizeChoices("800x600").at(-1)).toEqual({ value: "800x600", label: "800 × 600 (this job's)" });
  });
});
