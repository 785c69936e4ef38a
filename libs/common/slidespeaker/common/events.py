"""The events of a job's life: typed, frozen, versioned.

Every event carries a `type` discriminator (`job.submitted`, `slide.voiced`, ...), a schema
`version`, its own `event_id` (for de-duplication) and `ts` (RFC 3339, UTC). Slides are
numbered from 1. Unknown fields are ignored and unknown types are kept as `UnknownEvent`,
so an old reader can replay a newer log and a newer reader an older one.
"""

from __future__ import annotations

from datetime import UTC, datetime
from enum import StrEnum
from typing import Annotated, Any, Literal
from uuid import UUID, uuid4

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, TypeAdapter, ValidationError

from slidespeaker.common.slide_selection import SlidesOption


class Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="ignore")


def utc_now() -> datetime:
    return datetime.now(UTC)


class Stage(StrEnum):
    scripter = "scripter"
    voice = "voice"
    avatar = "avatar"
    composer = "composer"


class Action(StrEnum):
    """What a task does; each action belongs to exactly one stage."""

    script_deck = "script_deck"
    voice_slide = "voice_slide"
    avatar_slide = "avatar_slide"
    compose_slide = "compose_slide"
    compose_video = "compose_video"
    script_podcast = "script_podcast"  # the deck as a dialogue between a host and a guest
    voice_turn = "voice_turn"  # one turn of that dialogue
    compose_podcast = "compose_podcast"

    @property
    def stage(self) -> Stage:
        return _ACTION_STAGE[self]


_ACTION_STAGE = {
    Action.script_deck: Stage.scripter,
    Action.voice_slide: Stage.voice,
    Action.avatar_slide: Stage.avatar,
    Action.compose_slide: Stage.composer,
    Action.compose_video: Stage.composer,
    Action.script_podcast: Stage.scripter,
    Action.voice_turn: Stage.voice,
    Action.compose_podcast: Stage.composer,
}


class TaskRef(Frozen):
    """One unit of work: a whole-deck action, a per-slide one, or one per podcast turn."""

    action: Action
    slide: int | None = None
    turn: int | None = None  # the podcast turn (from 1) a voice_turn speaks

    @property
    def stage(self) -> Stage:
        return self.action.stage

    @property
    def key(self) -> str:
        return task_key(self.action, self.slide, self.turn)


def task_key(action: Action, slide: int | None = None, turn: int | None = None) -> str:
    """The task's name in a job ("voice_slide/3"): TaskRef.key without making a TaskRef,
    for the dispatcher, which asks it of every slide after every event."""
    if turn is not None:
        return f"{action.value}/{turn}"
    return action.value if slide is None else f"{action.value}/{slide}"


def _avatar_from_flag(value: object) -> object:
    # Logs (and clients) from when the avatar was a yes/no flag still work.
    flags = {True: "local", False: "none", "true": "local", "false": "none"}
    return flags.get(value, value) if isinstance(value, bool | str) else value


