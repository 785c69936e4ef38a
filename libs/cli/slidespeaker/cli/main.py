"""The slidespeaker command."""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import functools
import importlib
import ipaddress
import json
import logging
import os
import signal
import sys
import tempfile
from collections.abc import Awaitable, Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Annotated, Any, TypeVar
from urllib.parse import urlsplit, urlunsplit

import typer
from rich.console import Console

from slidespeaker.cli import batch, parent_watch, processes, scripts, users
from slidespeaker.cli.job_options import checked, with_job_options
from slidespeaker.cli.progress import follow_job, follow_jobs
from slidespeaker.cli.redis_server import RedisHandle, ensure_redis, stop_redis
from slidespeaker.common import events as ev
from slidespeaker.common.archiving import archive_finished
from slidespeaker.common.errors import BadInput
from slidespeaker.common.event_store import EventLog
from slidespeaker.common.fold import JobState, JobStatus
from slidespeaker.common.jobs import job_state, submit_job
from slidespeaker.common.keys import Keys
from slidespeaker.common.languages import LOCAL_PROVIDERS, unspeakable
from slidespeaker.common.lexicon import parse_lexicon
from slidespeaker.common.memory import free_mb
from slidespeaker.common.object_store import ObjectStore
from slidespeaker.common.redis_clients import async_client
from slidespeaker.common.settings import Settings, get_settings

app = typer.Typer(help="Turn slide decks into narrated videos.", no_args_is_help=True)
app.add_typer(users.app, name="users")
console = Console(stderr=True)
T = TypeVar("T")

# Arguments and options `render` and `script` share (the job's options come from JobOptions).
DeckArgument = Annotated[
    Path, typer.Argument(exists=True, dir_okay=False, help="PPTX, PPSX, PPT, ODP or PDF")
]
PasswordOption = Annotated[
    str | None,
    typer.Option(envvar="SLIDESPEAKER_DECK_PASSWORD", help="The deck's password, if it has one"),
]
# Every option a rendered job takes from the command line (the lexicon comes as a file, and
# review is what --script asks for).
RENDER_OPTIONS = tuple(
    name for name in ev.JobOptions.model_fields if name not in ("lexicon", "review")
)


def _with_redis(work: Callable[[EventLog, Settings], Awaitable[T]]) -> T:
    """Run `work` against the configured Redis, starting the embedded one if needed."""
    settings = get_settings()
    handle = ensure_redis(settings.home, settings.redis_url)
    try:
        return asyncio.run(_run(work, handle, settings))
    finally:
        stop_redis(handle, settings.home)


async def _run(
    work: Callable[[EventLog, Settings], Awaitable[T]], handle: RedisHandle, settings: Settings
) -> T:
    redis = async_client(handle.url)
    try:
        store = ObjectStore.from_settings(settings)  # archived logs are read from it
        return await work(EventLog(redis, Keys(settings.key_prefix), store), settings)
    finally:
        await redis.aclose()


