import {
  cleanup,
  fireEvent,
  render,
  screen,
  waitFor,
} from "@testing-library/react";
import { afterEach, describe, expect, it, vi } from "vitest";
import { SCRIPT_LINE as LINE } from "../test/builders";
import type { ScriptEdit } from "../types";
import { ScriptReview } from "./ScriptReview";

const JOB = "b".repeat(32);

function json(body: unknown): Response {
  return new Response(JSON.stringify(body), {
    headers: { "content-type": "application/json" },
  });
}

/** The script endpoint: the script above, and each approval's edits kept in `approved`. */
function serve(): ScriptEdit[][] {
  const approved: ScriptEdit[][] = [];
  vi.stubGlobal("fetch", async (_url: string, init?: RequestInit) => {
    if (init?.method === "PUT")
      approved.push(JSON.parse(String(init.body)).slides);
    return json({ job_id: JOB, slides: [LINE] });
  });
  return approved;
}

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

describe("the script review's pointer links", () => {
  it("lets a person link a sentence the server left unlinked", async () => {
    const approved = serve();
    const onApproved = vi.fn();
    render(<ScriptReview jobId={JOB} onApproved={onApproved} />);
    const unlinked = await screen.findByLabelText(
      /“Costs stayed flat\.” marks/,
    );
    expect((unlinked as HTMLSelectElement).value).toBe("-1");
    fireEvent.change(unlinked, { target: { value: "1" } });
    fireEvent.click(
      screen.getByRole("button", { name: "Approve and voice it" }),
    );
    await waitFor(() => expect(onApproved).toHaveBeenCalled());
    expect(approved).toEqual([
      [
        {
          slide: 1,
          narration: LINE.narration,
          links: [
            { sentence: "Revenue grew.", block: 0 },
            { sentence: "Costs stayed flat.", block: 1 },
          ],
        },
      ],
    ]);
  });

  it("sends no links when nobody touched them", async () => {
    const approved = serve();
    const onApproved = vi.fn();
    render(<ScriptReview jobId={JOB} onApproved={onApproved} />);
    await screen.findByLabelText(/“Revenue grew\.” marks/);
    fireEvent.click(
      screen.getByRole("button", { name: "Approve and voice it" }),
    );
    await waitFor(() => expect(onApproved).toHaveBeenCalled());
    expect(approved).toEqual([[]]);
  });
});
