"""What the scripter reads out of a deck: the visible slides' text and the PDF that shows them."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from slidespeaker.common.deckfile import DeckFormat

# (slide number, 1-based in Deck.slides, or None for the whole deck; code; message for a person)
DeckWarning = tuple[int | None, str, str]


Box = tuple[float, float, float, float]  # left, top, right, bottom, as shares of the slide


@dataclass(frozen=True)
class Table:
    rows: list[list[str]]  # the first row is taken as the header; cells "" where empty
    box: Box | None = None  # where the slide shows it; None where unknown (in a group)


@dataclass(frozen=True)
class Chart:
    kind: str  # what a listener would call it: "column", "line", "pie", ...; "" if unknown
    title: str
    series: list[str]  # the series' names, "" where unnamed
    categories: list[str]
    # Each series' values by category (None where the file holds none), when cached in it.
    values: list[list[float | None]] = field(default_factory=list)
    box: Box | None = None  # where the slide shows it; None where unknown (in a group)


@dataclass(frozen=True)
class Diagram:
    """A SmartArt diagram: its nodes' text, in the order they were typed."""

    nodes: list[str]
    box: Box | None = None  # where the slide shows it; None where unknown (in a group)


# A part of the slide in a frame of its own, whose text the pointer can mark piece by piece.
Framed = Table | Chart | Diagram


@dataclass(frozen=True)
class SlideContent:
    source_slide: int  # the deck's own slide number (1-based, hidden slides counted) or PDF page
    title: str
    body: list[str]  # paragraphs, bullets and SmartArt nodes in reading order, title excluded
    notes: str  # speaker notes, "" if none
    pictures: list[str]  # alt text of each picture, "" where it has none
    has_media: bool  # embedded video or audio
    image_only: bool  # a PDF page that is only an image (a scan), no text layer
    tables: list[Table] = field(default_factory=list)
    charts: list[Chart] = field(default_factory=list)
    diagrams: list[Diagram] = field(default_factory=list)  # also said in `body`
    # Characters of the slide's own text, and of its notes, per language tag ("": no tag,
    # so the deck's default); see language_tags.
    text_languages: dict[str, int] = field(default_factory=dict)
    notes_languages: dict[str, int] = field(default_factory=dict)

    @property
    def framed(self) -> list[Framed]:
        return [*self.tables, *self.charts, *self.diagrams]


@dataclass(frozen=True)
class DeckText:
    """What a deck says, read before (or without) converting it."""

    format: DeckFormat
    slides: list[SlideContent]  # the visible slides (of the selection, if any), in order
    pages: list[int]  # slides[i] is page pages[i] (from 0) of the deck's PDF, or once converted
    visible: int  # the deck's visible slides, selected or not: its PDF's page count
    language: str | None = None  # the deck's default language tag (text with no tag of its own)


@dataclass(frozen=True)
class Deck:
    format: DeckFormat
    slides: list[SlideContent]  # visible slides only, in order
    pdf_path: Path  # page i (0-based) is the image of slides[i]
    warnings: list[DeckWarning]
    language: str | None = None  # as DeckText.language
