// A short sample of the chosen voice, spoken by a voice service, before anything is sent.
import { useEffect, useState } from "react";
import { ApiError, voiceSample } from "../api";
import { DEFAULT_OPTIONS, splitVoice } from "../options";

type Sample = { state: "idle" } | { state: "loading" } | { state: "ready"; url: string } | { state: "failed"; why: string };

/** `voice` is "provider/name", "" for the default voice; `action` is the button's words. */
export function VoicePreview({ voice, action = "Hear this voice" }: { voice: string; action?: string }) {
  const [sample, setSample] = useState<Sample>({ state: "idle" });

  useEffect(() => {
    setSample({ state: "idle" }); // another voice: the last sample is not its
  }, [voice]);
  useEffect(() => {
    const url = sample.state === "ready" ? sample.url : null;
    return () => {
      if (url) URL.revokeObjectURL(url);
    };
  }, [sample]);

  const listen = async () => {
    const chosen = splitVoice(voice);
    setSample({ state: "loading" });
    try {
      const audio = await voiceSample(chosen?.provider ?? DEFAULT_OPTIONS.voice_provider, chosen?.name ?? null);
      setSample({ state: "ready", url: URL.createObjectURL(audio) });
    } catch (caught) {
      setSample({ state: "failed", why: caught instanceof ApiError ? caught.message : String(caught) });
    }
  };

  const name = splitVoice(voice)?.name ?? "the default voice";
  return (
    <div className="voice-preview">
      <button type="button" onClick={() => void listen()} disabled={sample.state === "loading"}>
        {sample.state === "loading" ? "Preparing a sample…" : action}
      </button>
      {sample.state === "ready" && (
        <audio controls autoPlay src={sample.url} aria-label={`A sample of ${name}`} />
      )}
      {sample.state === "failed" && (
        <p role="alert" className="error">
          No sample of {name}: {sample.why}
        </p>
      )}
    </div>
  );
}
