// The podcast: its audio, a chapter per slide (click to seek), and the dialogue with each
// speaker's name, the turn being spoken marked as it plays (click a turn to seek to it).
import { useEffect, useRef, useState } from "react";
import { ApiError, podcastDialogue } from "../api";
import { clock } from "../format";
import { podcastChapters, SPEAKER_WORDS, turnAt } from "../podcast";
import type { JobState, PodcastDialogue } from "../types";

interface Props {
  state: JobState;
  /** The URL of one of the job's files by name. */
  url: (name: string) => string;
}

export function PodcastPlayer({ state, url }: Props) {
  const audio = useRef<HTMLAudioElement>(null);
  const [time, setTime] = useState(0);
  const [dialogue, setDialogue] = useState<PodcastDialogue | null>(null);
  const [error, setError] = useState<string | null>(null);
  const dialogueUrl = url("podcast.json");

  useEffect(() => {
    podcastDialogue(dialogueUrl).then(setDialogue, (caught: unknown) =>
      setError(caught instanceof ApiError ? caught.message : String(caught)),
    );
  }, [dialogueUrl]);

  const seek = (start: number) => {
    if (!audio.current) return;
    audio.current.currentTime = start;
    setTime(start);
    void Promise.resolve(audio.current.play()).catch(() => undefined); // autoplay may be refused
  };
  const speaking = dialogue ? turnAt(dialogue, time) : null;
  const chapters = dialogue ? podcastChapters(dialogue, state) : [];
  const chapter = chapters.findLast((item) => item.start <= time + 0.05);

  return (
    <section className="podcast" aria-labelledby="podcast-heading">
      <h2 id="podcast-heading">Podcast</h2>
      <div className="result">
        <div>
          <audio
            ref={audio}
            className="podcast-player"
            controls
            preload="metadata"
            aria-label="The podcast"
            onTimeUpdate={(event) => setTime(event.currentTarget.currentTime)}
            onSeeked={(event) => setTime(event.currentTarget.currentTime)}
          >
            <source src={url("podcast.mp3")} type="audio/mpeg" />
            <source src={url("podcast.m4a")} type="audio/mp4" />
          </audio>
          {speaking && (
            <p className="now-speaking" aria-live="off">
              <strong>{SPEAKER_WORDS[speaking.speaker]}:</strong> {speaking.text}
            </p>
          )}
        </div>
        <nav className="chapters" aria-label="Podcast chapters">
          <h3>Slides</h3>
          <ol>
            {chapters.map((item) => (
              <li key={item.slide}>
                <button type="button" aria-current={item === chapter ? "true" : undefined} onClick={() => seek(item.start)}>
                  <span className="chapter-time">{clock(item.start)}</span> {item.title}
                </button>
              </li>
            ))}
          </ol>
        </nav>
      </div>
      <h3>The conversation</h3>
      {error && (
        <p role="alert" className="error">
          {error}
        </p>
      )}
      {!dialogue && !error && <p className="muted">Loading the conversation…</p>}
      {dialogue && (
        <ol className="dialogue">
          {dialogue.turns.map((turn) => (
            <li key={turn.turn} className={`turn turn-${turn.speaker}`}>
              <button
                type="button"
                className="cue"
                aria-current={turn === speaking ? "true" : undefined}
                onClick={() => seek(turn.start)}
              >
                <strong>{SPEAKER_WORDS[turn.speaker]}</strong> <span className="chapter-time">{clock(turn.start)}</span>{" "}
                {turn.text}
              </button>
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}
