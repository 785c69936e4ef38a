"""The narration's language comes from the deck first (its language tags), a guess only where
the text makes it plain; a voice always exists, with a warning where none speaks the slide's
language; only a language asked for that nothing here speaks is refused, at submission."""

from __future__ import annotations

import io
import shutil
import subprocess
import sys
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import pptx
import pymupdf
import pytest

from slidespeaker.common import events as ev
from slidespeaker.common.fold import JobState, JobStatus, fold
from slidespeaker.common.review import approval

from .conftest import Stack, running_api
from .jobs import job_events, run_job

SMALL = ev.JobOptions(width=320, height=180)
ENGLISH_VOICE = ("piper", "en_US-joe-medium")
needs_espeak = pytest.mark.skipif(
    shutil.which("espeak-ng") is None,
    reason="espeak-ng is not installed (apt-get install espeak-ng)",
)

SPANISH_NOTES = (
    "En esta sección repasamos los resultados del trimestre y explicamos por qué las ventas "
    "crecieron en todas las regiones, sobre todo en el norte del país, donde abrimos dos "
    "tiendas nuevas durante el verano."
)
GERMAN = [
    "Die Ergebnisse des dritten Quartals zeigen, dass der Umsatz in allen Regionen gewachsen "
    "ist und die Kosten gleichzeitig gesunken sind.",
    "Wir haben zwei neue Standorte eröffnet, das Team verdoppelt und die Lieferzeiten für "
    "unsere Kunden deutlich verkürzt.",
    "Im nächsten Jahr wollen wir diese Entwicklung fortsetzen und in neue Märkte investieren.",
]
ZULU = [
    "Sawubona, unjani namhlanje? Ngiyabonga kakhulu ngokufika kwakho lapha kulo mhlangano.",
    "Sizokhuluma ngemiphumela yethu yekota yesithathu nokuthi sikhule kanjani ezifundeni zonke.",
]


@dataclass
class Slide:
    title: str
    body: list[str] = field(default_factory=list)
    notes: str = ""
    lang: str | None = None  # tagged on every run of the slide and its notes


def tagged_pptx(slides: list[Slide]) -> bytes:
    """A deck whose runs carry each slide's language tag, as PowerPoint writes them."""
    deck = pptx.Presentation()
    for spec in slides:
        slide = deck.slides.add_slide(deck.slide_layouts[1 if spec.body else 5])
        assert slide.shapes.title is not None
        frames = [slide.shapes.title.text_frame]
        slide.shapes.title.text = spec.title
        if spec.body:
            body = slide.placeholders[1].text_frame
            body.text = spec.body[0]
            for paragraph in spec.body[1:]:
                body.add_paragraph().text = paragraph
            frames.append(body)
        if spec.notes:
            slide.notes_slide.notes_text_frame.text = spec.notes
            frames.append(slide.notes_slide.notes_text_frame)
        for frame in frames if spec.lang else []:
            for paragraph in frame.paragraphs:
                for run in paragraph.runs:
                    run._r.get_or_add_rPr().set("lang", spec.lang)
    out = io.BytesIO()
    deck.save(out)
    return out.getvalue()


async def render(stack: Stack, deck: bytes, options: ev.JobOptions = SMALL) -> JobState:
    state = await run_job(stack.url, stack.home, stack.prefix, deck, "deck.pptx", options)
    assert state.status == JobStatus.completed, state.error
    return state


async def voices(stack: Stack, state: JobState) -> list[tuple[str, str]]:
    events = await job_events(stack.url, stack.prefix, state.job_id)
    voiced = sorted((e for e in events if isinstance(e, ev.SlideVoiced)), key=lambda e: e.slide)
    return [(e.provider, e.voice) for e in voiced]


async def test_short_english_titles_of_odd_words_are_read_in_english(stack: Stack) -> None:
    titles = ["Slide With Missing BlipFill.", "Slide With Dangling Rel.", "Quux Frobnitz Zork."]
    state = await render(stack, tagged_pptx([Slide(title) for title in titles]))
    assert await voices(stack, state) == [ENGLISH_VOICE] * 3
    assert (state.language, state.language_source) == ("en-US", ev.LanguageSource.tags)
    for number in (1, 2, 3):
        slide = state.slide(number)
        assert (slide.language, slide.language_source) == ("en-US", ev.LanguageSource.deck)
    assert not [w for w in state.warnings if w.code == "voice_language"]


@needs_espeak
async def test_a_spanish_deck_is_spoken_in_spanish_even_where_a_slide_says_little(
    stack: Stack,
) -> None:
    slides = [Slide(f"Resultados {n}", notes=SPANISH_NOTES, lang="es-ES") for n in (1, 2)]
    slides.append(Slide("¡Muchas gracias!", lang="es-ES"))  # a short phrase, no notes
    state = await render(stack, tagged_pptx(slides))
    spoken = await voices(stack, state)
    assert all(provider == "espeak" and voice.startswith("es") for provider, voice in spoken)
    assert [state.slide(n).language for n in (1, 2, 3)] == ["es-ES"] * 3


@needs_espeak
async def test_a_german_slide_in_an_english_deck_is_spoken_in_german(stack: Stack) -> None:
    english = "We review the quarter's results and the plans for the next year in turn."
    slides = [
        Slide("Results", [english], lang="en-US"),
        Slide("Ergebnisse", GERMAN, lang="de-DE"),
        Slide("Plans", [english], lang="en-US"),
    ]
    state = await render(stack, tagged_pptx(slides))
    assert await voices(stack, state) == [ENGLISH_VOICE, ("espeak", "de"), ENGLISH_VOICE]
    assert (state.slide(2).language, state.slide(2).language_source) == (
        "de-DE", ev.LanguageSource.tags
    )  # fmt: skip


