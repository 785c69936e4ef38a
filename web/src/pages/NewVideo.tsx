// Upload a deck and choose how it is narrated; checks the file before sending it and shows
// the real upload progress.
import { useEffect, useId, useRef, useState } from "react";
import type { UploadHandle } from "../api";
import { listVoices, uploadDeck } from "../api";
import { href } from "../router";
import { NARRATIONS, RESOLUTIONS, SUBTITLES } from "../choices";
import type { NarrationMode, SubtitlesMode, Voice } from "../types";
import { deckProblem, languageProblem, MAX_DECK_BYTES, readHead, signatureProblem } from "../upload";

export function NewVideo({ maxBytes = MAX_DECK_BYTES }: { maxBytes?: number }) {
  const [file, setFile] = useState<File | null>(null);
  const [fileProblem, setFileProblem] = useState<string | null>(null);
  const [dragging, setDragging] = useState(false);
  const [narration, setNarration] = useState<NarrationMode>("auto");
  const [language, setLanguage] = useState("");
  const [voice, setVoice] = useState("");
  const [voices, setVoices] = useState<Voice[]>([]);
  const [subtitles, setSubtitles] = useState<SubtitlesMode>("sidecar");
  const [resolution, setResolution] = useState(0);
  const [review, setReview] = useState(false);
  const [avatar, setAvatar] = useState(false);
  const [sent, setSent] = useState<{ loaded: number; total: number } | null>(null);
  const [serverError, setServerError] = useState<string | null>(null);
  const upload = useRef<UploadHandle | null>(null);
  const ids = { file: useId(), fileHelp: useId(), language: useId(), languageHelp: useId() };

  useEffect(() => {
    listVoices().then(setVoices, () => setVoices([])); // no list: the server's default voice
  }, []);

  const choose = async (chosen: File | undefined) => {
    setServerError(null);
    if (!chosen) return;
    let problem = deckProblem(chosen, maxBytes);
    if (!problem) problem = signatureProblem(chosen.name, await readHead(chosen));
    setFile(problem ? null : chosen);
    setFileProblem(problem);
  };

  const langProblem = languageProblem(language);
  const uploading = sent !== null;
  const canSubmit = file !== null && !langProblem && !uploading;

  const submit = async (event: React.FormEvent) => {
    event.preventDefault();
    if (!file || !canSubmit) return;
    const size = RESOLUTIONS[resolution];
    const slash = voice.indexOf("/"); // "provider/name"; a name may hold more slashes
    const provider = voice.slice(0, Math.max(0, slash));
    const name = voice.slice(slash + 1);
    const fields: Record<string, string> = {
      width: String(size.width),
      height: String(size.height),
      narration,
      subtitles,
      review: String(review),
      avatar: String(avatar),
    };
    if (language.trim()) fields.language = language.trim();
    if (provider) fields.voice_provider = provider;
    if (name) fields.voice = name;
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
      </div>

      <fieldset disabled={uploading}>
        <legend>Options</legend>
        <label>
          Narration
          <select value={narration} onChange={(event) => setNarration(event.target.value as NarrationMode)}>
            {NARRATIONS.map((option) => (
              <option key={option.value} value={option.value}>
                {option.label}
              </option>
            ))}
          </select>
        </label>
        <label htmlFor={ids.language}>Language</label>
        <input
          id={ids.language}
          value={language}
          placeholder="the deck's own"
          aria-describedby={ids.languageHelp}
          aria-invalid={langProblem !== null}
          onChange={(event) => setLanguage(event.target.value)}
        />
        <p id={ids.languageHelp} className={langProblem ? "error" : "muted"} role={langProblem ? "alert" : undefined}>
          {langProblem ?? "A language tag such as en, de or pt-BR; empty narrates in the deck's language."}
        </p>
        <label>
          Voice
          <select value={voice} onChange={(event) => setVoice(event.target.value)}>
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
          <select value={subtitles} onChange={(event) => setSubtitles(event.target.value as SubtitlesMode)}>
            {SUBTITLES.map((option) => (
              <option key={option.value} value={option.value}>
                {option.label}
              </option>
            ))}
          </select>
        </label>
        <label>
          Resolution
          <select value={resolution} onChange={(event) => setResolution(Number(event.target.value))}>
            {RESOLUTIONS.map((option, index) => (
              <option key={option.label} value={index}>
                {option.label}
              </option>
            ))}
          </select>
        </label>
        <label className="check">
          <input type="checkbox" checked={avatar} onChange={(event) => setAvatar(event.target.checked)} />
          Show a talking presenter in a corner
        </label>
        <label className="check">
          <input type="checkbox" checked={review} onChange={(event) => setReview(event.target.checked)} />
          Let me review the script before it is voiced
        </label>
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
      <button type="submit" className="primary" disabled={!canSubmit}>
        Make the video
      </button>
    </form>
  );
}
