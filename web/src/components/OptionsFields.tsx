// The options of a job, as form controls: used by the new video form and the re-run form.
import { useEffect, useId, useState } from "react";
import { listVoices } from "../api";
import { NARRATIONS, SUBTITLES } from "../choices";
import type { Choices } from "../options";
import { choicesProblem, sizeChoices, splitVoice } from "../options";
import type { NarrationMode, SubtitlesMode, Voice } from "../types";
import { VoicePreview } from "./VoicePreview";

interface Props {
  value: Choices;
  onChange: (next: Choices) => void;
}

export function OptionsFields({ value, onChange }: Props) {
  const voices = useVoices();
  const ids = { language: useId(), languageHelp: useId() };
  const set = <K extends keyof Choices>(name: K, chosen: Choices[K]) => onChange({ ...value, [name]: chosen });
  const langProblem = choicesProblem(value);

  return (
    <>
      <label>
        Narration
        <select value={value.narration} onChange={(e) => set("narration", e.target.value as NarrationMode)}>
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
        value={value.language}
        placeholder="the deck's own"
        aria-describedby={ids.languageHelp}
        aria-invalid={langProblem !== null}
        onChange={(e) => set("language", e.target.value)}
      />
      <p id={ids.languageHelp} className={langProblem ? "error" : "muted"} role={langProblem ? "alert" : undefined}>
        {langProblem ?? "A language tag such as en, de or pt-BR; empty narrates in the deck's language."}
      </p>
      <div className="voice-choice">
        <label>
          Voice
          <select value={value.voice} onChange={(e) => set("voice", e.target.value)}>
            <option value="">Default voice</option>
            {voiceOptions(voices, value.voice).map((item) => (
              <option key={`${item.provider}/${item.name}`} value={`${item.provider}/${item.name}`}>
                {item.name} ({item.language ? `${item.provider}, ${item.language}` : item.provider})
              </option>
            ))}
          </select>
        </label>
        <VoicePreview voice={value.voice} />
      </div>
      <label>
        Subtitles
        <select value={value.subtitles} onChange={(e) => set("subtitles", e.target.value as SubtitlesMode)}>
          {SUBTITLES.map((option) => (
            <option key={option.value} value={option.value}>
              {option.label}
            </option>
          ))}
        </select>
      </label>
      <label>
        Resolution
        <select value={value.size} onChange={(e) => set("size", e.target.value)}>
          {sizeChoices(value.size).map((option) => (
            <option key={option.value} value={option.value}>
              {option.label}
            </option>
          ))}
        </select>
      </label>
      <label className="check">
        <input type="checkbox" checked={value.avatar} onChange={(e) => set("avatar", e.target.checked)} />
        Show a talking presenter in a corner
      </label>
      <label className="check">
        <input type="checkbox" checked={value.review} onChange={(e) => set("review", e.target.checked)} />
        Let me review the script before it is voiced
      </label>
    </>
  );
}

/** The voices the running voice services offer; none if the list cannot be had (the
 * server's default voice still works). */
function useVoices(): Voice[] {
  const [voices, setVoices] = useState<Voice[]>([]);
  useEffect(() => {
    listVoices().then(setVoices, () => setVoices([]));
  }, []);
  return voices;
}

/** The offered voices, plus the chosen one if no service offers it (a job made elsewhere). */
function voiceOptions(voices: Voice[], chosen: string): Voice[] {
  const split = splitVoice(chosen);
  if (!split || voices.some((v) => v.provider === split.provider && v.name === split.name)) return voices;
  return [...voices, { ...split, language: "" }];
}
