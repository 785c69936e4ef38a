// The debugging view: the job's log as a timeline, filtered by stage, slide and type, each
// event's raw JSON, and the state the server folds up to any event.
import { useState } from "react";
import { ApiError, getJob } from "../api";
import { CopyText } from "../components/CopyText";
import { StatusBadge } from "../components/StatusBadge";
import type { EventFilter, EventStage } from "../eventFilter";
import { eventSlide, eventStage, filterChoices, filterEvents, NO_FILTER, summarize } from "../eventFilter";
import { offset } from "../format";
import { useJobFeed } from "../live";
import { href } from "../router";
import { gridRows } from "../stages";
import type { JobState, LogEvent } from "../types";

export function EventFilters({
  events,
  filter,
  onChange,
}: {
  events: LogEvent[];
  filter: EventFilter;
  onChange: (filter: EventFilter) => void;
}) {
  const choices = filterChoices(events);
  return (
    <fieldset className="filters">
      <legend>Show only</legend>
      <label>
        Stage
        <select value={filter.stage} onChange={(e) => onChange({ ...filter, stage: e.target.value as EventStage | "" })}>
          <option value="">all stages</option>
          {choices.stages.map((stage) => (
            <option key={stage} value={stage}>
              {stage}
            </option>
          ))}
        </select>
      </label>
      <label>
        Slide
        <select
          value={filter.slide ?? ""}
          onChange={(e) => onChange({ ...filter, slide: e.target.value ? Number(e.target.value) : null })}
        >
          <option value="">all slides</option>
          {choices.slides.map((slide) => (
            <option key={slide} value={slide}>
              slide {slide}
            </option>
          ))}
        </select>
      </label>
      <label>
        Type
        <select value={filter.type} onChange={(e) => onChange({ ...filter, type: e.target.value })}>
          <option value="">all types</option>
          {choices.types.map((type) => (
            <option key={type} value={type}>
              {type}
            </option>
          ))}
        </select>
      </label>
      <button type="button" onClick={() => onChange(NO_FILTER)} disabled={filter === NO_FILTER}>
        Clear
      </button>
    </fieldset>
  );
}

export function EventTimeline({
  events,
  start,
  selected,
  onSelect,
}: {
  events: LogEvent[];
  start: string;
  selected: string | null;
  onSelect: (id: string) => void;
}) {
  return (
    <ol className="timeline">
      {events.map((event) => {
        const slide = eventSlide(event);
        return (
          <li key={event.id} className={`event event-${event.type.replace(".", "-")}`} data-selected={event.id === selected}>
            <details>
              <summary>
                <span className="event-time">{offset(event.ts, start)}</span>
                <span className="event-type">{event.type}</span>
                <span className="event-where">
                  {eventStage(event)}
                  {slide !== null && ` · slide ${slide}`}
                </span>
                <span className="event-summary">{summarize(event)}</span>
              </summary>
              <pre className="raw">{JSON.stringify(event, null, 2)}</pre>
              <button type="button" onClick={() => onSelect(event.id)}>
                State at this event
              </button>
            </details>
          </li>
        );
      })}
    </ol>
  );
}

function StateAt({ state, event }: { state: JobState; event: LogEvent }) {
  const rows = gridRows(state);
  return (
    <aside className="panel state-at" aria-label="State at the selected event">
      <h2>
        State after event {state.event_count}: <code>{event.type}</code>
      </h2>
      <p>
        <StatusBadge status={state.status} /> {state.slide_count ?? "?"} slides
        {state.error && <span className="error"> · {state.error}</span>}
      </p>
      {rows.length > 0 && (
        <ul className="small">
          {rows.map((row) => (
            <li key={row.number}>
              Slide {row.number}:{" "}
              {Object.entries(row.cells)
                .map(([column, cell]) => `${column} ${cell.status}`)
                .join(", ")}
            </li>
          ))}
        </ul>
      )}
      <details>
        <summary>The whole state as JSON</summary>
        <pre className="raw">{JSON.stringify(state, null, 2)}</pre>
      </details>
    </aside>
  );
}

export function EventLog({ jobId }: { jobId: string }) {
  const { state, events, error } = useJobFeed(jobId, true);
  const [filter, setFilter] = useState<EventFilter>(NO_FILTER);
  const [selected, setSelected] = useState<{ event: LogEvent; state: JobState } | null>(null);
  const [stateError, setStateError] = useState<string | null>(null);

  const select = async (id: string) => {
    const event = events.find((item) => item.id === id);
    if (!event) return;
    setStateError(null);
    try {
      setSelected({ event, state: await getJob(jobId, id) });
    } catch (caught) {
      setStateError(caught instanceof ApiError ? caught.message : String(caught));
    }
  };

  const shown = filterEvents(events, filter);
  return (
    <section>
      <div className="page-head">
        <h1>Event log{state ? `: ${state.filename}` : ""}</h1>
      </div>
      <nav className="tabs" aria-label="This job">
        <a href={href.job(jobId)}>Progress</a>
        {state?.status === "completed" && <a href={href.result(jobId)}>Watch the video</a>}
        <a href={href.events(jobId)} aria-current="page">
          Event log
        </a>
      </nav>
      <p className="small">The same log from a terminal:</p>
      <CopyText text={`slidespeaker events ${jobId} --json`} label="Copy the command" />
      {error && (
        <p role="alert" className="error">
          {error}
        </p>
      )}
      <EventFilters events={events} filter={filter} onChange={setFilter} />
      <p className="muted small" aria-live="polite">
        {shown.length} of {events.length} events
      </p>
      <div className="log-layout">
        <EventTimeline
          events={shown}
          start={events[0]?.ts ?? new Date().toISOString()}
          selected={selected?.event.id ?? null}
          onSelect={(id) => void select(id)}
        />
        {stateError && (
          <p role="alert" className="error">
            {stateError}
          </p>
        )}
        {selected && <StateAt state={selected.state} event={selected.event} />}
      </div>
    </section>
  );
}
