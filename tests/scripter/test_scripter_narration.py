"""Narration offline: cleaned notes, else an outline spoken from the slide's own content."""

from __future__ import annotations

import itertools
import re

import pytest

from slidespeaker.common.errors import BadInput
from slidespeaker.common.events import JobOptions, NarrationSource, SlideScripted, parse_event
from slidespeaker.scripter.content import Chart, SlideContent, Table
from slidespeaker.scripter.narration import Narrator
from slidespeaker.scripter.notes_text import clean_notes
from slidespeaker.scripter.text import word_count

ENGLISH_BODY = ["The team will ship the app for the launch and we can test it in the field."]


def _slide(
    title: str = "",
    body: list[str] | None = None,
    notes: str = "",
    pictures: list[str] | None = None,
    tables: list[Table] | None = None,
    charts: list[Chart] | None = None,
) -> SlideContent:
    return SlideContent(
        source_slide=1,
        title=title,
        body=body or [],
        notes=notes,
        pictures=pictures or [],
        has_media=False,
        image_only=False,
        tables=tables or [],
        charts=charts or [],
    )


def _narrate(*slides: SlideContent, number: int = 1, **options: object) -> tuple[str, str]:
    narration = Narrator(list(slides), JobOptions.model_validate(options), None).narrate(number)
    return narration.text, narration.source.value


@pytest.mark.parametrize(
    ("title", "said"),
    [("Thank you!", "Thank you!"), ("Questions", "Questions?"),
     ("Any questions?", "Any questions?"), ("THANK YOU", "THANK YOU."),
     ("Thank you notes", "Now let's look at Thank you notes.")],
)  # fmt: skip
def test_a_title_that_speaks_to_the_audience_is_said_as_it_is(title: str, said: str) -> None:
    slides = [_slide("Topic", ENGLISH_BODY), _slide("Plan", ENGLISH_BODY), _slide(title)]
    slides.append(_slide("End"))
    assert _narrate(*slides, number=3) == (said, "outline")


def test_notes_are_cleaned_for_speech() -> None:
    notes = (
        "• Welcome, everyone\n"
        "[click] Today we cover two things (click)\n"
        '[!div class="mx-imgBorder"] App published view\n'
        "1. Sign in at https://make.powerapps.com/\n"
        "2) The **source** is on https://github.com/slidespeaker/deck.\n"
        "Docs: https://docs.microsoft.com/en-us/learn/modules/build-app/wwl/\n"
        "Questions to jo.doe@example.org [Table was here]"
    )
    assert clean_notes(notes) == (
        "Welcome, everyone. Today we cover two things. Sign in at make dot powerapps dot com. "
        "The source is on github dot com slash slidespeaker slash deck. "
        "Docs: docs dot microsoft dot com. Questions to jo dot doe at example dot org."
    )


def test_notes_win_in_auto_and_notes_modes() -> None:
    slide = _slide("Agenda", ["One", "Two"], notes="  Welcome, everyone.\nToday: two things ")
    expected = ("Welcome, everyone. Today: two things.", "notes")
    assert _narrate(slide) == expected
    assert _narrate(slide, narration="notes") == expected


def test_outline_mode_never_reads_the_notes() -> None:
    slide = _slide("Agenda", ENGLISH_BODY, notes="Secret presenter reminder.")
    text, source = _narrate(slide, narration="outline")
    assert source == "outline" and "Secret" not in text and "ship the app" in text


def test_notes_mode_holds_a_slide_without_notes_silent() -> None:
    narration = Narrator([_slide("Agenda", ENGLISH_BODY)], JobOptions(narration="notes"), None)
    said = narration.narrate(1)
    assert (said.text, said.source) == ("", NarrationSource.none)
    assert "no speaker notes" in said.silent_because


def test_notes_that_are_only_cues_fall_back_to_the_outline() -> None:
    assert _narrate(_slide("Results", ENGLISH_BODY, notes="[Table was here]\n12"))[1] == "outline"


def test_llm_mode_without_a_model_is_refused() -> None:
    with pytest.raises(BadInput, match="SLIDESPEAKER_LLM_MODEL"):
        Narrator([_slide("Hi")], JobOptions(narration="llm"), None)


def test_short_bullets_become_one_spoken_list() -> None:
    agenda = _slide("Agenda", ["Introduction", "Build a canvas app", "Share an app"])
    text, source = _narrate(_slide("Welcome", ENGLISH_BODY), agenda, number=2)
    assert source == "outline"
    assert text.endswith("Introduction, Build a canvas app and Share an app.")
    assert "Agenda" in text.split(".")[0]


