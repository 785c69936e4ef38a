// The script editor shown while a job waits for review: each slide's narration, editable,
// and which block of the slide the pointer shows for each linked sentence; approving sends
// only the changed slides and lets voicing start.
import { useEffect, useState } from "react";
import { ApiError, approveScript, getScript } from "../api";
import { UNLINKED, pointerRows, scriptEdits } from "../scriptEdits";
import type { PointerLink, ScriptLine } from "../types";

export function ScriptReview({
  jobId,
  onApproved,
}: {
  jobId: string;
  onApproved: () => void;
}) {
  const [lines, setLines] = useState<ScriptLine[] | null>(null);
  const [drafts, setDrafts] = useState<Record<number, string>>({});
  const [links, setLinks] = useState<Record<number, PointerLink[]>>({});
  const [error, setError] = useState<string | null>(null);
  const [sending, setSending] = useState(false);

  useEffect(() => {
    getScript(jobId).then(
      (script) => setLines(script.slides),
      (caught: unknown) =>
        setError(caught instanceof ApiError ? caught.message : String(caught)),
    );
  }, [jobId]);

  const approve = async () => {
    if (!lines) return;
    const edits = scriptEdits(lines, drafts, links);
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
        Nothing is voiced until you approve. Change any slide's narration; an
        empty one holds the slide briefly in silence.
      </p>
      {lines === null && !error && <p className="muted">Loading the script…</p>}
      {lines?.map((line) => (
        <div key={line.slide} className="script-line">
          <label>
            <span>
              <strong>Slide {line.slide}</strong> {line.title}
            </span>
            <textarea
              rows={Math.min(
                8,
                Math.max(2, Math.ceil(line.narration.length / 80)),
              )}
              value={drafts[line.slide] ?? line.narration}
              onChange={(event) =>
                setDrafts({ ...drafts, [line.slide]: event.target.value })
              }
            />
          </label>
          <PointerLinks
            line={line}
            links={pointerRows(
              drafts[line.slide] ?? line.narration,
              links[line.slide] ?? line.links,
            )}
            onChange={(changed) =>
              setLinks({ ...links, [line.slide]: changed })
            }
          />
        </div>
      ))}
      {error && (
        <p role="alert" className="error">
          {error}
        </p>
      )}
      <button
        type="button"
        className="primary"
        disabled={!lines || sending}
        onClick={() => void approve()}
      >
        Approve and voice it
      </button>
    </section>
  );
}

/** Each sentence of a slide with the block the pointer marks while it is said, which a
 * person may point elsewhere, at nothing, or (for a sentence not linked yet) at a block. */
function PointerLinks({
  line,
  links,
  onChange,
}: {
  line: ScriptLine;
  links: PointerLink[];
  onChange: (links: PointerLink[]) => void;
}) {
  if (links.length === 0 || line.blocks.length === 0) return null;
  return (
    <ul
      className="pointer-links small"
      aria-label={`What the pointer marks on slide ${line.slide}`}
    >
      {links.map((link, index) => (
        <li key={`${index}-${link.sentence}`}>
          <label>
            “{link.sentence}” marks{" "}
            <select
              value={link.block}
              onChange={(event) =>
                onChange(
                  links.map((l, i) =>
                    i === index
                      ? { ...l, block: Number(event.target.value) }
                      : l,
                  ),
                )
              }
            >
              <option value={UNLINKED}>nothing</option>
              {line.blocks.map((block, blockIndex) => (
                <option key={blockIndex} value={blockIndex}>
                  {block.text.length > 60
                    ? `${block.text.slice(0, 59)}…`
                    : block.text}
                </option>
              ))}
            </select>
          </label>
        </li>
      ))}
    </ul>
  );
}