class JobOptions(Frozen):
    """What the user asked for. New options get defaults, so old logs still replay.

    The only definition of the options: the API's form fields, the CLI's `render` options
    and the web client's types and limits (through the OpenAPI schema) are derived from
    these fields, their bounds and descriptions."""

    narration: Literal["auto", "notes", "outline", "llm"] = Field(
        "auto",
        description="Where the narration comes from: the speaker notes else the slide's text "
        "(auto), the notes only, the slide's own text (outline), or a language model (llm)",
    )
    language: str | None = Field(
        None, max_length=35, description="Narrate in this language (BCP 47, e.g. de); "
        "none: the deck's own"
    )  # fmt: skip
    # Longer text is shortened (see the scripter's outline).
    words_per_slide: int = Field(100, ge=10, description="The narration's target length")
    slides: SlidesOption | None = Field(
        None, max_length=200,
        description="Only these of the deck's own slide numbers (or PDF pages), e.g. 3-7,9",
    )  # fmt: skip
    # See CostEstimated: a job whose estimate is above it stops before any hosted call.
    max_cost: float | None = Field(
        None, gt=0, description="US dollars the hosted calls may cost; none: no limit"
    )
    format: Literal["video", "podcast", "both"] = Field(
        "video", description="What to make: the narrated video, a podcast (two voices talk "
        "the deck through) or both"
    )  # fmt: skip
    podcast_minutes: float | None = Field(
        None, gt=0, le=180, description="The podcast's target length in minutes"
    )
    host_voice: str | None = Field(
        None, max_length=200, description="The podcast host's voice; none: --voice, else "
        "the provider's default"
    )  # fmt: skip
    guest_voice: str | None = Field(
        None, max_length=200, description="The podcast guest's voice; none: one unlike the "
        "host's"
    )  # fmt: skip
    voice_provider: str = Field(
        "piper", max_length=40, description="piper, espeak, openai or elevenlabs"
    )
    voice: str | None = Field(None, max_length=200, description="A voice of that provider")
    rate: float = Field(
        1.0, gt=0, le=4, description="Speaking rate: 1 is the voice's own, 1.25 a quarter faster"
    )
    # Read from the user's file at submission so it travels with the job (see common.lexicon).
    lexicon: dict[str, str] = Field(
        default_factory=dict, description="How to say particular words: word -> spoken form"
    )
    avatar: Annotated[Literal["none", "local", "heygen"], BeforeValidator(_avatar_from_flag)] = (
        Field("none", description="A presenter: drawn on this machine (local) or made by HeyGen")
    )
    avatar_position: Literal["bottom-right", "bottom-left", "top-right", "top-left"] = Field(
        "bottom-right",
        description="The presenter's corner",  # the bottom keeps titles clear
    )
    avatar_scale: float = Field(
        0.25, ge=0.1, le=0.5, description="The presenter's share of the video's height"
    )
    subtitles: Literal["sidecar", "burn", "none"] = Field(
        "sidecar", description="Subtitles as files beside the video, burned in, or none"
    )
    review: bool = Field(False, description="Pause after scripting until the script is approved")
    pointer: Literal["highlight", "spotlight", "none"] = Field(
        "highlight", description="Mark on the slide the line the voice is talking about "
        "(highlight), or dim the rest of the slide (spotlight), or neither (none)"
    )  # fmt: skip
    width: int = Field(1920, ge=160, le=3840, description="The video's width in pixels")
    height: int = Field(1080, ge=90, le=2160, description="The video's height in pixels")

    @property
    def wants_video(self) -> bool:
        return self.format in ("video", "both")

    @property
    def wants_podcast(self) -> bool:
        return self.format in ("podcast", "both")


# The named video sizes the CLI and the API accept for width x height.
RESOLUTIONS: dict[str, tuple[int, int]] = {
    "720p": (1280, 720),
    "1080p": (1920, 1080),
    "4k": (3840, 2160),
}


class Cue(Frozen):
    """A span of narration with its start and end in seconds."""

    text: str
    start: float
    end: float


class TextBlock(Frozen):
    """A block of a slide's text (its title, a bullet, a paragraph, a table's row, a chart's
    title, a SmartArt node) where the rendered page shows it: x0, y0, x1, y1 as shares (0..1)
    of the page's width and height."""

    text: str
    box: tuple[float, float, float, float]
    kind: Literal["title", "paragraph", "row", "chart", "node"] = "paragraph"


class PointerLink(Frozen):
    """A sentence of the narration and the block (index in the slide's blocks) it is about."""

    sentence: str
    block: int


class Build(Frozen):
    """One step of a slide's builds (its entrance animations, in order): the slide as it
    looks before the step, and the blocks (indexes in the slide's blocks) the step reveals."""

    image_key: str
    blocks: list[int] = []