@app.command()
@with_job_options(*RENDER_OPTIONS)
def render(
    decks: Annotated[
        list[Path],
        typer.Argument(
            exists=True,
            dir_okay=False,
            help="PPTX, PPSX, PPT, ODP or PDF; several share one stack, each into OUT/<deck name>/",
        ),
    ],
    out: Annotated[Path, typer.Option(help="Directory for the video and its companions")],
    options: ev.JobOptions,
    lexicon: Annotated[
        Path | None,
        typer.Option(exists=True, dir_okay=False, help="How to say words: WORD<TAB>SPOKEN lines"),
    ] = None,
    resolution: Annotated[
        str | None, typer.Option(help="720p, 1080p or 4k (instead of --width and --height)")
    ] = None,
    script: Annotated[
        Path | None, typer.Option(exists=True, dir_okay=False, help="Say this (edited) script")
    ] = None,
    password: PasswordOption = None,
    estimate: Annotated[
        bool, typer.Option(help="Only print what the hosted calls would cost, then stop")
    ] = False,
) -> None:
    """Render each DECK into a narrated video (or podcast), subtitles and transcript in OUT."""
    chosen = {"lexicon": _lexicon(lexicon), "review": script is not None}
    if resolution is not None:
        chosen["width"], chosen["height"] = _resolution_size(resolution)
    options = checked({**options.model_dump(), **chosen})
    _refuse_unspeakable(options)
    if script and len(decks) > 1:
        raise typer.BadParameter("a script is written for one deck", param_hint="--script")
    if estimate:
        _print_estimates(decks, options, password)
        return
    if len(decks) > 1:
        _render_several(decks, out, options, password)
        return
    edited = scripts.read_script(script) if script else None
    if edited and edited.selection and options.slides is None:  # the slides it was written for
        options = options.model_copy(update={"slides": edited.selection})
    try:
        source = _readable(decks[0], password)
    except BadInput as exc:
        console.print(f"[red]failed[/]: {exc.message}")
        raise typer.Exit(1) from exc
    with _local_stack(options) as (handle, services, settings):
        render_job = functools.partial(
            _render, deck=decks[0], source=source, options=options, services=services,
            script=edited,
        )  # fmt: skip
        state = asyncio.run(_run(render_job, handle, settings))
    _write_outputs(state, settings, out)
    if state.status != JobStatus.completed:
        console.print(f"[red]failed[/]: {state.error or state.status.value}")
        raise typer.Exit(1)
    console.print(f"[green]done[/]: {batch.made(state, out)}")


@contextlib.contextmanager
def _local_stack(
    options: ev.JobOptions,
) -> Iterator[tuple[RedisHandle, processes.LocalServices, Settings]]:
    """Redis (the embedded one unless given) and the services the jobs' stages need that are
    not running yet, stopped again afterwards. The avatar service only for a presenter: it
    would have no task, and its start-up takes CPU the voice needs."""
    settings = get_settings()
    _stop_on_sigterm()
    handle = ensure_redis(settings.home, settings.redis_url)
    voices = processes.voice_layout(processes.usable_cores(), free_mb())
    services = processes.LocalServices(
        handle.url, settings.home, service_env={"voice": voices.env()}
    )
    try:
        wanted = options.avatar != "none"
        needed = [n for n in processes.PIPELINE_SERVICES if n != "avatar" or wanted]
        keys = Keys(settings.key_prefix)
        voice = processes.Growth(keys.work(ev.Stage.voice), ev.Stage.voice.value, voices.processes)
        services.start_missing(needed, keys, {"voice": voice})
        yield handle, services, settings
    finally:
        services.stop()
        stop_redis(handle, settings.home)


async def _render(
    events: EventLog,
    settings: Settings,
    *,
    deck: Path,
    source: Path | bytes,
    options: ev.JobOptions,
    services: processes.LocalServices,
    script: scripts.EditedScript | None,
) -> JobState:
    store = ObjectStore.from_settings(settings)
    job_id = await submit_job(events, store, deck=source, filename=deck.name, options=options)
    console.print(f"job {job_id}: {deck.name}")
    supervisor = asyncio.create_task(services.supervise(_report_restart))

    async def say_the_script(state: JobState) -> None:
        assert script is not None
        try:
            await events.append(*scripts.script_events(state, script))
        except BadInput as exc:
            await events.append(ev.JobFailed(job_id=job_id, reason=exc.message))

    try:
        return await follow_job(events, job_id, console, say_the_script if script else None)
    except (KeyboardInterrupt, asyncio.CancelledError):
        await events.append(ev.JobCancelRequested(job_id=job_id, reason="interrupted (Ctrl-C)"))
        raise
    finally:
        supervisor.cancel()


