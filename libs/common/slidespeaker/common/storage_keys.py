"""Where every artifact is stored, in one place (as `Keys` is for Redis).

A key is a store-relative string with `/` between its parts (`jobs/<id>/output/video.mp4`),
never a filesystem path: the store (storage.py) decides where a key's bytes are kept.
Everything of one job is below `job(id)` and goes with the job. Everything jobs share is
in one of the `Cache` folders, named by a digest of what made it, so it is made once; a
file beside an entry (its timings, its phonemes) shares the entry's name up to the first
dot. Retention purges every `Cache` folder (api/retention.py).
"""

from __future__ import annotations

import hashlib
import json
from enum import StrEnum


class Cache(StrEnum):
    """The folders of what jobs share, each purged by retention when no kept job uses it."""

    audio = "cache/audio"  # voiced slides and podcast turns, with their timings and phonemes
    samples = "cache/samples"  # a few words spoken by a voice, to hear it before choosing
    segments = "cache/segments"  # the moving video's per-slide segments
    heygen = "cache/avatar/heygen"  # the ids of the videos HeyGen was asked for


def cached(cache: Cache, made_by: object, suffix: str = "") -> str:
    """The entry of `cache` for what `made_by` (JSON) describes: the same inputs, the same key."""
    return cache_entry(cache, digest(made_by), suffix)


def cache_entry(cache: Cache, name: str, suffix: str = "") -> str:
    """The entry `name` (a digest) of `cache`, spread over folders by its first two characters."""
    return f"{cache.value}/{name[:2]}/{name}{suffix}"


def digest(made_by: object) -> str:
    return hashlib.sha256(json.dumps(made_by, sort_keys=True).encode()).hexdigest()


def beside(key: str, name: str) -> str:
    """The key of a file kept beside `key`: `beside("a/b.wav", "timings.json")` is
    `a/b.timings.json`."""
    folder, _, file = key.rpartition("/")
    stem = file.split(".", 1)[0]
    return f"{folder}/{stem}.{name}" if folder else f"{stem}.{name}"


def entry_name(key: str) -> str:
    """The cache entry a key belongs to: its file name up to the first dot."""
    return key.rpartition("/")[2].split(".", 1)[0]


# Decks sent only to be estimated (api/routes/estimates.py): removed once the estimate is
# answered, and by retention if the API stopped in between.
ESTIMATES = "estimates"


def estimate(question: str) -> str:
    """Everything of one estimate question: removed once it is answered."""
    return f"{ESTIMATES}/{question}"


def estimate_deck(question: str, suffix: str) -> str:
    return f"{estimate(question)}/deck{suffix}"


def event_log(job_id: str) -> str:
    """The finished job's event log, archived out of Redis (log_archive.py). Not below
    `job(id)`: deleting a job removes its files, and its log stays and records that."""
    return f"logs/{job_id}.jsonl.gz"


def job(job_id: str) -> str:
    """Everything of the job: removed with it."""
    return f"jobs/{job_id}"


def deck(job_id: str, suffix: str) -> str:
    return f"{job(job_id)}/deck{suffix}"


def slide_image(job_id: str, slide: int) -> str:
    return f"{job(job_id)}/slides/slide-{slide:03d}.png"


def build_image(job_id: str, slide: int, step: int) -> str:
    """The slide as it looks before its build step `step` (from 0)."""
    return f"{job(job_id)}/slides/slide-{slide:03d}-before-build-{step + 1:02d}.png"


def avatar_clip(job_id: str, slide: int, suffix: str) -> str:
    return f"{job(job_id)}/avatar/slide-{slide:03d}{suffix}"


def output(job_id: str, name: str) -> str:
    """One of the job's results (`video.mp4`, `podcast.mp3`, ...)."""
    return f"{job(job_id)}/output/{name}"