async def test_a_slide_no_voice_speaks_gets_the_default_voice_and_a_warning(stack: Stack) -> None:
    english = ["Our results for the quarter, region by region, and what they mean for us."] * 3
    slides = [Slide("Welcome", english, lang="en-US"), Slide("Umhlangano", ZULU, lang="zu-ZA")]
    state = await render(stack, tagged_pptx(slides))
    assert await voices(stack, state) == [ENGLISH_VOICE, ENGLISH_VOICE], "the deck's voice"
    assert state.slide(2).language == "zu-ZA"
    (warning,) = [w for w in state.warnings if w.code == "voice_language"]
    assert warning.slide == 2
    assert warning.message.startswith("slide 2 is in Zulu (zu), which no installed voice speaks")
    assert "add a Piper voice for it (NAME.onnx and NAME.onnx.json)" in warning.message


def test_a_language_nothing_can_speak_is_refused_at_submission(stack: Stack) -> None:
    deck = tagged_pptx([Slide("Sawubona", ZULU, lang="zu-ZA")])
    with running_api(stack) as api:
        name = f"zulu-{uuid.uuid4().hex}.pptx"  # other tests submit to this stack meanwhile
        answer = api.post("/api/jobs", files={"file": (name, deck)}, data={"language": "zu"})
        assert answer.status_code == 422, answer.text
        assert "no installed voice speaks Zulu (zu), the language asked for" in answer.text
        listed = api.get("/api/jobs", params={"limit": 200}).json()["jobs"]
        assert name not in {job["filename"] for job in listed}, "nothing was submitted"
        bad = api.post("/api/jobs", files={"file": ("d.pptx", deck)}, data={"language": "x!"})
        assert bad.status_code == 422 and "is not a language tag" in bad.text
        waiting = api.post("/api/jobs", files={"file": ("d.pptx", deck)}, data={"review": "true"})
        job_id = waiting.json()["job_id"]
        rerun = api.post(f"/api/jobs/{job_id}/rerun", json={"language": "zu"})
        assert rerun.status_code == 422 and "speaks Zulu (zu)" in rerun.text
        api.post(f"/api/jobs/{job_id}/cancel")


def test_the_cli_refuses_a_language_nothing_can_speak_before_any_work(tmp_path: Path) -> None:
    deck = tmp_path / "deck.pptx"
    deck.write_bytes(tagged_pptx([Slide("Sawubona", ZULU, lang="zu-ZA")]))
    home = tmp_path / "home"
    command = [sys.executable, "-m", "slidespeaker.cli.main", "render", str(deck), "--lang",
               "zu", "--out", str(tmp_path / "out")]  # fmt: skip
    done = subprocess.run(
        command, capture_output=True, text=True, timeout=120,
        env={"SLIDESPEAKER_HOME": str(home), "PATH": "/usr/bin:/bin", "COLUMNS": "200"},
    )  # fmt: skip
    assert done.returncode == 1, done.stderr
    assert "no installed voice speaks Zulu (zu)" in " ".join(done.stderr.split())
    assert not home.exists(), "nothing started: no Redis, no service"


def test_a_person_fixes_one_slides_language_in_the_script() -> None:
    review = ev.JobOptions(review=True)
    scripted: list[ev.Event] = [
        ev.JobSubmitted(job_id="j", filename="d.pptx", deck_key="k", options=review),
        ev.DeckParsed(job_id="j", format="pptx", slide_count=2, language="en-US"),
        *[
            ev.SlideScripted(job_id="j", slide=n, narration=f"Slide {n}.", source="outline",
                             language="en-US", language_source=ev.LanguageSource.deck)
            for n in (1, 2)
        ],
        ev.TaskCompleted(job_id="j", task=ev.TaskRef(action=ev.Action.script_deck)),
    ]  # fmt: skip
    state = fold(scripted)
    edits = approval(state, {}, {2: "de-DE"})
    edited = fold(edits, state)
    assert (edited.slide(2).language, edited.slide(2).language_source) == (
        "de-DE", ev.LanguageSource.edited
    )  # fmt: skip
    assert edited.slide(2).narration == "Slide 2." and edited.slide(1).language == "en-US"


async def test_a_narration_past_an_hour_is_said_at_once_with_how_to_shorten_it(
    stack: Stack,
) -> None:
    doc = pymupdf.open()
    sentence = "Every page of this long report says a great deal about the results. "
    for page in range(25):
        text = f"Part {page}. " + sentence * 36
        doc.new_page().insert_textbox(pymupdf.Rect(20, 20, 580, 820), text, fontsize=5)
    options = SMALL.model_copy(update={"words_per_slide": 400, "review": True})
    state = await run_job(
        stack.url, stack.home, stack.prefix, doc.tobytes(), "report.pdf", options,
        until=JobStatus.awaiting_review,
    )  # fmt: skip
    assert state.narration_seconds is not None and state.narration_seconds > 3600
    (warning,) = [w for w in state.warnings if w.code == "long_narration"]
    assert "past an hour" in warning.message
    assert "--words-per-slide" in warning.message and "--slides" in warning.message
    assert not [s for s in state.slides.values() if s.audio_key], "told before any voicing"