def _render_several(
    decks: list[Path], out: Path, options: ev.JobOptions, password: str | None
) -> None:
    """Every deck as a job of its own on one stack, followed in one view, each written to
    OUT/<deck name>/; then a summary, and exit status 1 if any failed."""
    folders = batch.output_folders(decks, out)
    results: dict[Path, str] = {}  # deck -> why it could not even be submitted
    sources: dict[Path, Path | bytes] = {}
    for deck in decks:
        try:
            sources[deck] = _readable(deck, password)
        except BadInput as exc:
            results[deck] = exc.message
    states: dict[Path, JobState] = {}
    if sources:
        with _local_stack(options) as (handle, services, settings):
            render_jobs = functools.partial(
                _render_all, sources=sources, options=options, services=services
            )
            states = asyncio.run(_run(render_jobs, handle, settings))
        for deck, state in states.items():
            _write_outputs(state, settings, folders[deck])
    outcomes = [batch.outcome(deck, states.get(deck), results.get(deck)) for deck in decks]
    batch.print_summary(console, outcomes, folders)
    if any(not outcome.done for outcome in outcomes):
        raise typer.Exit(1)


async def _render_all(
    events: EventLog,
    settings: Settings,
    *,
    sources: dict[Path, Path | bytes],
    options: ev.JobOptions,
    services: processes.LocalServices,
) -> dict[Path, JobState]:
    store = ObjectStore.from_settings(settings)
    jobs: dict[str, Path] = {}
    for deck, source in sources.items():
        job_id = await submit_job(events, store, deck=source, filename=deck.name, options=options)
        jobs[job_id] = deck
        console.print(f"job {job_id}: {deck.name}")
    supervisor = asyncio.create_task(services.supervise(_report_restart))
    try:
        states = await follow_jobs(events, {job: deck.name for job, deck in jobs.items()}, console)
        return {jobs[state.job_id]: state for state in states}
    except (KeyboardInterrupt, asyncio.CancelledError):
        for job_id in jobs:
            await events.append(ev.JobCancelRequested(job_id=job_id, reason="interrupted (Ctrl-C)"))
        raise
    finally:
        supervisor.cancel()


def _print_estimates(decks: list[Path], options: ev.JobOptions, password: str | None) -> None:
    """What each deck's hosted calls would take and cost (JSON, one line per deck); nothing
    is sent and nothing rendered. Exit status 1 if a deck could not be read."""
    # Imported here: the scripter's libraries are heavy, and only this needs them.
    from slidespeaker.common.deckpassword import unlock
    from slidespeaker.scripter.script import estimate_deck

    failed = False
    for deck in decks:
        try:
            with tempfile.TemporaryDirectory(prefix="slidespeaker-") as work:
                readable = unlock(deck, password, Path(work) / deck.name) if password else deck
                counted = estimate_deck(readable, options)
        except BadInput as exc:
            console.print(f"[red]failed[/]: {deck.name}: {exc.message}")
            failed = True
            continue
        print(json.dumps({"deck": deck.name, **dataclasses.asdict(counted)}))
        console.print(f"{deck.name}: {batch.cost_words(counted.cost_usd, counted.hosted)}")
    if failed:
        raise typer.Exit(1)


def _refuse_unspeakable(options: ev.JobOptions) -> None:
    """A language or voice asked for that no voice here speaks is refused before any work."""
    asked = options.language or options.voice or options.host_voice or options.guest_voice
    offered = []
    if asked and options.voice_provider in LOCAL_PROVIDERS:
        from slidespeaker.voice.catalog import local_voices  # loads the voice libraries: only here

        offered = local_voices()
    refused = unspeakable(options, offered)
    if refused:
        console.print(f"[red]refused[/]: {refused}")
        raise typer.Exit(1)


def _stop_on_sigterm() -> None:
    """A process manager's SIGTERM stops this command as Ctrl-C does: the job is cancelled,
    and the services and the Redis it started are stopped, not left running."""
    signal.signal(signal.SIGTERM, signal.default_int_handler)


def _report_restart(names: list[str]) -> None:
    console.print(f"[yellow]restarted[/] {', '.join(names)} (it stopped; see its log)")


def _readable(deck: Path, password: str | None) -> Path | bytes:
    """The deck, or its decrypted bytes when a password is given and it is encrypted: the job
    gets the decrypted deck, never the password. BadInput when the password does not open it."""
    if not password:
        return deck
    from slidespeaker.common.deckpassword import unlock  # PyMuPDF: only for a password

    with tempfile.TemporaryDirectory(prefix="slidespeaker-") as work:
        unlocked = unlock(deck, password, Path(work) / deck.name)
        return deck if unlocked == deck else unlocked.read_bytes()


