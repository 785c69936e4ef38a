"""PowerPoint decks: visible slides only, each on its own PDF page, read shape by shape."""

from __future__ import annotations

import dataclasses
from io import BytesIO
from pathlib import Path

import pymupdf
import pytest
from pptx import Presentation

from slidespeaker.common.cancel import CancelToken
from slidespeaker.scripter.content import Chart
from slidespeaker.scripter.deck import Deck, open_deck, render_slide
from slidespeaker.scripter.powerpoint.reader import read_pptx, slideshow_as_presentation

VARIOUS = "tika_various2_10s_notes_chart_smartart_table.pptx"  # slide 9 of 10 is hidden
SLIDESHOW = "msaisystem_lecture7_platform_zh_en_49s_notes.ppsx"  # 3 of 49 hidden


def _open(path: Path, workdir: Path) -> Deck:
    return open_deck(path, workdir, token=CancelToken(), soffice_timeout=120)


@pytest.fixture(scope="module")
def various(realworld: Path, tmp_path_factory: pytest.TempPathFactory) -> Deck:
    return _open(realworld / VARIOUS, tmp_path_factory.mktemp("various"))


@pytest.fixture(scope="module")
def slideshow(realworld: Path, tmp_path_factory: pytest.TempPathFactory) -> Deck:
    return _open(realworld / SLIDESHOW, tmp_path_factory.mktemp("slideshow"))


def _visible_slides_by_python_pptx(package: Path | BytesIO) -> list[tuple[int, list[str]]]:
    """(slide number, words of the notes) of each visible slide, read by python-pptx directly."""
    presentation = Presentation(str(package) if isinstance(package, Path) else package)
    return [
        (number, slide.notes_slide.notes_text_frame.text.split() if slide.has_notes_slide else [])
        for number, slide in enumerate(presentation.slides, start=1)
        if slide.element.get("show") != "0"
    ]


def _notes_words(deck: Deck) -> list[tuple[int, list[str]]]:
    return [(slide.source_slide, slide.notes.split()) for slide in deck.slides]


def _assert_pages_show_their_slides(deck: Deck) -> None:
    # LibreOffice drops hidden slides: each PDF page must carry its own slide's title.
    with pymupdf.open(deck.pdf_path) as pdf:
        assert pdf.page_count == len(deck.slides)
        titled = [(i, s.title) for i, s in enumerate(deck.slides) if s.title]
        assert titled
        for index, title in titled:
            page_text = "".join(pdf[index].get_text().split()).casefold()
            assert "".join(title.split()).casefold() in page_text, (index, title)


def test_hidden_slide_is_skipped_and_notes_stay_with_their_slide(
    realworld: Path, various: Deck
) -> None:
    assert various.format == "pptx"
    assert [s.source_slide for s in various.slides] == [1, 2, 3, 4, 5, 6, 7, 8, 10]
    assert _notes_words(various) == _visible_slides_by_python_pptx(realworld / VARIOUS)
    assert various.slides[1].notes == "NotesForSlide2"
    _assert_pages_show_their_slides(various)


def test_text_from_title_body_tables_and_charts_but_not_footers(various: Deck) -> None:
    second, third = various.slides[1], various.slides[2]
    assert second.title == "Slide2Header"
    assert second.body[:2] == ["FirstBullet", "SecondBullet"]
    (table,) = second.tables
    assert table.rows == [
        ["R1c1", "R1c2", "r1c3", "", ""],
        ["r2c1", "", "lucene_hyperlink", "", ""],
    ]
    assert table.box is not None  # where the slide shows it, as shares of the slide
    assert [round(v, 2) for v in table.box] == [0.14, 0.56, 0.81, 0.77]
    assert third.body == ["This is some WordART"]
    (chart,) = third.charts
    assert chart.box is not None  # where the slide shows it
    assert [round(v, 2) for v in chart.box] == [0.07, 0.27, 0.93, 0.9]
    assert dataclasses.replace(chart, box=None) == Chart(
        kind="column",
        title="SLIDE3ChartTitle",
        series=["Series 1", "Series 2", "Series 3"],
        categories=["Category 1", "Category 2", "Category 3", "Category 4"],
        values=[[4.3, 2.5, 3.5, 4.5], [2.4, 4.4, 1.8, 2.8], [2.0, 2.0, 3.0, 5.0]],
    )
    every_line = [line for s in various.slides for line in (s.title, *s.body)]
    assert not {"12/16/2016", "MASTERFOOTERMSG", "4", "10"} & set(every_line)


