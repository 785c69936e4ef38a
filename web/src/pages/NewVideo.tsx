// Upload a deck and choose how it is narrated; checks the file before sending it, can say
// what its hosted calls would cost first, and shows the real upload progress.
import { useId, useRef, useState } from "react";
import type { UploadHandle } from "../api";
import { estimateCost, uploadDeck } from "../api";
import { estimateWords } from "../components/CostEstimate";
import { OptionsFields } from "../components/OptionsFields";
import type { Choices } from "../options";
import { choicesFrom, choicesProblem, chosenOptions, DEFAULT_OPTIONS, uploadFields } from "../options";
import { href } from "../router";
import type { OutputFormat } from "../types";
import { deckProblem, isLocked, MAX_DECK_BYTES, readHead, signatureProblem } from "../upload";

const MAKE_WORDS: Record<OutputFormat, string> = {
  video: "Make the video",
  podcast: "Make the podcast",
  both: "Make the video and the podcast",
};

export function NewVideo({ maxBytes = MAX_DECK_BYTES }: { maxBytes?: number }) {
  const [file, setFile] = useState<File | null>(null);
  const [fileProblem, setFileProblem] = useState<string | null>(null);
  /** The deck is password-protected: it cannot be sent without its password. */
  const [locked, setLocked] = useState(false);
  const [password, setPassword] = useState("");
  const [dragging, setDragging] = useState(false);
  const [choices, setChoices] = useState(() => choicesFrom(DEFAULT_OPTIONS));
  const [sent, setSent] = useState<{ loaded: number; total: number } | null>(null);
  const [serverError, setServerError] = useState<string | null>(null);
  /** What the estimate said for the deck and choices as they are now (cleared when either changes). */
  const [estimated, setEstimated] = useState<{ words: string; failed: boolean } | null>(null);
  const [estimating, setEstimating] = useState(false);
  const upload = useRef<UploadHandle | null>(null);
  const ids = { file: useId(), fileHelp: useId(), password: useId(), passwordHelp: useId() };

  const choose = async (chosen: File | undefined) => {
    setServerError(null);
    setEstimated(null);
    if (!chosen) return;
    let problem = deckProblem(chosen, maxBytes);
    const head = problem ? null : await readHead(chosen);
    if (head) problem = signatureProblem(chosen.name, head);
    setFile(problem ? null : chosen);
    setFileProblem(problem);
    setLocked(head !== null && isLocked(chosen.name, head));
    setPassword("");
  };

  const uploading = sent !== null;
  const canSubmit = file !== null && !choicesProblem(choices) && !uploading && (!locked || password !== "");
  // A PDF's protection shows only on the server: its answer asks for the password.
  const askPassword = locked || (serverError !== null && /password/i.test(serverError));

  const fieldsToSend = () => {
    const fields = uploadFields(choices);
    if (password) fields.password = password; // opens the deck on the server, never stored
    return fields;
  };

  const chooseOptions = (chosen: Choices) => {
    setChoices(chosen);
    setEstimated(null);
  };

  const estimate = async () => {
    if (!file || !canSubmit) return;
    setEstimating(true);
    try {
      const counted = await estimateCost(file, fieldsToSend());
      setEstimated({ words: estimateWords(counted, chosenOptions(choices).max_cost ?? null), failed: false });
    } catch (caught) {
      const why = caught instanceof Error ? caught.message : String(caught);
      setEstimated({ words: `The cost could not be estimated: ${why}`, failed: true });
    } finally {
      setEstimating(false);
    }
  };

  const submit = async (event: React.FormEvent) => {
    event.preventDefault();
    if (!file || !canSubmit) return;
    const fields = fieldsToSend();
    setServerError(null);
    setSent({ loaded: 0, total: file.size });
    upload.current = uploadDeck(file, fields, (loaded, total) => setSent({ loaded, total }));
    try {
      window.location.hash = href.job(await upload.current.done);
    } catch (caught) {
      setServerError(caught instanceof Error ? caught.message : String(caught));
    } finally {
      setSent(null);
      upload.current = null;
    }
  };

  const percent = sent && sent.total ? Math.round((100 * sent.loaded) / sent.total) : 0;

  return (
    <form className="new-video" onSubmit={(event) => void submit(event)} noValidate>
      <h1>Turn a deck into a narrated video</h1>
      <div
        className={`drop-zone${dragging ? " dragging" : ""}${fileProblem ? " invalid" : ""}`}
        onDragOver={(event) => {
          event.preventDefault();
          setDragging(true);
        }}
        onDragLeave={() => setDragging(false)}
        onDrop={(event) => {
          event.preventDefault();
          setDragging(false);
          void choose(event.dataTransfer.files[0]);
        }}
      >
        <label htmlFor={ids.file}>
          <strong>{file ? file.name : "Drop a deck here, or choose one"}</strong>
        </label>
        <input
          id={ids.file}
          type="file"
          accept=".pptx,.ppsx,.pdf,application/pdf,application/vnd.openxmlformats-officedocument.presentationml.presentation"
          aria-describedby={ids.fileHelp}
          aria-invalid={fileProblem !== null}
          disabled={uploading}
          onChange={(event) => void choose(event.target.files?.[0])}
        />
        <p id={ids.fileHelp} className="muted">
          PowerPoint (.pptx, .ppsx) or PDF, up to {Math.round(maxBytes / (1024 * 1024))} MB.
        </p>
        {fileProblem && (
          <p role="alert" className="error">
            {fileProblem}
          </p>
        )}
        {file && askPassword && (
          <div className="deck-password">
            <label htmlFor={ids.password}>Password of the deck</label>
            <input
              id={ids.password}
              type="password"
              autoComplete="off"
              value={password}
              aria-describedby={ids.passwordHelp}
              disabled={uploading}
              onChange={(event) => setPassword(event.target.value)}
            />
            <p id={ids.passwordHelp} className="muted small">
              {locked ? "This deck is password-protected. " : ""}The server opens the deck with it and keeps only
              the opened copy, never the password.
            </p>
          </div>
        )}
      </div>

      <fieldset disabled={uploading}>
        <legend>Options</legend>
        <OptionsFields value={choices} onChange={chooseOptions} />
      </fieldset>

      {uploading && (
        <div className="upload-progress">
          <label>
            Uploading {file?.name}: {percent}%
            <progress max={100} value={percent} />
          </label>
          <button type="button" onClick={() => upload.current?.abort()}>
            Stop upload
          </button>
        </div>
      )}
      {serverError && (
        <p role="alert" className="error">
          {serverError}
        </p>
      )}
      {estimated && (
        <p role={estimated.failed ? "alert" : "status"} className={`small cost-estimate${estimated.failed ? " error" : ""}`}>
          {estimated.words}
        </p>
      )}
      <div className="actions">
        <button type="button" disabled={!canSubmit || estimating} onClick={() => void estimate()}>
          {estimating ? "Estimating…" : "Estimate the cost"}
        </button>
        <button type="submit" className="primary" disabled={!canSubmit}>
          {MAKE_WORDS[choices.format]}
        </button>
      </div>
    </form>
  );
}
