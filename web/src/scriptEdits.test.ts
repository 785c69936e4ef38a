import { describe, expect, it } from "vitest";
import { UNLINKED, scriptEdits } from "./scriptEdits";
import type { ScriptLine } from "./types";

const LINE: ScriptLine = {
  slide: 1,
  title: "Review",
  narration: "Revenue grew. Costs stayed flat.",
  source: "notes",
  language: "en",
  language_source: "deck",
  blocks: [
    { text: "Revenue grew", box: [0.1, 0.2, 0.9, 0.3], kind: "paragraph" },
    { text: "Costs stayed flat", box: [0.1, 0.4, 0.9, 0.5], kind: "paragraph" },
  ],
  links: [{ sentence: "Revenue grew.", block: 0 }],
};

describe("the script review's edits", () => {
  it("sends nothing for a slide nobody changed", () => {
    expect(scriptEdits([LINE], {}, {})).toEqual([]);
  });

  it("sends re-pointed links with the narration, without those set to nothing", () => {
    const links = [
      { sentence: "Revenue grew.", block: UNLINKED },
      { sentence: "Costs stayed flat.", block: 1 },
    ];
    expect(scriptEdits([LINE], {}, { 1: links })).toEqual([
      {
        slide: 1,
        narration: LINE.narration,
        links: [{ sentence: "Costs stayed flat.", block: 1 }],
      },
    ]);
  });

  it("drops a re-pointed link whose words the edited narration no longer says", () => {
    const edited = "Costs stayed flat.";
    expect(scriptEdits([LINE], { 1: edited }, { 1: LINE.links })).toEqual([
      { slide: 1, narration: edited, links: [] },
    ]);
  });

  it("leaves the links to the server when only the narration changed", () => {
    expect(scriptEdits([LINE], { 1: "New words." }, {})).toEqual([
      { slide: 1, narration: "New words." },
    ]);
  });
});