def test_transitions_vary_and_never_name_the_page() -> None:
    slides = [_slide(f"Topic {n}", ENGLISH_BODY) for n in range(1, 41)]
    narrator = Narrator(slides, JobOptions(), None)
    openers = [narrator.narrate(n).text.split(" Topic")[0] for n in range(1, 41)]
    assert openers[0].startswith("Welcome")
    assert openers[-1] == "Finally,"
    assert all(a != b for a, b in itertools.pairwise(openers)), openers
    assert len(set(openers)) >= 6
    assert not any("page" in o.lower() or "slide" in o.lower() for o in openers)
    again = Narrator(slides, JobOptions(), None)
    assert [again.narrate(n).text for n in range(1, 41)] == [
        narrator.narrate(n).text for n in range(1, 41)
    ], "the same deck always gets the same script"


def test_a_repeated_title_continues_instead_of_announcing() -> None:
    divider, content = _slide("Introduction"), _slide("Introduction", ENGLISH_BODY)
    text, _ = _narrate(_slide("Start", ENGLISH_BODY), divider, content, number=3)
    assert text.split(" Introduction")[0] in ("More on", "Staying with", "Continuing with")


DOUBLED_WORD = re.compile(r"\b(\w+)\s+\1\b", re.IGNORECASE)


def test_a_table_is_said_as_the_relation_it_sets_out_each_header_once() -> None:
    table = Table(
        rows=[
            ["Region", "Q1", "Q2"],
            ["North", "10", "12"],
            ["South", "7", ""],
            ["…", "…", "…"],
            ["East", "1", "2"],
            ["West", "3", "4"],
        ]
    )
    text, _ = _narrate(_slide("Sales by region", ENGLISH_BODY, tables=[table]))
    assert text.endswith(
        "The table gives Q1 and Q2 for each Region, 4 in all. North has 10 and 12; "
        "South has Q1 7; East has 1 and 2."
    )
    assert text.count("Q2") == 1, "a complete row does not repeat the headers"
    assert not DOUBLED_WORD.search(text)


def test_a_long_table_is_summarised_not_read_cell_by_cell() -> None:
    rows = [["Station", "Rainfall", "Sunshine"]]
    rows += [[f"Station {n}", f"{n * 3} mm", f"{n} h"] for n in range(1, 31)]
    text, _ = _narrate(_slide("Weather", ENGLISH_BODY, tables=[Table(rows=rows)]))
    assert "The table gives Rainfall and Sunshine for each Station, 30 in all." in text
    assert "Station 3 has 9 mm and 3 h." in text and "Station 4" not in text
    assert (text.count("Rainfall"), text.count("Sunshine")) == (1, 1)


def test_a_two_column_table_pairs_its_items() -> None:
    table = Table(rows=[["Output", "File"], ["video", "video.mp4"], ["subtitles", "subtitles.vtt"]])
    text, _ = _narrate(_slide("Outputs", ENGLISH_BODY, tables=[table]))
    assert text.endswith(
        "The table pairs each Output with its File. Video is video.mp4; subtitles is subtitles.vtt."
    )


def test_a_pandas_index_is_not_said_as_a_label() -> None:
    rows = [["", "DISTANCE", "ARR_DELAY"], ["0", "1670", "7"], ["1", "580", "-4"]]
    text, _ = _narrate(_slide("Data", ENGLISH_BODY, tables=[Table(rows=rows)]))
    assert text.endswith(
        "The table gives DISTANCE and ARR DELAY for each row. "
        "The first row has 1670 and 7; the second row has 580 and -4."
    )


def test_a_caption_row_is_not_taken_for_a_header() -> None:
    rows = [["Ranked 7th out of 49 schools that had at least 100 respondents", ""], ["A", "1"]]
    text, _ = _narrate(_slide("Schools", ENGLISH_BODY, tables=[Table(rows=rows)]))
    assert text.endswith("The slide has a table of two rows.")


def test_chart_title_series_and_extremes_are_said() -> None:
    chart = Chart(
        kind="column",
        title="Revenue by year",
        series=["Europe", "Asia", ""],
        categories=["2019", "2020", "2021", "2022", "2023"],
        values=[[1.0, 2.0, 3.5, None, 4.0], [2.0, 2.5, 1.25, 6.0, 5.0], []],
    )
    text, _ = _narrate(_slide("Growth", ENGLISH_BODY, charts=[chart]))
    assert text.endswith(
        "A column chart, Revenue by year, compares Europe and Asia from 2019 to 2023. "
        "The highest value, 6, is for 2022, Asia; the lowest, 1, for 2019, Europe."
    )
    single = Chart(
        kind="line", title="", series=["Enrolment"], categories=["1995", "2000", "2010"],
        values=[[14.2, 15.3, 21.3]],
    )  # fmt: skip
    text, _ = _narrate(_slide("Enrolment", ENGLISH_BODY, charts=[single]))
    assert text.endswith(
        "A line chart shows Enrolment for 1995, 2000 and 2010. "
        "2010 is highest, at 21.3, and 1995 lowest, at 14.2."
    )