def _lexicon(path: Path | None) -> dict[str, str]:
    """The lexicon file's entries (a JSON object or WORD<TAB>SPOKEN lines); they go with the job."""
    if path is None:
        return {}
    try:
        return parse_lexicon(path.read_text(encoding="utf-8"), str(path))
    except (BadInput, UnicodeDecodeError) as exc:
        raise typer.BadParameter(str(exc), param_hint="--lexicon") from exc


def _resolution_size(name: str) -> tuple[int, int]:
    try:
        return ev.RESOLUTIONS[name]
    except KeyError:
        raise typer.BadParameter(
            f"{name!r} is not a resolution; use one of {', '.join(ev.RESOLUTIONS)}",
            param_hint="--resolution",
        ) from None


@app.command()
@with_job_options("narration", "language", "words_per_slide", "slides")
def script(
    deck: DeckArgument,
    out: Annotated[Path, typer.Option(help="Directory for script.json and transcript.md")],
    options: ev.JobOptions,
    estimate: Annotated[bool, typer.Option(help="Only say what hosted calls would cost")] = False,
    password: PasswordOption = None,
) -> None:
    """Write DECK's narration to OUT/script.json to read and edit, then `render --script`."""
    # Imported here: the scripter's libraries are heavy, and only this command needs them.
    from slidespeaker.common.deckpassword import unlock
    from slidespeaker.scripter.chat import LlmUnavailable
    from slidespeaker.scripter.script import estimate_deck, script_deck

    try:
        with tempfile.TemporaryDirectory(prefix="slidespeaker-") as work:
            readable = unlock(deck, password, Path(work) / deck.name) if password else deck
            if estimate:
                print(json.dumps(dataclasses.asdict(estimate_deck(readable, options)), indent=2))
                return
            lines = script_deck(readable, options)
    except (BadInput, LlmUnavailable) as exc:
        console.print(f"[red]failed[/]: {exc}")
        raise typer.Exit(1) from exc
    scripts.write_script(lines, deck, out, options.slides)
    written = out / "script.json"
    console.print(f"[green]wrote[/] {written} ({len(lines)} slides); edit it, then: "
                  f"slidespeaker render {deck} --script {written} --out DIR")  # fmt: skip


@app.command()
def voices(
    as_json: Annotated[bool, typer.Option("--json", help="One JSON object per line")] = False,
) -> None:
    """The voices this machine can speak with, by language."""
    from slidespeaker.voice.catalog import local_voices  # loads the voice libraries: only here

    for voice in sorted(local_voices(), key=lambda v: (v["language"], v["provider"], v["name"])):
        line = (
            json.dumps(voice)
            if as_json
            else f"{voice['language']:<8} {voice['provider']:<8} {voice['name']}"
        )
        print(line)


