"""Which mouth shape each video frame shows: from the voice's phoneme timings, or, for
engines that time no phonemes, from how loud the audio is during the frame."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from slidespeaker.avatar.figure import Mouth

Phoneme = tuple[str, float, float]  # espeak's symbol, start and end in seconds

# espeak-ng's IPA symbols (as Piper speaks them) by the shape the lips take.
_SHAPES = {
    Mouth.closed: "mbpɱ",
    Mouth.teeth: "fvʋ",
    Mouth.open: "aɑæɐʌɒ",
    Mouth.wide: "eɛiɪjɜɚ",
    Mouth.round: "oɔuʊwɵøœʉy",
}
PHONEME_MOUTH = {symbol: mouth for mouth, symbols in _SHAPES.items() for symbol in symbols}
LENGTH_MARKS = {"ː", "ˑ"}  # a longer vowel: the mouth keeps the shape it had

# Loudness (RMS over the frame, relative to the slide's loudest frames) for each opening.
LOUDNESS_STEPS = ((0.12, Mouth.closed), (0.35, Mouth.small), (0.6, Mouth.wide))


def mouths_from_phonemes(phonemes: Sequence[Phoneme], frames: int, fps: float) -> list[Mouth]:
    """The mouth of each frame: the shape of the phoneme sounding at the frame's middle;
    closed where none does (pauses, silence)."""
    starts = np.array([start for _, start, _ in phonemes])
    shapes = _shapes([symbol for symbol, _, _ in phonemes])
    mouths: list[Mouth] = []
    for frame in range(frames):
        t = (frame + 0.5) / fps
        index = int(np.searchsorted(starts, t, side="right")) - 1
        speaking = index >= 0 and t < phonemes[index][2]
        mouths.append(shapes[index] if speaking else Mouth.closed)
    return mouths


def mouths_from_loudness(
    samples: np.ndarray, sample_rate: int, frames: int, fps: float
) -> list[Mouth]:
    """The mouth of each frame from the audio's loudness during it: wider when louder."""
    levels = frame_loudness(samples, sample_rate, frames, fps)
    loud = float(np.percentile(levels, 95)) if len(levels) else 0.0
    if loud <= 0:
        return [Mouth.closed] * frames
    mouths = []
    for level in levels / loud:
        step = next((mouth for limit, mouth in LOUDNESS_STEPS if level < limit), Mouth.open)
        mouths.append(step)
    return mouths


def frame_loudness(samples: np.ndarray, sample_rate: int, frames: int, fps: float) -> np.ndarray:
    """The RMS of the samples during each video frame (0 past the audio's end)."""
    audio = samples.astype(np.float64)
    levels = np.zeros(frames)
    for frame in range(frames):
        chunk = audio[round(frame * sample_rate / fps) : round((frame + 1) * sample_rate / fps)]
        levels[frame] = float(np.sqrt(np.mean(chunk**2))) if len(chunk) else 0.0
    return levels


def _shapes(symbols: Sequence[str]) -> list[Mouth]:
    shapes: list[Mouth] = []
    for symbol in symbols:
        if symbol in LENGTH_MARKS and shapes:
            shapes.append(shapes[-1])
        else:  # a diphthong or affricate written as one symbol takes its first sound's shape
            shapes.append(PHONEME_MOUTH.get(symbol[:1], Mouth.small))
    return shapes