class NarrationSource(StrEnum):
    notes = "notes"
    outline = "outline"  # composed offline from the slide's own title, bullets, tables, charts
    llm = "llm"  # written by a language model
    none = "none"
    edited = "edited"  # a person changed it while reviewing the script

    @classmethod
    def _missing_(cls, value: object) -> NarrationSource | None:
        # "slide_text" is the outline's old name: logs written before the rename still replay.
        return cls.outline if value == "slide_text" else None


class LanguageSource(StrEnum):
    """Where the language of a slide's (or a turn's) narration came from."""

    tags = "tags"  # the deck's language tags on the text itself (runs, paragraphs)
    detected = "detected"  # detected from the text: enough of it, and a sure guess
    deck = "deck"  # the deck's language (its tags' or defaults', else detected from it all)
    option = "option"  # the job's `language`
    edited = "edited"  # a person set it in the script


Speaker = Literal["host", "guest"]


class Turn(Frozen):
    """One turn of the podcast's dialogue: who says what, about which slide (from 1)."""

    speaker: Speaker
    text: str
    slide: int
    language: str | None = None  # BCP 47; None: not known (logs before it was recorded)


class BaseEvent(Frozen):
    version: int = 1
    event_id: UUID = Field(default_factory=uuid4)
    job_id: str
    ts: datetime = Field(default_factory=utc_now)


# --- the job ---------------------------------------------------------------------------


class JobSubmitted(BaseEvent):
    type: Literal["job.submitted"] = "job.submitted"
    filename: str
    deck_key: str
    options: JobOptions = JobOptions()
    # The user whose job it is; None where there are no accounts (auth none or token).
    owner: str | None = None


class JobCancelRequested(BaseEvent):
    type: Literal["job.cancel_requested"] = "job.cancel_requested"
    reason: str = "cancelled by the user"
    by: str | None = None  # the user who asked (None: no accounts, or the system)


class JobCancelled(BaseEvent):
    type: Literal["job.cancelled"] = "job.cancelled"


class JobFailed(BaseEvent):
    type: Literal["job.failed"] = "job.failed"
    reason: str
    stage: Stage | None = None
    slide: int | None = None


class JobCompleted(BaseEvent):
    type: Literal["job.completed"] = "job.completed"


class JobRetryRequested(BaseEvent):
    """Run a failed or cancelled job again from where it stopped, keeping finished work."""

    type: Literal["job.retry_requested"] = "job.retry_requested"
    by: str | None = None


class JobDeleted(BaseEvent):
    """The job's files were removed; its log stays, so what happened can still be read."""

    type: Literal["job.deleted"] = "job.deleted"
    by: str | None = None


class JobWarning(BaseEvent):
    type: Literal["job.warning"] = "job.warning"
    code: str
    message: str
    slide: int | None = None


class JobProgress(BaseEvent):
    type: Literal["job.progress"] = "job.progress"
    stage: Stage
    message: str
    slide: int | None = None
    done: int = 0
    total: int = 0


# --- tasks: the dispatcher's decisions and the services' reports ------------------------


class TaskDispatched(BaseEvent):
    type: Literal["task.dispatched"] = "task.dispatched"
    task: TaskRef
    attempt: int = 1
    not_before: datetime | None = None


class TaskStarted(BaseEvent):
    type: Literal["task.started"] = "task.started"
    task: TaskRef
    attempt: int = 1
    worker: str


class TaskCompleted(BaseEvent):
    type: Literal["task.completed"] = "task.completed"
    task: TaskRef
    attempt: int = 1


class StageFailed(BaseEvent):
    type: Literal["stage.failed"] = "stage.failed"
    task: TaskRef
    attempt: int = 1
    error: str
    retryable: bool


class TaskTimedOut(BaseEvent):
    """A task ran past its deadline (deadlines.py): stopped, its children killed, and retried
    like any failure that may pass."""

    type: Literal["task.timed_out"] = "task.timed_out"
    task: TaskRef
    attempt: int = 1
    deadline_s: float
    worker: str


class StageRetried(BaseEvent):
    type: Literal["stage.retried"] = "stage.retried"
    task: TaskRef
    attempt: int
    delay_s: float


