import { cleanup, fireEvent, render, screen } from "@testing-library/react";
import { afterEach, describe, expect, it } from "vitest";
import { optionChanges } from "../options";
import { OPTIONS } from "../test/builders";
import { Rerun } from "./Rerun";

afterEach(cleanup);

describe("re-running with other options", () => {
  it("sends only the options that differ", () => {
    expect(optionChanges(OPTIONS, { narration: "auto", subtitles: "sidecar" })).toEqual({});
    expect(optionChanges(OPTIONS, { narration: "notes", language: null, avatar: "heygen" })).toEqual({
      narration: "notes",
      avatar: "heygen",
    });
  });

  it("offers the re-run once an option changed", () => {
    render(<Rerun jobId="job-1" options={OPTIONS} />);
    const button = () => screen.getByRole("button", { name: /re-run/i, hidden: true }) as HTMLButtonElement;
    expect(button().disabled).toBe(true);
    expect(button().textContent).toBe("Change an option to re-run");
    fireEvent.change(screen.getByLabelText("Subtitles", { selector: "select" }), { target: { value: "burn" } });
    expect(button().disabled).toBe(false);
    expect(button().textContent).toBe("Re-run as a new job");
  });

  it("starts from the job's own options, a size no preset has included", () => {
    const options = { ...OPTIONS, width: 800, height: 600, review: true, language: "fr" };
    render(<Rerun jobId="job-1" options={options} />);
    expect((screen.getByLabelText("Resolution", { selector: "select" }) as HTMLSelectElement).value).toBe("800x600");
    expect((screen.getByLabelText(/review the script/) as HTMLInputElement).checked).toBe(true);
    expect((screen.getByLabelText("Language") as HTMLInputElement).value).toBe("fr");
  });

  it("holds the re-run while the language is not a language tag", () => {
    render(<Rerun jobId="job-1" options={OPTIONS} />);
    fireEvent.change(screen.getByLabelText("Language"), { target: { value: "english please" } });
    expect(screen.getByRole("alert", { hidden: true }).textContent).toMatch(/not a language tag/);
    const button = screen.getByRole("button", { name: /re-run/i, hidden: true }) as HTMLButtonElement;
    expect(button.disabled).toBe(true);
  });
});
