import { cleanup, fireEvent, render, screen } from "@testing-library/react";
import { useState } from "react";
import { afterEach, describe, expect, it, vi } from "vitest";
import type { Choices } from "../options";
import { choicesFrom, DEFAULT_OPTIONS } from "../options";
import { OptionsFields } from "./OptionsFields";

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

/** The fields inside a form that keeps their value, as both forms do; `seen` gets each change. */
function Form({ seen, start = choicesFrom(DEFAULT_OPTIONS) }: { seen: (c: Choices) => void; start?: Choices }) {
  const [value, setValue] = useState(start);
  return (
    <fieldset>
      <OptionsFields
        value={value}
        onChange={(next) => {
          seen(next);
          setValue(next);
        }}
      />
    </fieldset>
  );
}

/** The API's voice list and sample, as the server sends them (JSON, WAV bytes, errors). */
function serve(sample: Response) {
  const asked: string[] = [];
  vi.stubGlobal("fetch", async (url: string) => {
    asked.push(url);
    if (url === "/api/voices") {
      const voices = [
        { provider: "espeak", name: "de", language: "de" },
        { provider: "piper", name: "en_US-joe-medium", language: "en-US" },
      ];
      return new Response(JSON.stringify({ voices }), { headers: { "content-type": "application/json" } });
    }
    return sample;
  });
  vi.stubGlobal("URL", Object.assign(URL, { createObjectURL: () => "blob:sample", revokeObjectURL: () => {} }));
  return asked;
}

describe("the options fields", () => {
  it("name every control and report each change", () => {
    const seen: Choices[] = [];
    render(<Form seen={(c) => seen.push(c)} />);
    fireEvent.change(screen.getByLabelText("Narration"), { target: { value: "notes" } });
    fireEvent.change(screen.getByLabelText("Pace"), { target: { value: "1.25" } });
    fireEvent.change(screen.getByLabelText("Subtitles"), { target: { value: "none" } });
    fireEvent.change(screen.getByLabelText("Resolution"), { target: { value: "1280x720" } });
    fireEvent.change(screen.getByLabelText("Presenter"), { target: { value: "local" } });
    fireEvent.change(screen.getByLabelText("The presenter's corner"), { target: { value: "top-left" } });
    fireEvent.click(screen.getByLabelText(/review the script/));
    expect(seen.at(-1)).toEqual({
      ...choicesFrom(DEFAULT_OPTIONS),
      narration: "notes",
      rate: "1.25",
      subtitles: "none",
      size: "1280x720",
      avatar: "local",
      avatarPosition: "top-left",
      review: true,
    });
  });

  it("take the slides to narrate, saying what is wrong with a selection", () => {
    const seen: Choices[] = [];
    render(<Form seen={(c) => seen.push(c)} />);
    fireEvent.change(screen.getByLabelText("Slides"), { target: { value: "9-3" } });
    expect(screen.getByRole("alert").textContent).toBe("'9-3' runs backwards: write 3-9");
    expect(screen.getByLabelText("Slides").getAttribute("aria-invalid")).toBe("true");
    fireEvent.change(screen.getByLabelText("Slides"), { target: { value: "3-9" } });
    expect(screen.queryByRole("alert")).toBeNull();
    expect(seen.at(-1)?.slides).toBe("3-9");
  });

  it("ask where the presenter goes only once there is one", () => {
    render(<Form seen={() => {}} />);
    expect(screen.queryByLabelText("The presenter's corner")).toBeNull();
    fireEvent.change(screen.getByLabelText("Presenter"), { target: { value: "heygen" } });
    expect(screen.getByLabelText("The presenter's corner")).toBeTruthy();
  });

  it("show the podcast's options for a podcast, and the video's for a video", async () => {
    serve(new Response());
    const seen: Choices[] = [];
    render(<Form seen={(c) => seen.push(c)} />);
    expect(screen.queryByLabelText("Podcast length in minutes")).toBeNull();
    fireEvent.change(screen.getByLabelText("What to make"), { target: { value: "podcast" } });
    expect(screen.queryByLabelText("Subtitles")).toBeNull();
    expect(screen.queryByLabelText("Presenter")).toBeNull();
    fireEvent.change(screen.getByLabelText("Podcast length in minutes"), { target: { value: "0" } });
    expect(screen.getByRole("alert").textContent).toMatch(/not a length in minutes/);
    await screen.findByRole("option", { name: "de (espeak, de)" });
    fireEvent.change(screen.getByLabelText("Voice"), { target: { value: "espeak/de" } });
    // The host and guest speak with the narration voice's provider: espeak's voices only.
    const guest = screen.getByLabelText("The guest's voice") as HTMLSelectElement;
    expect([...guest.options].map((o) => o.value)).toEqual(["", "de"]);
    expect(screen.queryByRole("button", { name: "Hear the guest" })).toBeNull(); // chosen later
    fireEvent.change(guest, { target: { value: "de" } });
    fireEvent.click(screen.getByRole("button", { name: "Hear the guest" }));
    expect(await screen.findByLabelText("A sample of de")).toBeTruthy();
    expect(seen.at(-1)).toMatchObject({ format: "podcast", podcastMinutes: "0", voice: "espeak/de", guestVoice: "de" });
    fireEvent.change(screen.getByLabelText("What to make"), { target: { value: "both" } });
    expect(screen.getByLabelText("Subtitles")).toBeTruthy();
    expect(screen.getByLabelText("The host's voice")).toBeTruthy();
  });

  it("offer the voices the services publish, and keep a job's voice no service offers", async () => {
    serve(new Response());
    render(<Form seen={() => {}} start={{ ...choicesFrom(DEFAULT_OPTIONS), voice: "openai/alloy" }} />);
    expect(await screen.findByRole("option", { name: "de (espeak, de)" })).toBeTruthy();
    expect((screen.getByLabelText("Voice") as HTMLSelectElement).value).toBe("openai/alloy");
    expect(screen.getByRole("option", { name: "alloy (openai)" })).toBeTruthy();
  });

  it("play a sample of the chosen voice", async () => {
    const asked = serve(new Response(new Uint8Array([82, 73, 70, 70]), { headers: { "content-type": "audio/wav" } }));
    render(<Form seen={() => {}} />);
    await screen.findByRole("option", { name: "de (espeak, de)" });
    fireEvent.change(screen.getByLabelText("Voice"), { target: { value: "espeak/de" } });
    fireEvent.click(screen.getByRole("button", { name: "Hear this voice" }));
    const audio = (await screen.findByLabelText("A sample of de")) as HTMLAudioElement;
    expect(audio.getAttribute("src")).toBe("blob:sample");
    expect(asked.at(-1)).toBe("/api/voices/sample?provider=espeak&voice=de");
    fireEvent.change(screen.getByLabelText("Voice"), { target: { value: "" } });
    expect(screen.queryByLabelText("A sample of de")).toBeNull();
  });

  it("say why there is no sample", async () => {
    const detail = { detail: "no voice service is running: start one (slidespeaker up)" };
    serve(new Response(JSON.stringify(detail), { status: 503, headers: { "content-type": "application/json" } }));
    render(<Form seen={() => {}} />);
    fireEvent.click(screen.getByRole("button", { name: "Hear this voice" }));
    expect((await screen.findByRole("alert")).textContent).toBe(
      "No sample of the default voice: no voice service is running: start one (slidespeaker up)",
    );
  });
});