class StageStopped(BaseEvent):
    """A service stopped a task because the job was cancelled (or failed elsewhere)."""

    type: Literal["stage.stopped"] = "stage.stopped"
    task: TaskRef
    attempt: int = 1
    worker: str


# --- results ---------------------------------------------------------------------------


class DeckParsed(BaseEvent):
    type: Literal["deck.parsed"] = "deck.parsed"
    format: str
    slide_count: int
    source_slides: list[int] = []  # the deck's own slide number (or page) for slide 1..N
    # The deck's language (BCP 47) and where it came from; None: not known (a deck with no
    # tags and too little text to tell, or a log from before it was recorded).
    language: str | None = None
    language_source: LanguageSource | None = None
    # What the narration is expected to come to, reckoned before any of it is voiced (the
    # model's slides at the words asked for); None in logs from before it was.
    narration_words: int | None = None
    narration_seconds: float | None = None


class CostEstimated(BaseEvent):
    """What the hosted calls of a job are expected to take, reckoned before any is made."""

    type: Literal["cost.estimated"] = "cost.estimated"
    llm_requests: int = 0
    llm_input_tokens: int = 0
    llm_output_tokens: int = 0
    tts_characters: int = 0  # of hosted speech; 0 when a local voice speaks
    cost_usd: float | None = None  # None: a price it needs is not configured


class SlideRendered(BaseEvent):
    """The slide's picture, and where its text is on it. The scripter writes a slide's
    narration before its picture (a deck's text is read in a blink, its conversion to PDF
    takes seconds), so the sentences' links to the blocks come with the picture."""

    type: Literal["slide.rendered"] = "slide.rendered"
    slide: int
    image_key: str
    width: int
    height: int
    # None in logs from before the layout came with the picture: their slide.scripted,
    # which followed it, carried the blocks, the page and the links.
    page: tuple[float, float] | None = None  # the page's width and height the boxes divide
    blocks: list[TextBlock] = []
    links: list[PointerLink] = []
    builds: list[Build] = []  # the slide's build steps in order; none: shown complete


class SlideScripted(BaseEvent):
    type: Literal["slide.scripted"] = "slide.scripted"
    slide: int
    title: str = ""
    narration: str
    source: NarrationSource
    # The narration's language (BCP 47) and where it came from; the voice speaks in it.
    language: str | None = None
    language_source: LanguageSource | None = None
    # Where the slide's text is and which sentences are about which block: set when the
    # layout is known (a script edited in review, logs before slide.rendered carried it);
    # page None when it comes later, with slide.rendered.
    blocks: list[TextBlock] = []
    page: tuple[float, float] | None = None  # the page's width and height the boxes divide
    links: list[PointerLink] = []  # sentences linked to the block they are about, in order


class ScriptApproved(BaseEvent):
    """The script was reviewed (and perhaps edited): voicing may start."""

    type: Literal["script.approved"] = "script.approved"
    by: str | None = None


class SlideVoiced(BaseEvent):
    type: Literal["slide.voiced"] = "slide.voiced"
    slide: int
    audio_key: str | None  # None: the slide has nothing to say
    duration: float
    voice: str
    provider: str = "piper"
    cues: list[Cue] = []  # the captions, timed from `words` where the engine gave them
    words: list[Cue] = []  # each spoken word as the engine timed it
    # How the cues were timed: "word" (from the engine's word timings), "sentence" (one
    # cue per sentence, synthesised alone), "mixed" (some sentences fell back, see `fallbacks`).
    timing: Literal["word", "sentence", "mixed"] = "sentence"
    fallbacks: list[str] = []  # why each sentence that fell back to sentence timing did
    # A JSON list of [phoneme, start, end] (s) beside the audio, for the presenter's mouth;
    # None: the engine did not time its phonemes.
    phonemes_key: str | None = None


class AvatarRendered(BaseEvent):
    type: Literal["slide.avatar_rendered"] = "slide.avatar_rendered"
    slide: int
    video_key: str | None = None  # None: no clip (the presenter could not be made for it)


