import { cleanup, fireEvent, render, screen, waitFor } from "@testing-library/react";
import { afterEach, describe, expect, it, vi } from "vitest";
import { deckProblem, isLocked, languageProblem, signatureProblem, slidesProblem } from "../upload";
import { NewVideo } from "./NewVideo";

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

const PDF = "%PDF-1.7\n";
const ZIP = "PK\u0003\u0004";
const OLE = "\xd0\xcf\x11\xe0";

function deck(name: string, head: string, size = head.length): File {
  return new File([head.padEnd(size, " ")], name);
}

function pick(file: File) {
  fireEvent.change(screen.getByLabelText(/Drop a deck here|\.p/), { target: { files: [file] } });
}

const submitButton = () => screen.getByRole("button", { name: "Make the video" }) as HTMLButtonElement;

describe("the file checks", () => {
  it("accepts decks by extension, whatever the case", () => {
    expect(deckProblem({ name: "Talk.PPTX", size: 10 })).toBeNull();
    expect(deckProblem({ name: "show.ppsx", size: 10 })).toBeNull();
    expect(deckProblem({ name: "paper.pdf", size: 10 })).toBeNull();
  });

  it("refuses other types, empty files and files over the limit, saying why", () => {
    expect(deckProblem({ name: "notes.docx", size: 10 })).toMatch(/not a deck/);
    expect(deckProblem({ name: "old.ppt", size: 10 })).toMatch(/not a deck/);
    expect(deckProblem({ name: "a.pdf", size: 0 })).toMatch(/empty/);
    expect(deckProblem({ name: "big.pdf", size: 3 * 1024 * 1024 }, 2 * 1024 * 1024)).toBe(
      '"big.pdf" is 3.0 MB; the limit is 2.0 MB.',
    );
  });

  it("reads the first bytes: a PDF must start %PDF, a PowerPoint file must be a zip", () => {
    const bytes = (text: string) => Uint8Array.from(text, (c) => c.charCodeAt(0));
    expect(signatureProblem("a.pdf", bytes(PDF))).toBeNull();
    expect(signatureProblem("a.pptx", bytes(ZIP))).toBeNull();
    expect(signatureProblem("a.pdf", bytes(ZIP))).toMatch(/not a PDF/);
    expect(signatureProblem("a.pptx", bytes("\xff\xd8\xff\xe0"))).toMatch(/not a PowerPoint file inside/);
  });

  it("knows a password-protected PowerPoint deck by its first bytes", () => {
    const bytes = (text: string) => Uint8Array.from(text, (c) => c.charCodeAt(0));
    expect(signatureProblem("a.pptx", bytes(OLE))).toBeNull();
    expect(isLocked("a.pptx", bytes(OLE))).toBe(true);
    expect(isLocked("a.pptx", bytes(ZIP))).toBe(false);
    expect(isLocked("a.pdf", bytes(PDF))).toBe(false);
  });

  it("takes slide numbers and ranges as the server reads them, or nothing", () => {
    expect(["", "3", " 3-7, 9 ", "1,2-2"].map(slidesProblem)).toEqual([null, null, null, null]);
    expect(slidesProblem("3-x")).toBe("'3-x' is not a slide number or range: write slide numbers and ranges separated by commas, e.g. 3-7,9");
    expect(slidesProblem("0-2")).toBe("'0-2': slides are numbered from 1");
    expect(slidesProblem("7-3")).toBe("'7-3' runs backwards: write 3-7");
  });

  it("takes a BCP 47 language tag or nothing", () => {
    expect(languageProblem("")).toBeNull();
    expect(languageProblem("pt-BR")).toBeNull();
    expect(languageProblem("english please")).toMatch(/not a language tag/);
  });
});

