"""Piper's phonemes with their times, kept beside the audio for the presenter's mouth.

Piper reports the samples each phoneme took (see word_timing); this keeps the sounds
themselves (pauses and stress marks only separate them) as cues on the sentence's clock,
and stores a slide's as a small JSON list of [phoneme, start, end] next to its audio.
"""

from __future__ import annotations

import json
from collections.abc import Sequence

from piper.voice import AudioChunk

from slidespeaker.common.events import Cue
from slidespeaker.common.storage import Storage
from slidespeaker.common.storage_keys import beside
from slidespeaker.voice.word_timing import spoken_phones


def timed_phonemes(chunks: Sequence[AudioChunk], sample_rate: int) -> list[Cue]:
    """Each spoken phoneme of the sentence, from its first sample; [] without alignments."""
    phonemes: list[Cue] = []
    offset = 0
    for chunk in chunks:
        if chunk.phoneme_alignments is None:
            return []
        for phone in spoken_phones(chunk.phoneme_alignments, offset, 0):
            start, end = phone.start / sample_rate, phone.end / sample_rate
            phonemes.append(Cue(text=phone.symbol, start=start, end=end))
        offset += len(chunk.audio_int16_array)
    return phonemes


def store_phonemes(storage: Storage, audio_key: str, phonemes: Sequence[Cue]) -> str:
    """Write the slide's phonemes beside its audio; return their key."""
    key = beside(audio_key, "phonemes.json")
    rows = [[p.text, round(p.start, 4), round(p.end, 4)] for p in phonemes]
    storage.write_text(key, json.dumps(rows, ensure_ascii=False))
    return key
