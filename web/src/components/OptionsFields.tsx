// The options of a job, as form controls: used by the new video form and the re-run form.
import { useEffect, useId, useState } from "react";
import { listVoices } from "../api";
import { AVATAR_POSITIONS, AVATARS, FORMATS, NARRATIONS, POINTERS, SUBTITLES } from "../choices";
import type { Choices } from "../options";
import {
  chosenProvider,
  maxCostProblem,
  podcastMinutesProblem,
  rateChoices,
  sizeChoices,
  splitVoice,
  wantsPodcast,
  wantsVideo,
} from "../options";
import type { Voice } from "../types";
import { languageProblem, slidesProblem } from "../upload";
import { VoicePreview } from "./VoicePreview";

interface Props {
  value: Choices;
  onChange: (next: Choices) => void;
}

/** A labelled select of fixed choices. */
function Pick<T extends string>({
  label,
  value,
  choices,
  onPick,
}: {
  label: string;
  value: T;
  choices: { value: T; label: string }[];
  onPick: (chosen: T) => void;
}) {
  return (
    <label>
      {label}
      <select value={value} onChange={(e) => onPick(e.target.value as T)}>
        {choices.map((option) => (
          <option key={option.value} value={option.value}>
            {option.label}
          </option>
        ))}
      </select>
    </label>
  );
}

/** A text input with its label and a line of help that turns into the problem, if any. */
function TypedField({
  label,
  value,
  placeholder,
  help,
  problem,
  inputMode,
  onType,
}: {
  label: string;
  value: string;
  placeholder: string;
  help: string;
  problem: string | null;
  inputMode?: "decimal";
  onType: (typed: string) => void;
}) {
  const ids = { input: useId(), help: useId() };
  return (
    <>
      <label htmlFor={ids.input}>{label}</label>
      <input
        id={ids.input}
        value={value}
        placeholder={placeholder}
        inputMode={inputMode}
        aria-describedby={ids.help}
        aria-invalid={problem !== null}
        onChange={(e) => onType(e.target.value)}
      />
      <p id={ids.help} className={problem ? "error" : "muted"} role={problem ? "alert" : undefined}>
        {problem ?? help}
      </p>
    </>
  );
}

export function OptionsFields({ value, onChange }: Props) {
  const voices = useVoices();
  const set = <K extends keyof Choices>(name: K, chosen: Choices[K]) => onChange({ ...value, [name]: chosen });
  const provider = chosenProvider(value);
  const providerVoices = voices.filter((voice) => voice.provider === provider);
  const voiceNames = (empty: string, chosen: string) => [
    { value: "", label: empty },
    ...namedVoices(providerVoices, provider, chosen).map((v) => ({ value: v.name, label: voiceLabel(v) })),
  ];

  return (
    <>
      <Pick label="What to make" value={value.format} choices={FORMATS} onPick={(chosen) => set("format", chosen)} />
      <Pick label="Narration" value={value.narration} choices={NARRATIONS} onPick={(c) => set("narration", c)} />
      <TypedField
        label="Language"
        value={value.language}
        placeholder="the deck's own"
        help="A language tag such as en, de or pt-BR; empty narrates in the deck's language."
        problem={languageProblem(value.language)}
        onType={(typed) => set("language", typed)}
      />
      <TypedField
        label="Slides"
        value={value.slides}
        placeholder="all of them"
        help="Only these of the deck's slides, numbered as in the deck: 3-7,9. Empty narrates every slide."
        problem={slidesProblem(value.slides)}
        onType={(typed) => set("slides", typed)}
      />
      <div className="voice-choice">
        <label>
          Voice
          <select value={value.voice} onChange={(e) => set("voice", e.target.value)}>
            <option value="">Default voice</option>
            {voiceOptions(voices, value.voice).map((item) => (
              <option key={`${item.provider}/${item.name}`} value={`${item.provider}/${item.name}`}>
                {voiceLabel(item)}
              </option>
            ))}
          </select>
        </label>
        <VoicePreview voice={value.voice} />
      </div>
      <Pick label="Pace" value={value.rate} choices={rateChoices(value.rate)} onPick={(chosen) => set("rate", chosen)} />
      {wantsPodcast(value.format) && (
        <>
          <TypedField
            label="Podcast length in minutes"
            value={value.podcastMinutes}
            placeholder="as long as it takes"
            help="The length the two voices aim for; empty lets the talk take as long as the deck needs."
            problem={podcastMinutesProblem(value.podcastMinutes)}
            inputMode="decimal"
            onType={(typed) => set("podcastMinutes", typed)}
          />
          <div className="voice-choice">
            <Pick
              label="The host's voice"
              value={value.hostVoice}
              choices={voiceNames("The narration voice", value.hostVoice)}
              onPick={(chosen) => set("hostVoice", chosen)}
            />
            <VoicePreview voice={value.hostVoice ? `${provider}/${value.hostVoice}` : value.voice} action="Hear the host" />
          </div>
          <div className="voice-choice">
            <Pick
              label="The guest's voice"
              value={value.guestVoice}
              choices={voiceNames("One unlike the host's, chosen for you", value.guestVoice)}
              onPick={(chosen) => set("guestVoice", chosen)}
            />
            {/* The voice chosen for the guest is only known when the podcast is voiced. */}
            {value.guestVoice && <VoicePreview voice={`${provider}/${value.guestVoice}`} action="Hear the guest" />}
          </div>
        </>
      )}
      {wantsVideo(value.format) && (
        <>
          <Pick label="Subtitles" value={value.subtitles} choices={SUBTITLES} onPick={(c) => set("subtitles", c)} />
          <Pick label="Pointer" value={value.pointer} choices={POINTERS} onPick={(c) => set("pointer", c)} />
          <Pick label="Resolution" value={value.size} choices={sizeChoices(value.size)} onPick={(c) => set("size", c)} />
          <Pick label="Presenter" value={value.avatar} choices={AVATARS} onPick={(chosen) => set("avatar", chosen)} />
          {value.avatar !== "none" && (
            <Pick
              label="The presenter's corner"
              value={value.avatarPosition}
              choices={AVATAR_POSITIONS}
              onPick={(chosen) => set("avatarPosition", chosen)}
            />
          )}
        </>
      )}
      <TypedField
        label="Cost limit in US dollars"
        value={value.maxCost}
        placeholder="no limit"
        help="Hosted calls (a language model, a hosted voice, HeyGen) are estimated before any is made; above this the job stops and nothing is sent."
        problem={maxCostProblem(value.maxCost)}
        inputMode="decimal"
        onType={(typed) => set("maxCost", typed)}
      />
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

function voiceLabel(voice: Voice): string {
  return `${voice.name} (${voice.language ? `${voice.provider}, ${voice.language}` : voice.provider})`;
}

/** The offered voices, plus the chosen one if no service offers it (a job made elsewhere). */
function voiceOptions(voices: Voice[], chosen: string): Voice[] {
  const split = splitVoice(chosen);
  if (!split || voices.some((v) => v.provider === split.provider && v.name === split.name)) return voices;
  return [...voices, { ...split, language: "", description: "" }];
}

/** A provider's voices, plus the chosen name if none of them has it. */
function namedVoices(voices: Voice[], provider: string, chosen: string): Voice[] {
  if (!chosen || voices.some((v) => v.name === chosen)) return voices;
  return [...voices, { provider, name: chosen, language: "", description: "" }];
}
