// What the job's hosted calls are estimated to cost: reckoned by the scripter before any is
// made (the cost.estimated event, or POST /api/estimates before submission), against the
// job's limit if it has one.
import type { CostEstimate as Estimate, JobState } from "../types";

export function costWords(state: JobState): string | null {
  return state.estimate ? estimateWords(state.estimate, state.options.max_cost) : null;
}

export function estimateWords(estimate: Estimate, limit: number | null): string {
  const counted = [
    estimate.llm_requests && `${estimate.llm_requests} model requests (about ${estimate.llm_input_tokens + estimate.llm_output_tokens} tokens)`,
    estimate.tts_characters && `${estimate.tts_characters} characters of hosted speech`,
  ].filter(Boolean);
  if (!counted.length) return "No hosted calls: everything runs on the server, at no cost.";
  const what = counted.join(" and ");
  if (estimate.cost_usd === null) {
    return `Hosted calls: ${what}; their price is not set on the server${limit === null ? "" : ", so the cost limit cannot be checked"}.`;
  }
  const cost = `$${estimate.cost_usd.toFixed(2)}`;
  if (limit === null) return `Hosted calls estimated at ${cost}: ${what}.`;
  const verdict = estimate.cost_usd > limit ? "above" : "within";
  return `Hosted calls estimated at ${cost}, ${verdict} the limit of $${limit.toFixed(2)}: ${what}.`;
}

export function CostEstimate({ state }: { state: JobState }) {
  const words = costWords(state);
  return words ? <p className="small cost-estimate">{words}</p> : null;
}
