import { describe, expect, it } from "vitest";
import { UNLINKED, pointerRows, scriptEdits, sentencesOf } from "./scriptEdits";
import { SCRIPT_LINE as LINE } from "./test/builders";

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

describe("what the review offers to point", () => {
  it("splits the narration into its sentences", () => {
    expect(
      sentencesOf("Revenue grew. Costs stayed flat!  Why? Because"),
    ).toEqual(["Revenue grew.", "Costs stayed flat!", "Why?", "Because"]);
  });

  it("offers each sentence no link covers, pointing at nothing, in the narration's order", () => {
    const narration = "First we look back. Revenue grew. Costs stayed flat.";
    expect(pointerRows(narration, LINE.links)).toEqual([
      { sentence: "First we look back.", block: UNLINKED },
      { sentence: "Revenue grew.", block: 0 },
      { sentence: "Costs stayed flat.", block: UNLINKED },
    ]);
  });

  it("does not offer a sentence again when a link covers part of it", () => {
    const clause = { sentence: "Revenue grew", block: 0 };
    expect(
      pointerRows("Revenue grew by a third. Costs stayed flat.", [clause]),
    ).toEqual([clause, { sentence: "Costs stayed flat.", block: UNLINKED }]);
  });

  it("leaves out a link whose words the narration no longer says", () => {
    expect(pointerRows("Costs stayed flat.", LINE.links)).toEqual([
      { sentence: "Costs stayed flat.", block: UNLINKED },
    ]);
  });
});
