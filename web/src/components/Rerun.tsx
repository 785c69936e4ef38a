// Re-run a job with some options changed: a new job on the same deck, reusing every
// artifact the change does not touch (the server decides what can be reused).
import { useState } from "react";
import { ApiError, rerunJob } from "../api";
import { choicesFrom, choicesProblem, chosenOptions, optionChanges } from "../options";
import { href } from "../router";
import type { JobOptions } from "../types";
import { OptionsFields } from "./OptionsFields";

export function Rerun({ jobId, options }: { jobId: string; options: JobOptions }) {
  const [choices, setChoices] = useState(() => choicesFrom(options));
  const [error, setError] = useState<string | null>(null);
  const [sending, setSending] = useState(false);

  const changes = optionChanges(options, chosenOptions(choices, options));
  const nothingChanged = Object.keys(changes).length === 0;

  const submit = async (event: React.FormEvent) => {
    event.preventDefault();
    setSending(true);
    setError(null);
    try {
      window.location.hash = href.job(await rerunJob(jobId, changes));
    } catch (caught) {
      setError(caught instanceof ApiError ? caught.message : String(caught));
    } finally {
      setSending(false);
    }
  };

  return (
    <details className="panel rerun">
      <summary>Re-run with other options</summary>
      <form onSubmit={(event) => void submit(event)} noValidate>
        <fieldset disabled={sending}>
          <legend className="visually-hidden">Options for the new run</legend>
          <OptionsFields value={choices} onChange={setChoices} />
        </fieldset>
        {error && (
          <p role="alert" className="error">
            {error}
          </p>
        )}
        <button type="submit" className="primary" disabled={sending || nothingChanged || choicesProblem(choices) !== null}>
          {nothingChanged ? "Change an option to re-run" : "Re-run as a new job"}
        </button>
      </form>
    </details>
  );
}
