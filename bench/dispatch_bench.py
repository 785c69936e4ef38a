"""Benchmark (issue 20): the dispatcher's CPU for a whole job, against the job's length.

The dispatcher folds each new event into the job's state and decides what comes next, once
per event: a job of N slides has about 9 N events, so whatever deciding costs per slide
would be paid about 9 N^2 times were every slide looked at (it looks at those the events
touched). This replays the events of a job of 30 and of 300 slides (notes voiced, slides
composed, no presenter) as they arrive, deciding after each, and prints the seconds spent
folding and deciding. Linear would be 10x for 10x the slides.

    .venv/bin/python bench/dispatch_bench.py
"""

from __future__ import annotations

import time
from datetime import UTC, datetime

from slidespeaker.common import events as ev
from slidespeaker.common.events import Action, Cue, NarrationSource, TaskRef
from slidespeaker.common.fold import JobState, advance
from slidespeaker.dispatcher.decide import Touched, decide

JOB = "bench"
WORDS = [Cue(text="word", start=0.1 * n, end=0.1 * n + 0.08) for n in range(40)]


def job_events(slides: int) -> list[ev.Event]:
    """A job's events in the order the services report them (the decisions come from
    the dispatcher, as they are replayed)."""
    events: list[ev.Event] = [
        ev.JobSubmitted(job_id=JOB, filename="deck.pptx", deck_key="deck"),
        ev.DeckParsed(job_id=JOB, format="pptx", slide_count=slides),
    ]
    events += [
        ev.SlideScripted(
            job_id=JOB, slide=n, narration="Words. " * 20, source=NarrationSource.notes
        )
        for n in range(1, slides + 1)
    ]
    events += [
        ev.SlideRendered(job_id=JOB, slide=n, image_key="p", width=1, height=1, page=(1, 1))
        for n in range(1, slides + 1)
    ]
    for n in range(1, slides + 1):
        voice = TaskRef(action=Action.voice_slide, slide=n)
        compose = TaskRef(action=Action.compose_slide, slide=n)
        events += [
            ev.TaskStarted(job_id=JOB, task=voice, worker="voice-1"),
            ev.JobProgress(job_id=JOB, stage=ev.Stage.voice, message="1 of 2", slide=n),
            ev.SlideVoiced(
                job_id=JOB,
                slide=n,
                audio_key="a",
                duration=4.0,
                voice="v",
                words=WORDS,
                cues=WORDS[:4],
            ),
            ev.TaskCompleted(job_id=JOB, task=voice),
            ev.TaskStarted(job_id=JOB, task=compose, worker="composer-1"),
            ev.SlideComposed(job_id=JOB, slide=n, image_key="p", duration=5.3),
            ev.TaskCompleted(job_id=JOB, task=compose),
        ]
    return events


def replay(slides: int) -> tuple[int, float, float]:
    """Events replayed, and the seconds spent folding them and deciding after each, on
    what they touched, as the dispatcher does (its decisions are read back and decided
    on once more, finding nothing, as the service reads them from the log)."""
    state, now = JobState(), datetime.now(UTC)
    folding = deciding = 0.0
    count = 0
    touched = Touched()
    for event in job_events(slides):
        new = [event]
        while new:
            start = time.process_time()
            advance(state, [(f"{count}-{n}", e) for n, e in enumerate(new)])
            touched.add(new)
            folded = time.process_time()
            decisions = decide(state, now=now, max_attempts=3, backoff_s=1.0, touched=touched)
            decided = time.process_time()
            folding, deciding = folding + folded - start, deciding + decided - folded
            count += len(new)
            if not decisions:
                touched = Touched()
            new = decisions
    return count, folding, deciding


def main() -> None:
    results = {slides: replay(slides) for slides in (30, 300)}
    for slides, (count, folding, deciding) in results.items():
        print(f"{slides:4d} slides, {count:5d} events: folding {folding:.3f} CPU-s, "
              f"deciding {deciding:.3f} CPU-s")  # fmt: skip
    ratio = results[300][2] / results[30][2]
    print(f"deciding for 10x the slides: {ratio:.0f}x the CPU (linear: 10x)")


if __name__ == "__main__":
    main()
