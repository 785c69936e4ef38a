import { cleanup, fireEvent, render, screen } from "@testing-library/react";
import { afterEach, describe, expect, it } from "vitest";
import { OPTIONS } from "../test/builders";
import { optionChanges, Rerun } from "./Rerun";

afterEach(cleanup);

describe("re-running with other options", () => {
  it("sends only the options that differ", () => {
    expect(optionChanges(OPTIONS, { narration: "auto", subtitles: "sidecar" })).toEqual({});
    expect(optionChanges(OPTIONS, { narration: "notes", language: null, avatar: true })).toEqual({
      narration: "notes",
      avatar: true,
    });
  });

  it("offers the re-run once an option changed", () => {
    render(<Rerun jobId="job-1" options={OPTIONS} />);
    const button = () => screen.getByRole("button", { hidden: true }) as HTMLButtonElement;
    expect(button().disabled).toBe(true);
    expect(button().textContent).toBe("Change an option to re-run");
    fireEvent.change(screen.getByLabelText("Subtitles", { selector: "select" }), { target: { value: "burn" } });
    expect(button().disabled).toBe(false);
    expect(button().textContent).toBe("Re-run as a new job");
  });
});
