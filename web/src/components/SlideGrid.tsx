// The slides × stages grid: one row per slide, one cell per stage, each cell's status in
// words (for screen readers and tooltips) and as a colour and symbol. Choosing a slide opens
// its details in words and its narration: no hovering needed, so it works on a phone.
import { Fragment, useState } from "react";
import { slideImageUrl } from "../api";
import { mediaUrl } from "../session";
import type { CellStatus } from "../stages";
import { COLUMN_LABELS, COLUMNS, gridRows, slideOf } from "../stages";
import type { JobState } from "../types";
import { isTerminal } from "../types";

const WORDS: Record<CellStatus, string> = {
  waiting: "waiting",
  queued: "queued",
  running: "working",
  done: "done",
  failed: "failed",
  stopped: "stopped",
  skipped: "not asked for",
};

const SYMBOLS: Record<CellStatus, string> = {
  waiting: "·",
  queued: "…",
  running: "◐",
  done: "✓",
  failed: "✕",
  stopped: "■",
  skipped: "–",
};

export function SlideGrid({ state }: { state: JobState }) {
  const rows = gridRows(state);
  const [opened, setOpened] = useState<ReadonlySet<number>>(new Set());
  const toggle = (number: number) => {
    const next = new Set(opened);
    if (!next.delete(number)) next.add(number);
    setOpened(next);
  };
  if (rows.length === 0) {
    if (isTerminal(state.status)) return null; // it ended before the deck was read
    return <p className="muted">{state.progress.scripter ?? "Reading the deck…"}</p>;
  }
  return (
    <div className="grid-scroll">
      <table className="slide-grid">
        <caption className="visually-hidden">Each slide's progress through the stages</caption>
        <thead>
          <tr>
            <th scope="col">Slide</th>
            {COLUMNS.map((column) => (
              <th scope="col" key={column}>
                {COLUMN_LABELS[column]}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map((row) => {
            const slide = slideOf(state, row.number);
            const open = opened.has(row.number);
            return (
              <Fragment key={row.number}>
                <tr data-testid={`slide-row-${row.number}`}>
                  <th scope="row">
                    <button
                      type="button"
                      className="slide-head"
                      aria-expanded={open}
                      aria-controls={`slide-details-${row.number}`}
                      onClick={() => toggle(row.number)}
                    >
                      {row.cells.render.status === "done" ? (
                        <img
                          className="thumb"
                          src={slide.image_url ? mediaUrl(slide.image_url, state.job_id) : slideImageUrl(state.job_id, row.number)}
                          alt=""
                          loading="lazy"
                        />
                      ) : (
                        <span className="thumb thumb-empty" aria-hidden="true" />
                      )}
                      <span className="slide-title">
                        <span className="slide-number">{row.number}</span> {row.title}
                      </span>
                    </button>
                  </th>
                  {COLUMNS.map((column) => {
                    const cell = row.cells[column];
                    return (
                      <td
                        key={column}
                        className={`cell cell-${cell.status}`}
                        data-status={cell.status}
                        title={cell.detail}
                      >
                        <span aria-hidden="true">{SYMBOLS[cell.status]}</span>
                        <span className="visually-hidden">
                          {COLUMN_LABELS[column]}: {cell.detail}
                        </span>
                      </td>
                    );
                  })}
                </tr>
                {open && (
                  <tr className="slide-details" id={`slide-details-${row.number}`}>
                    <td colSpan={COLUMNS.length + 1}>
                      <dl>
                        {COLUMNS.map((column) => (
                          <div key={column}>
                            <dt>{COLUMN_LABELS[column]}</dt>
                            <dd>{row.cells[column].detail}</dd>
                          </div>
                        ))}
                      </dl>
                      {slide.narration && <blockquote className="narration">{slide.narration}</blockquote>}
                    </td>
                  </tr>
                )}
              </Fragment>
            );
          })}
        </tbody>
      </table>
      <p className="legend small muted" aria-hidden="true">
        {(Object.keys(SYMBOLS) as CellStatus[]).map((status) => (
          <span key={status} className={`cell-${status}`}>
            {SYMBOLS[status]} <span className="muted">{WORDS[status]}</span>
          </span>
        ))}
        <span>Choose a slide for the details and its narration.</span>
      </p>
    </div>
  );
}
