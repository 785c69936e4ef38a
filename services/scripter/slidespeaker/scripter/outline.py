"""The offline narration of a slide without notes, from its own title, text, tables,
charts and picture descriptions: spoken sentences, opened by a transition.

Length: the narration aims at `words_per_slide` words. Sentences are kept in reading
order while they fit (the first sentence after the title always, so no slide is only its
title); from the first that does not fit, the rest of the slide is not read but named:
the headings of what was left out ("Filter" of "Filter - This function ...", or a short
bullet itself) are said in one closing sentence, so the listener still hears what the
slide covers. That sentence may take the narration a few words past the target.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass
from itertools import groupby

from slidespeaker.scripter.code_lines import describe, is_code
from slidespeaker.scripter.content import SlideContent
from slidespeaker.scripter.notes_text import speakable
from slidespeaker.scripter.spoken import MAX_LISTED, chart_sentences, join_english, table_sentences
from slidespeaker.scripter.text import SENTENCE_ENDS, as_sentence, has_words, sentences, word_count
from slidespeaker.scripter.transitions import opener

MAX_FRAGMENT_WORDS = 8  # a bullet this short without a full stop is a list item, not a sentence
MAX_HEADING_WORDS = 5
# "Filter - This function ...", "Context: a national programme": a heading, then its text.
HEADED = re.compile(r"^(?P<heading>[^:–—-]{2,60}?)\s*(?:\s[-–—]\s|:\s)(?P<text>.+)$")
LIST_LEADS = ("It covers {items}.", "The points here are {items}.", "We look at {items}.")
SUMMARY = "The slide also mentions {headings}."
# Alt text PowerPoint writes by itself says nothing about the picture.
GENERIC_ALT_TEXT = re.compile(
    r"^(?:picture|image|graphic|photo|content placeholder|grafik|bild)\s*\d*$|\.\w{3,4}$",
    re.IGNORECASE,
)
# What PowerPoint's automatic descriptions add: "A close up of a logo Description
# generated with very high confidence", "A picture containing bottle, indoor".
MACHINE_DESCRIPTION = re.compile(
    r"\s*Description (?:automatically )?generated(?: with \w+(?: \w+)? confidence)?\.?$"
)
MACHINE_LEAD = re.compile(r"^(?:a picture containing|an image containing)\s+", re.IGNORECASE)
ARTICLE = re.compile(r"^(A|An|The)\b")


@dataclass(frozen=True)
class OutlineContext:
    number: int  # the slide's place among the visible slides, from 1
    total: int
    previous_title: str
    english: bool  # English glue words and transitions; otherwise the slide's words alone
    words_per_slide: int


@dataclass(frozen=True)
class Passage:
    sentences: list[str]
    headings: list[str]  # what names this passage when it is left out


def outline_narration(slide: SlideContent, context: OutlineContext) -> str:
    """Spoken sentences for the slide; "" when it has nothing to say."""
    # A title that is code is described with the code below it, not announced.
    code_title = is_code(slide.title)
    passages = _passages(slide, context, code_title)
    if not has_words(slide.title) and not passages:
        return ""
    said = [_opening(slide.title, context)] if has_words(slide.title) and not code_title else []
    return " ".join(_fit(said, passages, context))


def _opening(title: str, context: OutlineContext) -> str:
    title = speakable(title)
    if context.english:
        return opener(title, context.number, context.total, context.previous_title)
    return as_sentence(title)


def _passages(slide: SlideContent, context: OutlineContext, code_title: bool) -> list[Passage]:
    passages = _body_passages(_distinct_lines(slide, code_title), context)
    for table in slide.tables:
        passages += [Passage([s], []) for s in table_sentences(table, context.english)]
    for chart in slide.charts:
        heading = [chart.title] if chart.title else []
        passages.append(Passage(chart_sentences(chart, context.english), heading))
    if not passages:
        passages = _picture_passages(slide.pictures, context.english)
    return passages


def _distinct_lines(slide: SlideContent, code_title: bool) -> list[str]:
    """Body lines with words (as written: code is told by its symbols), without repeats of
    the title or of each other; the title first when it is code."""
    seen = {_key(speakable(slide.title))}
    lines = [slide.title] if code_title else []
    for line in slide.body:
        said = speakable(line)
        if has_words(said) and _key(said) not in seen:
            seen.add(_key(said))
            lines.append(line)
    return lines


def _key(text: str) -> str:
    return "".join(text.split()).casefold().rstrip("".join(SENTENCE_ENDS))


def _body_passages(lines: list[str], context: OutlineContext) -> list[Passage]:
    """Paragraphs one by one; runs of short bullets as one list, runs of code lines as one
    description of the code (in English; in other languages left to the picture)."""
    passages: list[Passage] = []
    for kind, group in groupby(lines, key=_kind):
        run = list(group)
        if kind == "code":
            passages += [Passage([describe(run)], [])] if context.english else []
        elif kind == "fragment":
            passages += _list_passages([speakable(line) for line in run], context)
        else:
            passages += [_paragraph_passage(speakable(line)) for line in run]
    return passages


def _kind(line: str) -> str:
    if is_code(line):
        return "code"
    return "fragment" if _is_fragment(speakable(line)) else "paragraph"


def _is_fragment(line: str) -> bool:
    return len(line.split()) <= MAX_FRAGMENT_WORDS and not line.endswith(SENTENCE_ENDS)


def _list_passages(fragments: list[str], context: OutlineContext) -> list[Passage]:
    """Short bullets said as one list ("It covers A, B and C.") in English, else one by one."""
    if len(fragments) < 2 or not context.english:
        return [Passage([as_sentence(f)], [f]) for f in fragments]
    lead = LIST_LEADS[random.Random(context.number).randrange(len(LIST_LEADS))]
    # Mid-sentence, an item's leading article is not capitalised ("It covers the ...").
    items = [ARTICLE.sub(lambda m: m[1].lower(), fragment) for fragment in fragments]
    return [Passage([lead.format(items=join_english(items))], fragments)]


def _paragraph_passage(line: str) -> Passage:
    headed = HEADED.match(line)
    if headed and len(headed["heading"].split()) <= MAX_HEADING_WORDS:
        heading = headed["heading"].strip()
        return Passage(sentences(as_sentence(f"{heading}: {headed['text']}")), [heading])
    return Passage(sentences(as_sentence(line)), [])


def _picture_passages(pictures: list[str], english: bool) -> list[Passage]:
    described = [alt for alt in pictures if has_words(alt) and not GENERIC_ALT_TEXT.search(alt)]
    if not described:
        return []
    if english:
        return [Passage([f"The picture shows {_described(alt)}."], []) for alt in described]
    return [Passage([as_sentence(alt)], []) for alt in described]


def _described(alt: str) -> str:
    """Alt text as the object of "The picture shows ...", without PowerPoint's boilerplate."""
    alt = MACHINE_LEAD.sub("", MACHINE_DESCRIPTION.sub("", alt)).rstrip(".")
    return ARTICLE.sub(lambda m: m[1].lower(), alt)


def _fit(said: list[str], passages: list[Passage], context: OutlineContext) -> list[str]:
    words = sum(word_count(s) for s in said)
    body_said = False
    for index, passage in enumerate(passages):
        for position, sentence in enumerate(passage.sentences):
            if body_said and words + word_count(sentence) > context.words_per_slide:
                left_out = passages[index + 1 :] if position else passages[index:]
                return [*said, *_summary(left_out, context.english)]
            said.append(sentence)
            words += word_count(sentence)
            body_said = True
    return said


def _summary(left_out: list[Passage], english: bool) -> list[str]:
    headings = list(dict.fromkeys(h for passage in left_out for h in passage.headings))
    if not headings:
        return []
    shown = headings[:MAX_LISTED]
    if english:
        return [SUMMARY.format(headings=join_english(shown))]
    return [as_sentence(", ".join(shown))]