class SlideComposed(BaseEvent):
    """The slide measured for the video: its narration (slide.voiced's audio) starts
    `narration_start` s in and is padded with silence to `duration` while the video is
    encoded. Version 1 stored that padded narration as a WAV (`audio_key`); version 2
    stores nothing new."""

    type: Literal["slide.composed"] = "slide.composed"
    version: int = 2
    slide: int
    audio_key: str | None = None  # version 1: the padded narration, exactly `duration` long
    narration_start: float = 0.0
    image_key: str
    duration: float
    cues: list[Cue] = []  # relative to the start of this slide
    avatar_key: str | None = None  # the presenter's clip, checked; None: composed without
    avatar_start: float = 0.0  # s from the slide's start to the clip's first frame


class VideoComposed(BaseEvent):
    type: Literal["video.composed"] = "video.composed"
    video_key: str
    srt_key: str
    vtt_key: str
    transcript_key: str
    duration: float
    poster_key: str | None = None  # the first slide as a picture; logs before it have none


class PodcastScripted(BaseEvent):
    """The deck as a dialogue between a host and a guest, in the order it is spoken."""

    type: Literal["podcast.scripted"] = "podcast.scripted"
    turns: list[Turn]
    source: Literal["outline", "llm"] = "outline"  # composed offline, or written by a model


class TurnVoiced(BaseEvent):
    type: Literal["turn.voiced"] = "turn.voiced"
    turn: int  # from 1, in PodcastScripted.turns
    speaker: Speaker
    audio_key: str
    duration: float
    voice: str
    provider: str = "piper"
    cues: list[Cue] = []  # relative to the turn's start
    words: list[Cue] = []


class PodcastComposed(BaseEvent):
    type: Literal["podcast.composed"] = "podcast.composed"
    mp3_key: str
    m4a_key: str  # with a chapter per slide
    srt_key: str  # captions with speaker labels
    vtt_key: str
    json_key: str  # the turns with speaker, text, slide, start and end
    duration: float


class UnknownEvent(BaseEvent):
    """An event type this code does not know (written by newer code): kept, not folded."""

    type: str
    model_config = ConfigDict(frozen=True, extra="allow")


KnownEvent = Annotated[
    JobSubmitted
    | JobCancelRequested
    | JobCancelled
    | JobFailed
    | JobCompleted
    | JobRetryRequested
    | JobDeleted
    | JobWarning
    | JobProgress
    | TaskDispatched
    | TaskStarted
    | TaskCompleted
    | StageFailed
    | TaskTimedOut
    | StageRetried
    | StageStopped
    | DeckParsed
    | CostEstimated
    | SlideRendered
    | SlideScripted
    | ScriptApproved
    | SlideVoiced
    | AvatarRendered
    | SlideComposed
    | VideoComposed
    | PodcastScripted
    | TurnVoiced
    | PodcastComposed,
    Field(discriminator="type"),
]
Event = KnownEvent | UnknownEvent

_known: TypeAdapter[KnownEvent] = TypeAdapter(KnownEvent)
KNOWN_TYPES: frozenset[str] = frozenset(_known.json_schema()["discriminator"]["mapping"])


_json_object: TypeAdapter[dict[str, Any]] = TypeAdapter(dict[str, Any])


def parse_event(data: str | bytes | dict[str, Any]) -> Event:
    """Decode one stored event; an unknown `type` gives an UnknownEvent."""
    if not isinstance(data, dict):
        try:  # the common case in one step: a known event, straight from its JSON
            return _known.validate_json(data)
        except ValidationError:
            data = _json_object.validate_json(data)  # then: unknown, or invalid (raises below)
    raw: dict[str, Any] = data
    if raw.get("type") not in KNOWN_TYPES:
        return UnknownEvent.model_validate(raw)
    return _known.validate_python(raw)


def encode_event(event: Event) -> str:
    return event.model_dump_json()
