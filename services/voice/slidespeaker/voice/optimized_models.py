"""A Piper voice's onnxruntime session, from the voice's graph as onnxruntime optimized it
the first time, kept on this machine's disk.

Making a session from the voice's file took 1.15 CPU-s (reading and patching the 63 MB graph
0.25, onnxruntime's graph optimizations 0.9); from the optimized graph with optimizations
off, 0.22 CPU-s. Every voice process pays it before its first sentence, so a render pays it
once per core (and a one-page render waits for it). The optimized graph may use this CPU's
own instructions: it is kept under a name that says the CPU, the onnxruntime, the voice
file and the patch, and made again when any of them differ.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import platform
import uuid
from pathlib import Path

import onnx
import onnxruntime
from onnxruntime.capi import onnxruntime_pybind11_state as ort_errors
from piper.patch_voice_with_alignment import add_alignment_output

PROVIDERS = ["CPUExecutionProvider"]
# What onnxruntime raises when it cannot read or write a graph (none is a RuntimeError).
ORT_ERRORS = (ort_errors.Fail, ort_errors.InvalidArgument, ort_errors.InvalidProtobuf,
              ort_errors.NoSuchFile, ort_errors.RuntimeException)  # fmt: skip
PATCH = "alignment-1"  # what is done to the graph before onnxruntime optimizes it


def voice_session(
    model: Path, threads: int | None, cache_dir: Path | None
) -> onnxruntime.InferenceSession:
    """The voice's session with its alignment output, on `threads` onnxruntime threads (None:
    its default); its optimized graph kept in (or read from) `cache_dir`, None: not kept.
    Whatever goes wrong with the kept graph (unreadable, a full disk), the voice loads as
    it would without."""
    kept = cache_dir / f"{model.stem}-{_fingerprint(model)}.onnx" if cache_dir else None
    if kept is not None and kept.is_file():
        options = _options(threads)
        options.graph_optimization_level = onnxruntime.GraphOptimizationLevel.ORT_DISABLE_ALL
        try:
            return onnxruntime.InferenceSession(
                str(kept), sess_options=options, providers=PROVIDERS
            )
        except ORT_ERRORS:
            kept.unlink(missing_ok=True)  # made again below
    graph = onnx.load(str(model))
    with contextlib.suppress(ValueError):  # the file carries the alignment output already
        add_alignment_output(graph)
    patched = graph.SerializeToString()
    if kept is not None and _writable(kept.parent):
        # Written under a name of its own, then renamed: voice processes starting together
        # never read a half-written graph.
        partial = kept.with_name(f".{kept.name}.{uuid.uuid4().hex[:8]}")
        options = _options(threads)
        options.optimized_model_filepath = str(partial)
        try:
            session = onnxruntime.InferenceSession(
                patched, sess_options=options, providers=PROVIDERS
            )
            partial.replace(kept)
            return session
        except (*ORT_ERRORS, OSError):  # onnxruntime could not write it (a full disk)
            partial.unlink(missing_ok=True)
    return onnxruntime.InferenceSession(
        patched, sess_options=_options(threads), providers=PROVIDERS
    )


def _options(threads: int | None) -> onnxruntime.SessionOptions:
    options = onnxruntime.SessionOptions()
    if threads is not None:
        options.intra_op_num_threads = threads
        options.inter_op_num_threads = 1
    return options


def _fingerprint(model: Path) -> str:
    found = model.stat()
    said = [
        str(model.resolve()), str(found.st_size), str(found.st_mtime_ns), PATCH,
        onnxruntime.__version__, platform.machine(), _cpu_flags(),
    ]  # fmt: skip
    return hashlib.sha256("\n".join(said).encode()).hexdigest()[:16]


def _cpu_flags() -> str:
    """The instructions this CPU has, as Linux lists them ("" elsewhere)."""
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("flags"):
                return line
    return ""


def _writable(folder: Path) -> bool:
    with contextlib.suppress(OSError):
        folder.mkdir(parents=True, exist_ok=True)
        return os.access(folder, os.W_OK)
    return False