def test_picture_alt_texts(various: Deck) -> None:
    assert various.slides[4].pictures == [""]  # one picture, no description


def test_slideshow_is_read_and_converted(realworld: Path, slideshow: Deck) -> None:
    assert slideshow.format == "ppsx"
    assert len(slideshow.slides) == 46
    # python-pptx refuses a slideshow, so compare with the copy it accepts.
    package = slideshow_as_presentation(realworld / SLIDESHOW)
    assert _notes_words(slideshow) == _visible_slides_by_python_pptx(package)
    _assert_pages_show_their_slides(slideshow)


def test_unrecognized_shape_does_not_stop_the_deck(realworld: Path) -> None:
    slides, _, _ = read_pptx(realworld / "docling_unrecognized_shape_3s.pptx", "pptx")
    assert [s.title for s in slides] == ["Q3 Revenue Summary", "", "Next Steps"]
    assert "Net retention rate: 112%" in slides[1].body


def test_grouped_shapes_are_read(realworld: Path) -> None:
    (slide,), _, _ = read_pptx(
        realworld / "shapecrawler_077_chinese_grouped_shapes_1s.pptx", "pptx"
    )
    assert "尊重他人意见" in slide.body
    assert len(slide.body) > 10


def test_picture_without_image_data_is_still_read(realworld: Path) -> None:
    # One picture placeholder there has no blipFill: python-pptx fails on its .image.
    slides, total, _ = read_pptx(realworld / "poi_apache_perf_tuning_48s_notes.pptx", "pptx")
    assert (len(slides), total) == (46, 48)


def test_embedded_video_is_flagged_and_shown_as_its_poster_frame(
    realworld: Path, tmp_path: Path
) -> None:
    deck = _open(realworld / "poi_embedded_video_1s.pptx", tmp_path)
    assert deck.slides[0].has_media
    assert [(number, code) for number, code, _ in deck.warnings] == [(1, "media")]
    assert "poster frame" in deck.warnings[0][2]
    assert [p.name for p in tmp_path.iterdir()] == ["slides.pdf"], "no scratch files left"
    frame = tmp_path / "frame.png"
    with pymupdf.open(deck.pdf_path) as document:
        render_slide(document, 0, 640, 360, frame)
    picture = pymupdf.Pixmap(str(frame))
    # The slide is white but for the video, whose poster (a dark globe) fills its middle.
    assert picture.pixel(5, 5) == (255, 255, 255)
    assert max(picture.pixel(320, 180)) < 100


def test_smartart_text_is_read_from_the_diagram_data(various: Deck, realworld: Path) -> None:
    assert various.slides[3].body == ["SmartList1", "SmartList2"]  # python-pptx sees none
    slides, _, _ = read_pptx(
        realworld / "poi_bug60810_talent_review_28s_notes_smartart.pptx", "pptx"
    )
    by_number = {s.source_slide: s for s in slides}
    assert {
        "Communication and planning",
        "Line Manager Training and Prework",
        "Check data and gather insights",
    } <= set(by_number[8].body)


def test_charts_python_pptx_cannot_plot_are_still_read(realworld: Path) -> None:
    # Slide 5's chart is a 3-D bar chart: python-pptx's chart.plots raises on it.
    slides, _, _ = read_pptx(realworld / "poi_aascu_birth_to_career_34s_charts.pptx", "pptx")
    (age,) = slides[4].charts
    assert age.kind == "column" and age.categories[0] == "100 years and over"
    (enrolment,) = slides[8].charts
    assert (enrolment.kind, enrolment.series) == ("line", ["Total Enrollment (Millions)"])