def _write_outputs(state: JobState, settings: Settings, out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    store = ObjectStore.from_settings(settings)
    for name, key in state.output_files().items():
        store.fetch(key, out / name)
    (out / "job.json").write_text(state.model_dump_json(indent=2))


@app.command()
def status(
    job_id: Annotated[str, typer.Argument(help="The job's id")],
    as_json: Annotated[bool, typer.Option("--json", help="The whole state as JSON")] = False,
    at: Annotated[str | None, typer.Option(help="State right after this event")] = None,
) -> None:
    """The job's state, folded from its event log."""
    state = _with_redis(lambda log, _s: job_state(log, job_id, at))
    if state is None:
        console.print(f"[red]no such job{' or event' if at else ''}[/]: {job_id} {at or ''}")
        raise typer.Exit(1)
    if as_json:
        print(state.model_dump_json(indent=2))
        return
    print(f"{state.job_id}  {state.status.value}  {state.filename}")
    done = sum(1 for s in state.slides.values() if s.duration is not None)
    print(
        f"slides: {state.slide_count if state.slide_count is not None else '?'} ({done} composed)"
    )
    for warning in state.warnings:
        print(f"warning: {warning.message}")
    if state.error:
        print(f"error: {state.error}")


@app.command()
def events(
    job_id: Annotated[str, typer.Argument(help="The job's id")],
    as_json: Annotated[bool, typer.Option("--json", help="One JSON object per line")] = False,
    follow: Annotated[
        bool, typer.Option(help="Keep printing new events until the job ends")
    ] = False,
) -> None:
    """The job's event log, in order."""
    _with_redis(lambda log, _s: _print_events(log, job_id, as_json, follow))


async def _print_events(log: EventLog, job_id: str, as_json: bool, follow: bool) -> None:
    if not await log.exists(job_id):
        console.print(f"[red]no such job[/]: {job_id}")
        raise typer.Exit(1)
    entries = log.follow(job_id) if follow else _iterate(await log.read(job_id))
    async for entry_id, event in entries:
        data = {"id": entry_id, **event.model_dump(mode="json")}
        print(
            json.dumps(data, ensure_ascii=False) if as_json else _line(entry_id, event), flush=True
        )
        if follow and event.type in ("job.completed", "job.failed", "job.cancelled"):
            break


async def _iterate(entries: list[tuple[str, ev.Event]]):  # type: ignore[no-untyped-def]
    for entry in entries:
        yield entry


def _line(entry_id: str, event: ev.Event) -> str:
    skip = {"type", "event_id", "job_id", "ts", "version"}
    detail = {k: v for k, v in event.model_dump(mode="json").items() if k not in skip}
    text = json.dumps(detail, ensure_ascii=False)
    return f"{entry_id:>16}  {event.ts:%H:%M:%S}  {event.type:<22} {text[:120]}"


@app.command()
def archive(
    older_than: Annotated[
        float | None,
        typer.Option(min=0, help="Seconds since a job ended (else SLIDESPEAKER_ARCHIVE_AFTER_S)"),
    ] = None,
) -> None:
    """Move the event logs of finished jobs from Redis to the store now; they read the same."""

    async def archive_now(log: EventLog, settings: Settings) -> list[str]:
        seconds = settings.archive_after_s if older_than is None else older_than
        before = datetime.now(UTC) - timedelta(seconds=seconds)
        return (await archive_finished(log, before=before)).jobs

    archived = _with_redis(archive_now)
    for job_id in archived:
        print(job_id)
    console.print(f"archived {len(archived)} job log{'' if len(archived) == 1 else 's'}")


@app.command("dead-letters")
def dead_letters(
    requeue: Annotated[
        list[str], typer.Option(help="Put this dead letter back on its stream (repeatable)")
    ] = [],  # noqa: B006
    as_json: Annotated[bool, typer.Option("--json", help="One JSON object per line")] = False,
) -> None:
    """Messages that kept failing and were set aside; requeue them once the cause is fixed."""
    _with_redis(lambda log, _s: _dead_letters(log, requeue, as_json))


async def _dead_letters(log: EventLog, requeue: list[str], as_json: bool) -> None:
    stream = log.keys.dead_letters
    for letter_id in requeue:
        entries: Any = await log.redis.xrange(stream, min=letter_id, max=letter_id)
        if not entries:
            console.print(f"[red]no dead letter[/] {letter_id}")
            raise typer.Exit(1)
        fields = {k.decode(): v.decode() for k, v in entries[0][1].items()}
        original = {k: v for k, v in fields.items() if k not in ("stream", "message_id", "why")}
        await log.redis.xadd(fields["stream"], original)
        await log.redis.xdel(stream, letter_id)
        console.print(f"requeued {letter_id} on {fields['stream']}")
    letters: Any = await log.redis.xrange(stream)
    for letter_id, raw in letters:
        fields = {k.decode(): v.decode() for k, v in raw.items()}
        if as_json:
            print(json.dumps({"id": letter_id.decode(), **fields}))
        else:
            where, job = fields.get("stream", "?"), fields.get("job_id", "?")
            print(f"{letter_id.decode()}  {where}  job {job}  {fields.get('task', '')}  "
                  f"({fields.get('why', '')})")  # fmt: skip


@app.command()
def up(
    scale: Annotated[list[str], typer.Option(help="More processes for a service: voice=4")] = [],  # noqa: B006
    host: Annotated[
        str | None, typer.Option(help="The API's address (else SLIDESPEAKER_API_HOST)")
    ] = None,
    port: Annotated[
        int | None,
        typer.Option(min=1, max=65535, help="The API's port (else SLIDESPEAKER_API_PORT)"),
    ] = None,
    open_to_all: Annotated[
        bool,
        typer.Option(
            "--open-to-all",
            help="Listen beyond this machine with no sign-in (SLIDESPEAKER_AUTH "
            "none): everyone who reaches the port sees and deletes every job",
        ),
    ] = False,
) -> None:
    """Start Redis (embedded unless given), every service and the API; Ctrl-C stops them."""
    given = {"api_host": host, "api_port": port}
    settings = get_settings().model_copy(update={k: v for k, v in given.items() if v is not None})
    if settings.auth_mode == "none" and not _is_loopback(settings.api_host) and not open_to_all:
        console.print(
            f"[red]Refusing to listen on {settings.api_host} with no sign-in.[/red] Set "
            "SLIDESPEAKER_AUTH (token, users or proxy; see the README's \"running it for a "
            'team"), or pass --open-to-all if everyone who can reach it may use it.'
        )
        raise typer.Exit(2)
    counts: dict[str, int] = {}  # voice: one a core unless given (voice_layout), others: 1
    for item in scale:
        name, _, number = item.partition("=")
        if name not in processes.ALL_SERVICES or not number.isdigit():
            raise typer.BadParameter(
                f"expected SERVICE=N with SERVICE one of {', '.join(processes.ALL_SERVICES)}"
            )
        counts[name] = int(number)
    _stop_on_sigterm()
    handle = ensure_redis(settings.home, settings.redis_url)
    # The API process reads its address from its environment, as every setting.
    api_env = {
        "SLIDESPEAKER_API_HOST": settings.api_host,
        "SLIDESPEAKER_API_PORT": str(settings.api_port),
    }
    voices = processes.voice_layout(processes.usable_cores(), free_mb(), counts.pop("voice", None))
    counts["voice"] = voices.processes
    services = processes.LocalServices(
        handle.url, settings.home, api_env, service_env={"voice": voices.env()}
    )
    try:
        for name in processes.ALL_SERVICES:
            services.start(name, counts.get(name, 1))
        console.print(f"SlideSpeaker is up: http://{settings.api_host}:{settings.api_port}/")
        redis_shown = _without_password(handle.url)
        console.print(f"Redis: {redis_shown}   logs: {settings.home / 'logs'}   Ctrl-C stops")
        asyncio.run(services.supervise(_report_restart))
    except KeyboardInterrupt:
        pass
    finally:
        services.stop()
        stop_redis(handle, settings.home)


def _without_password(url: str) -> str:
    """The Redis URL as it may be shown: a password in it is not printed."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    user = f"{parts.username}:" if parts.username else ":"
    return urlunsplit(parts._replace(netloc=f"{user}***@{parts.netloc.rpartition('@')[2]}"))


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False  # a name: it may resolve to anything


@app.command()
def service(name: Annotated[str, typer.Argument(help=", ".join(processes.ALL_SERVICES))]) -> None:
    """Run one service in the foreground (needs SLIDESPEAKER_REDIS_URL)."""
    module = processes.SERVICE_MODULES.get(name)
    if module is None:
        choices = ", ".join(processes.ALL_SERVICES)
        raise typer.BadParameter(f"unknown service {name!r}; one of {choices}")
    settings = get_settings()
    if settings.parent_pid is not None:
        parent_watch.stop_when_orphaned(settings.parent_pid)
    importlib.import_module(module).run(settings)
    _exit_at_once()


def _exit_at_once() -> None:
    """End a service that has stopped cleanly without the interpreter's teardown, which
    freed its objects one by one for 0.3-0.5 s of CPU after the service had stopped (no
    system call between its event loop's end and the exit): `render` waits for every
    service to end, so that came after every video. What it wrote is flushed first; its
    connections, scratch folder and children are closed already, and its threads are
    daemons."""
    logging.shutdown()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(0)


if __name__ == "__main__":
    sys.exit(app())
