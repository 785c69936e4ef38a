// The script editor shown while a job waits for review: each slide's narration, editable;
// approving sends only the changed slides and lets voicing start.
import { useEffect, useState } from "react";
import { ApiError, approveScript, getScript } from "../api";
import type { ScriptLine } from "../types";

export function ScriptReview({ jobId, onApproved }: { jobId: string; onApproved: () => void }) {
  const [lines, setLines] = useState<ScriptLine[] | null>(null);
  const [drafts, setDrafts] = useState<Record<number, string>>({});
  const [error, setError] = useState<string | null>(null);
  const [sending, setSending] = useState(false);

  useEffect(() => {
    getScript(jobId).then(
      (script) => setLines(script.slides),
      (caught: unknown) => setError(caught instanceof ApiError ? caught.message : String(caught)),
    );
  }, [jobId]);

  const approve = async () => {
    if (!lines) return;
    const edits = lines
      .filter((line) => drafts[line.slide] !== undefined && drafts[line.slide] !== line.narration)
      .map((line) => ({ slide: line.slide, narration: drafts[line.slide] }));
    setSending(true);
    setError(null);
    try {
      await approveScript(jobId, edits);
      onApproved();
    } catch (caught) {
      setError(caught instanceof ApiError ? caught.message : String(caught));
    } finally {
      setSending(false);
    }
  };

  return (
    <section className="panel script-review" aria-labelledby="review-heading">
      <h2 id="review-heading">Review the script</h2>
      <p className="small">
        Nothing is voiced until you approve. Change any slide's narration; an empty one holds the
        slide briefly in silence.
      </p>
      {lines === null && !error && <p className="muted">Loading the script…</p>}
      {lines?.map((line) => (
        <label key={line.slide} className="script-line">
          <span>
            <strong>Slide {line.slide}</strong> {line.title}
          </span>
          <textarea
            rows={Math.min(8, Math.max(2, Math.ceil(line.narration.length / 80)))}
            value={drafts[line.slide] ?? line.narration}
            onChange={(event) => setDrafts({ ...drafts, [line.slide]: event.target.value })}
          />
        </label>
      ))}
      {error && (
        <p role="alert" className="error">
          {error}
        </p>
      )}
      <button type="button" className="primary" disabled={!lines || sending} onClick={() => void approve()}>
        Approve and voice it
      </button>
    </section>
  );
}
