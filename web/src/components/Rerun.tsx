// Re-run a job with some options changed: a new job on the same deck, reusing every
// artifact the change does not touch (the server decides what can be reused).
import { useEffect, useState } from "react";
import { ApiError, listVoices, rerunJob } from "../api";
import { NARRATIONS, SUBTITLES } from "../choices";
import { href } from "../router";
import type { JobOptions, NarrationMode, SubtitlesMode, Voice } from "../types";
import { languageProblem } from "../upload";

/** Only what differs from the job's options is sent. */
export function optionChanges(current: JobOptions, chosen: Partial<JobOptions>): Partial<JobOptions> {
  return Object.fromEntries(
    Object.entries(chosen).filter(([name, value]) => current[name as keyof JobOptions] !== value),
  );
}

export function Rerun({ jobId, options }: { jobId: string; options: JobOptions }) {
  const [narration, setNarration] = useState<NarrationMode>(options.narration);
  const [language, setLanguage] = useState(options.language ?? "");
  const [voice, setVoice] = useState(options.voice ? `${options.voice_provider}/${options.voice}` : "");
  const [subtitles, setSubtitles] = useState<SubtitlesMode>(options.subtitles);
  const [avatar, setAvatar] = useState(options.avatar);
  const [voices, setVoices] = useState<Voice[]>([]);
  const [error, setError] = useState<string | null>(null);
  const [sending, setSending] = useState(false);

  useEffect(() => {
    listVoices().then(setVoices, () => setVoices([]));
  }, []);

  const slash = voice.indexOf("/");
  const changes = optionChanges(options, {
    narration,
    language: language.trim() || null,
    voice_provider: slash > 0 ? voice.slice(0, slash) : options.voice_provider,
    voice: slash > 0 ? voice.slice(slash + 1) : null,
    subtitles,
    avatar,
  });
  const langProblem = languageProblem(language);
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
          <label>
            Narration
            <select value={narration} onChange={(e) => setNarration(e.target.value as NarrationMode)}>
              {NARRATIONS.map((option) => (
                <option key={option.value} value={option.value}>
                  {option.label}
                </option>
              ))}
            </select>
          </label>
          <label>
            Language
            <input
              value={language}
              placeholder="the deck's own"
              aria-invalid={langProblem !== null}
              onChange={(e) => setLanguage(e.target.value)}
            />
          </label>
          {langProblem && (
            <p role="alert" className="error">
              {langProblem}
            </p>
          )}
          <label>
            Voice
            <select value={voice} onChange={(e) => setVoice(e.target.value)}>
              <option value="">Default voice</option>
              {voices.map((item) => (
                <option key={`${item.provider}/${item.name}`} value={`${item.provider}/${item.name}`}>
                  {item.name} ({item.provider}, {item.language})
                </option>
              ))}
            </select>
          </label>
          <label>
            Subtitles
            <select value={subtitles} onChange={(e) => setSubtitles(e.target.value as SubtitlesMode)}>
              {SUBTITLES.map((option) => (
                <option key={option.value} value={option.value}>
                  {option.label}
                </option>
              ))}
            </select>
          </label>
          <label className="check">
            <input type="checkbox" checked={avatar} onChange={(e) => setAvatar(e.target.checked)} />
            Show a talking presenter in a corner
          </label>
        </fieldset>
        {error && (
          <p role="alert" className="error">
            {error}
          </p>
        )}
        <button type="submit" className="primary" disabled={sending || nothingChanged || langProblem !== null}>
          {nothingChanged ? "Change an option to re-run" : "Re-run as a new job"}
        </button>
      </form>
    </details>
  );
}