def test_code_is_described_not_read_symbol_by_symbol() -> None:
    body = [
        "from sklearn.model_selection import train_test_split",
        "X_train, X_test, y_train, y_test =",
        "train_test_split(X, y, test_size=0.3, random_state=42)",
        "test_size: what portion of the rows to put into the test data frames.",
    ]
    start = _slide("Start", ENGLISH_BODY)
    text, _ = _narrate(start, _slide("Now we can call train_test_split", body), number=2)
    assert text == (
        "Now we can call train_test_split. The slide shows code that imports train test split "
        "from sklearn dot model selection and sets X train, X test, y train and y test by "
        "calling train test split. test_size: what portion of the rows to put into the test "
        "data frames."
    )
    title_is_code = _slide("X = delays_df.loc[:,['DISTANCE']]", ["y = delays_df.loc[:,['ARR']]"])
    text, _ = _narrate(start, title_is_code, number=2)
    assert text == (
        "The slide shows code that sets X from delays df dot loc and sets y from delays df dot loc."
    )
    legend = ["RL = Reading for Literature", "W = Writing", "They break sendfile()"]
    text, _ = _narrate(start, _slide("Strands", legend), number=2)
    assert "code" not in text and "W = Writing" in text


def test_a_title_that_is_a_clause_is_said_as_it_is() -> None:
    text, _ = _narrate(_slide("This is some content", ENGLISH_BODY))
    assert text.startswith("Welcome. This is some content. ")
    text, _ = _narrate(
        _slide("Start", ENGLISH_BODY), _slide("Now we can call it", ENGLISH_BODY), number=2
    )
    assert text.startswith("Now we can call it. ")
    assert not DOUBLED_WORD.search(text)


def test_long_text_is_trimmed_at_sentences_and_the_rest_named_by_its_headings() -> None:
    body = [
        "Filter - This function narrows down the rows. " * 6,
        "Match - This function checks a value against a pattern for you. " * 3,
        "Distinct - This function returns the unique values of a column in a table. " * 3,
        "Math functions - Sum, Average and more work on numbers in the data.",
    ]
    text, _ = _narrate(_slide("Get started with functions", body), words_per_slide=60)
    assert text.endswith("The slide also mentions Match, Distinct and Math functions.")
    said = text.removesuffix("The slide also mentions Match, Distinct and Math functions.")
    assert word_count(said) <= 60 and said.rstrip().endswith(".")
    assert "Filter: This function narrows down the rows." in text


def test_default_length_stays_near_the_target() -> None:
    body = [f"Point {n} is explained in a sentence of about ten words here." for n in range(30)]
    text, _ = _narrate(_slide("Many points", body))
    assert 60 <= word_count(text) <= 130


def test_other_languages_get_no_english_glue() -> None:
    hebrew = _slide("מבנה הבחינה", ["הבחינה נערכת בסוף כיתה י״ב", "שלב ראשון"])
    text, source = _narrate(hebrew, hebrew, number=2)
    assert source == "outline"
    assert text == "מבנה הבחינה. הבחינה נערכת בסוף כיתה י״ב. שלב ראשון."


def test_chinese_lines_end_with_a_wide_full_stop() -> None:
    assert _narrate(_slide("倾听不同观点", ["尊重他人意见"]))[0] == "倾听不同观点。 尊重他人意见。"


def test_a_described_picture_is_said_a_generic_one_is_not() -> None:
    text, _ = _narrate(_slide(pictures=["A cat asleep on a sofa in the sun", "Picture 3"]))
    assert text == "The picture shows a cat asleep on a sofa in the sun."
    machine = "A picture containing bottle, indoor Description generated with high confidence"
    assert _narrate(_slide(pictures=[machine]))[0] == "The picture shows bottle, indoor."
    assert _narrate(_slide(pictures=["Picture 3", "logo.png"])) == ("", "none")


def test_nothing_to_say() -> None:
    assert _narrate(_slide()) == ("", "none")
    assert _narrate(_slide(body=["4", "3 / 22"])) == ("", "none")


def test_old_logs_name_the_outline_slide_text() -> None:
    old = {"type": "slide.scripted", "job_id": "j", "slide": 1, "narration": "Hi."}
    event = parse_event({**old, "source": "slide_text"})
    assert isinstance(event, SlideScripted) and event.source == NarrationSource.outline


def test_another_language_offline_needs_a_model_unless_the_deck_is_in_it() -> None:
    english = _slide("Agenda", ENGLISH_BODY, notes="Welcome to the talk.")
    with pytest.raises(BadInput, match="narrating in de needs a language model"):
        Narrator([english], JobOptions(language="de"), None)
    assert _narrate(english, language="en-GB") == ("Welcome to the talk.", "notes")
    hebrew = _slide("מבנה הבחינה", ["הבחינה נערכת בסוף כיתה י״ב"])
    assert _narrate(hebrew, language="he")[1] == "outline"
    with pytest.raises(BadInput, match="narrating in ja"):
        Narrator([hebrew], JobOptions(language="ja"), None)
