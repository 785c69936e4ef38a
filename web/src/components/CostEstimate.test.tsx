import { describe, expect, it } from "vitest";
import { jobState, OPTIONS } from "../test/builders";
import { costWords } from "./CostEstimate";

const estimate = { llm_requests: 3, llm_input_tokens: 900, llm_output_tokens: 420, tts_characters: 2400, cost_usd: 0.0412 };

describe("the cost estimate", () => {
  it("is said once the scripter has counted the hosted calls, against the limit", () => {
    expect(costWords(jobState())).toBeNull();
    expect(costWords(jobState({ estimate }))).toBe(
      "Hosted calls estimated at $0.04: 3 model requests (about 1320 tokens) and 2400 characters of hosted speech.",
    );
    const limited = jobState({ estimate, options: { ...OPTIONS, max_cost: 0.02 } });
    expect(costWords(limited)).toMatch(/^Hosted calls estimated at \$0\.04, above the limit of \$0\.02:/);
    const within = jobState({ estimate, options: { ...OPTIONS, max_cost: 1 } });
    expect(costWords(within)).toMatch(/within the limit of \$1\.00/);
  });

  it("says when a price is missing, and that a limit then cannot be checked", () => {
    const unpriced = { ...estimate, llm_requests: 0, cost_usd: null };
    expect(costWords(jobState({ estimate: unpriced }))).toBe(
      "Hosted calls: 2400 characters of hosted speech; their price is not set on the server.",
    );
    const limited = jobState({ estimate: unpriced, options: { ...OPTIONS, max_cost: 1 } });
    expect(costWords(limited)).toMatch(/so the cost limit cannot be checked\.$/);
  });
});
