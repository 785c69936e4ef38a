// The slides × stages grid: one row per slide, one cell per stage, each cell's status in
// words (for screen readers and tooltips) and as a colour and symbol.
import { slideImageUrl } from "../api";
import type { CellStatus } from "../stages";
import { COLUMN_LABELS, COLUMNS, gridRows, slideOf } from "../stages";
import type { JobState } from "../types";

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
  if (rows.length === 0) {
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
          {rows.map((row) => (
            <tr key={row.number} data-testid={`slide-row-${row.number}`}>
              <th scope="row">
                <div className="slide-head">
                {row.cells.render.status === "done" ? (
                  <img
                    className="thumb"
                    src={slideOf(state, row.number).image_url ?? slideImageUrl(state.job_id, row.number)}
                    alt=""
                    loading="lazy"
                  />
                ) : (
                  <span className="thumb thumb-empty" aria-hidden="true" />
                )}
                <span className="slide-title">
                  <span className="slide-number">{row.number}</span> {row.title}
                </span>
                </div>
              </th>
              {COLUMNS.map((column) => {
                const cell = row.cells[column];
                return (
                  <td
                    key={column}
                    className={`cell cell-${cell.status}`}
                    data-status={cell.status}
                    title={cell.detail}
                    tabIndex={0}
                  >
                    <span aria-hidden="true">{SYMBOLS[cell.status]}</span>
                    <span className="visually-hidden">
                      {COLUMN_LABELS[column]}: {cell.detail}
                    </span>
                  </td>
                );
              })}
            </tr>
          ))}
        </tbody>
      </table>
      <p className="legend small muted" aria-hidden="true">
        {(Object.keys(SYMBOLS) as CellStatus[]).map((status) => (
          <span key={status} className={`cell-${status}`}>
            {SYMBOLS[status]} <span className="muted">{WORDS[status]}</span>
          </span>
        ))}
        <span>Hover or focus a cell for details.</span>
      </p>
    </div>
  );
}
