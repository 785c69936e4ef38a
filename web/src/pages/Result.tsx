// The finished video with its subtitles, chapters (one per slide, click to seek), the
// transcript following playback; the podcast with its conversation following playback;
// and every file to download.
import { useEffect, useRef, useState } from "react";
import { artifactUrl } from "../api";
import { mediaUrl } from "../session";
import { PodcastPlayer } from "../components/PodcastPlayer";
import { useFreshMediaToken } from "../freshMedia";
import { clock } from "../format";
import { useJobFeed } from "../live";
import { href } from "../router";
import { chapters, videoCues } from "../stages";
import type { JobState } from "../types";

const FILE_WORDS: Record<string, string> = {
  "video.mp4": "Video (MP4)",
  "subtitles.vtt": "Subtitles (WebVTT)",
  "subtitles.srt": "Subtitles (SRT)",
  "transcript.md": "Transcript (Markdown)",
  "poster.jpg": "Poster (JPEG)",
  "podcast.mp3": "Podcast (MP3)",
  "podcast.m4a": "Podcast (M4A, with chapters)",
  "podcast.vtt": "Podcast captions (WebVTT)",
  "podcast.srt": "Podcast captions (SRT)",
  "podcast.json": "Podcast dialogue (JSON)",
};

/** What a finished job has to play: the video, the podcast, or both. */
export function playable(state: JobState): {
  video: boolean;
  podcast: boolean;
} {
  const names = new Set(artifactLinks(state).map(([name]) => name));
  return {
    video: names.has("video.mp4"),
    podcast: Boolean(state.podcast) || names.has("podcast.mp3"),
  };
}

/** The tab's words for what the job made. */
export function resultWords(state: JobState): string {
  if (state.options.format === "podcast") return "Listen to the podcast";
  return state.options.format === "both"
    ? "Watch and listen"
    : "Watch the video";
}

/** The API's artifact links; older servers send none, so fall back to the known names. */
export function artifactLinks(state: JobState): [string, string][] {
  if (state.artifacts) {
    return Object.entries(state.artifacts)
      .filter(
        (entry): entry is [string, string] =>
          typeof entry[1] === "string" && !entry[0].startsWith("slide"),
      )
      .map(([name, link]) => [name, mediaUrl(link, state.job_id)]);
  }
  if (!state.outputs) return [];
  return Object.keys(FILE_WORDS).map((name) => [
    name,
    artifactUrl(state.job_id, name),
  ]);
}

/** The narration slide by slide; the sentence being spoken is marked and a click seeks to it. */
function FollowingTranscript({
  state,
  time,
  onSeek,
}: {
  state: JobState;
  time: number;
  onSeek: (seconds: number) => void;
}) {
  const cues = videoCues(state);
  return (
    <div className="transcript">
      {chapters(state).map((chapter) => {
        const own = cues.filter((cue) => cue.slide === chapter.slide);
        return (
          <section key={chapter.slide}>
            <h3>
              Slide {chapter.slide}: {chapter.title}
            </h3>
            {own.length === 0 && <p className="muted">(no narration)</p>}
            <p>
              {own.map((cue) => (
                <button
                  type="button"
                  key={cue.start}
                  className="cue"
                  aria-current={
                    cue.start <= time && time < cue.end ? "true" : undefined
                  }
                  onClick={() => onSeek(cue.start)}
                >
                  {cue.text}
                </button>
              ))}
            </p>
          </section>
        );
      })}
    </div>
  );
}

function VideoPart({
  state,
  url,
}: {
  state: JobState;
  url: (name: string) => string;
}) {
  const video = useRef<HTMLVideoElement>(null);
  const [time, setTime] = useState(0);
  const list = chapters(state);
  const current = list.findLast((chapter) => chapter.start <= time + 0.05);
  const seek = (start: number) => {
    if (!video.current) return;
    video.current.currentTime = start;
    void video.current.play().catch(() => undefined); // autoplay may be refused: the seek stays
  };
  const poster =
    !state.artifacts || state.artifacts["poster.jpg"]
      ? url("poster.jpg")
      : undefined;
  const src = url("video.mp4");
  // Set here rather than as a prop: a renewed media token changes the URL, and the video
  // goes on from where it was instead of starting again.
  useEffect(() => {
    const player = video.current;
    if (!player) return;
    const at = player.currentTime;
    const playing = !player.paused && !player.ended;
    player.src = src;
    if (at > 0) player.currentTime = at;
    if (playing) void player.play().catch(() => undefined);
  }, [src]);

  return (
    <>
      <div className="result">
        <video
          ref={video}
          className="player"
          controls
          preload="metadata"
          poster={poster}
          onTimeUpdate={(event) => setTime(event.currentTarget.currentTime)}
          onSeeked={(event) => setTime(event.currentTarget.currentTime)}
        >
          {state.options.subtitles !== "none" && (
            <track
              kind="subtitles"
              src={url("subtitles.vtt")}
              srcLang={state.options.language ?? "en"}
              label="Subtitles"
              default
            />
          )}
        </video>
        <nav className="chapters" aria-label="Chapters">
          <h2>Slides</h2>
          <ol>
            {list.map((chapter) => (
              <li key={chapter.slide}>
                <button
                  type="button"
                  aria-current={chapter === current ? "true" : undefined}
                  onClick={() => seek(chapter.start)}
                >
                  <span className="chapter-time">{clock(chapter.start)}</span>{" "}
                  {chapter.title}
                </button>
              </li>
            ))}
          </ol>
        </nav>
      </div>
      <h2>Transcript</h2>
      <FollowingTranscript state={state} time={time} onSeek={seek} />
    </>
  );
}

export function Result({ jobId }: { jobId: string }) {
  const { state, error } = useJobFeed(jobId, false);
  useFreshMediaToken(jobId, state !== null);

  if (!state) {
    return error ? (
      <p role="alert" className="error">
        Could not load this job: {error}
      </p>
    ) : (
      <p className="muted">Loading…</p>
    );
  }
  if (state.status !== "completed") {
    return (
      <p>
        This job has nothing to play yet (it is {state.status}).{" "}
        <a href={href.job(jobId)}>See its progress</a>.
      </p>
    );
  }

  const links = artifactLinks(state);
  const url = (name: string) =>
    links.find(([key]) => key === name)?.[1] ?? artifactUrl(jobId, name);
  const has = playable(state);

  return (
    <section>
      <div className="page-head">
        <h1>{state.filename}</h1>
      </div>
      <nav className="tabs" aria-label="This job">
        <a href={href.job(jobId)}>Progress</a>
        <a href={href.result(jobId)} aria-current="page">
          {resultWords(state)}
        </a>
        <a href={href.events(jobId)}>Event log</a>
      </nav>
      {has.video && <VideoPart state={state} url={url} />}
      {has.podcast && <PodcastPlayer state={state} url={url} />}
      <h2>Downloads</h2>
      <ul className="downloads">
        {links.map(([name, link]) => (
          <li key={name}>
            <a
              href={link}
              download={`${state.filename.replace(/\.[^.]+$/, "")}-${name}`}
            >
              {FILE_WORDS[name] ?? name}
            </a>
          </li>
        ))}
      </ul>
    </section>
  );
}