describe("the upload form", () => {
  it("cannot be sent before a deck is chosen", () => {
    render(<NewVideo />);
    expect(submitButton().disabled).toBe(true);
  });

  it("refuses a file that is not a deck before uploading it", async () => {
    render(<NewVideo />);
    pick(deck("photo.jpg", "\xff\xd8\xff"));
    expect((await screen.findByRole("alert")).textContent).toMatch(/"photo.jpg" is not a deck/);
    expect(submitButton().disabled).toBe(true);
  });

  it("refuses a deck over the size limit", async () => {
    render(<NewVideo maxBytes={1024} />);
    pick(deck("big.pdf", PDF, 2048));
    expect((await screen.findByRole("alert")).textContent).toBe('"big.pdf" is 2 KB; the limit is 1 KB.');
    expect(submitButton().disabled).toBe(true);
  });

  it("refuses a file whose bytes do not match its name", async () => {
    render(<NewVideo />);
    pick(deck("slides.pdf", ZIP));
    expect((await screen.findByRole("alert")).textContent).toMatch(/not a PDF file/);
  });

  it("takes a real deck dropped on it, and clears the earlier problem", async () => {
    render(<NewVideo />);
    pick(deck("photo.jpg", "\xff\xd8\xff"));
    await screen.findByRole("alert");
    const zone = screen.getByText(/Drop a deck here/).closest(".drop-zone")!;
    fireEvent.drop(zone, { dataTransfer: { files: [deck("talk.pptx", ZIP, 100)] } });
    await waitFor(() => expect(screen.getByText("talk.pptx")).toBeTruthy());
    expect(screen.queryByRole("alert")).toBeNull();
    expect(submitButton().disabled).toBe(false);
  });

  it("holds the upload while the language is not a language tag", async () => {
    render(<NewVideo />);
    pick(deck("talk.pdf", PDF, 100));
    await waitFor(() => expect(submitButton().disabled).toBe(false));
    fireEvent.change(screen.getByLabelText("Language"), { target: { value: "english please" } });
    expect(screen.getByRole("alert").textContent).toMatch(/not a language tag/);
    expect(submitButton().disabled).toBe(true);
    expect(screen.getByLabelText("Language").getAttribute("aria-invalid")).toBe("true");
  });

  it("asks for the password of a password-protected deck before sending it", async () => {
    render(<NewVideo />);
    const bytes = Uint8Array.from(OLE, (c) => c.charCodeAt(0)); // not as UTF-8 text
    pick(new File([bytes, " ".repeat(96)], "secret.pptx"));
    const password = (await screen.findByLabelText("Password of the deck")) as HTMLInputElement;
    expect(password.type).toBe("password");
    expect(submitButton().disabled).toBe(true);
    fireEvent.change(password, { target: { value: "open sesame" } });
    expect(submitButton().disabled).toBe(false);
    pick(deck("plain.pptx", ZIP, 100));
    await waitFor(() => expect(screen.queryByLabelText("Password of the deck")).toBeNull());
  });

  it("names what the button will make", () => {
    render(<NewVideo />);
    fireEvent.change(screen.getByLabelText("What to make"), { target: { value: "podcast" } });
    expect(screen.getByRole("button", { name: "Make the podcast" })).toBeTruthy();
    fireEvent.change(screen.getByLabelText("What to make"), { target: { value: "both" } });
    expect(screen.getByRole("button", { name: "Make the video and the podcast" })).toBeTruthy();
  });
});

describe("the cost estimate before sending", () => {
  const json = (body: unknown, status = 200) =>
    new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json" } });

  /** The API as the server answers: its voices, and the estimate (recording what was sent). */
  function serve(estimate: Response) {
    const sent: FormData[] = [];
    vi.stubGlobal("fetch", async (url: string, init?: RequestInit) => {
      if (url === "/api/estimates") {
        sent.push(init?.body as FormData);
        return estimate;
      }
      return json({ voices: [] });
    });
    return sent;
  }

  const estimateButton = () => screen.getByRole("button", { name: "Estimate the cost" }) as HTMLButtonElement;

  it("sends the deck with the chosen options and says what the hosted calls would cost", async () => {
    const counted = { llm_requests: 2, llm_input_tokens: 800, llm_output_tokens: 200, tts_characters: 0, cost_usd: 0.0042 };
    const sent = serve(json(counted));
    render(<NewVideo />);
    expect(estimateButton().disabled).toBe(true);
    pick(deck("talk.pdf", PDF, 100));
    await waitFor(() => expect(estimateButton().disabled).toBe(false));
    fireEvent.change(screen.getByLabelText("Language"), { target: { value: "de" } });
    fireEvent.click(estimateButton());
    expect((await screen.findByRole("status")).textContent).toBe(
      "Hosted calls estimated at $0.00: 2 model requests (about 1000 tokens).",
    );
    expect(sent).toHaveLength(1);
    expect((sent[0].get("file") as File).name).toBe("talk.pdf");
    expect(sent[0].get("language")).toBe("de");
    fireEvent.change(screen.getByLabelText("Language"), { target: { value: "fr" } });
    expect(screen.queryByRole("status")).toBeNull(); // said of other choices: gone
  });

  it("says when nothing is hosted, and why there is no estimate when the server cannot make one", async () => {
    serve(json({ llm_requests: 0, llm_input_tokens: 0, llm_output_tokens: 0, tts_characters: 0, cost_usd: 0 }));
    render(<NewVideo />);
    pick(deck("talk.pdf", PDF, 100));
    await waitFor(() => expect(estimateButton().disabled).toBe(false));
    fireEvent.click(estimateButton());
    expect((await screen.findByRole("status")).textContent).toBe(
      "No hosted calls: everything runs on the server, at no cost.",
    );
    cleanup();
    serve(json({ detail: "no scripter service is running to read the deck; start one" }, 503));
    render(<NewVideo />);
    pick(deck("talk.pdf", PDF, 100));
    await waitFor(() => expect(estimateButton().disabled).toBe(false));
    fireEvent.click(estimateButton());
    expect((await screen.findByRole("alert")).textContent).toBe(
      "The cost could not be estimated: no scripter service is running to read the deck; start one",
    );
  });
});
