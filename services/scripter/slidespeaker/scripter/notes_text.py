"""Speaker notes made fit to be read aloud: what a presenter reads with their eyes but
would never say (bullets, "[click]" cues, markdown marks, long URLs) is taken out."""

from __future__ import annotations

import re

from slidespeaker.scripter.text import SENTENCE_ENDS, has_words, one_line

# A bullet or list number at the start of a line: "•", "-", "*", "1.", "2)", "a)".
LEADING_BULLET = re.compile(r"^\s*(?:[•◦▪▫■□●○·‣⁃➢➤►▶✓✔\-–—*+]+|\(?\d{1,2}[.)]|[a-z][.)])\s+")
# A line that is a markdown directive or image, not speech: '[!div class="x"] Caption', '![alt](x)'.
DIRECTIVE_LINE = re.compile(r"^\s*(?:\[!|!\[)")
# Stage directions in brackets or angle brackets: [click], [Click 2], <pause>, [Table was here].
BRACKETED = re.compile(r"\[[^\[\]]{0,80}\]|<[^<>]{0,40}>")
# The same, in parentheses, only when it is a known cue: "(click)", "(pause 2s)".
PAREN_CUE = re.compile(
    r"\((?:click|next|pause|build|animate|animation|advance|transition|demo)\b[^()]{0,30}\)",
    re.IGNORECASE,
)
MARKDOWN_MARKS = re.compile(r"(\*\*|__|`|^#+\s+)", re.MULTILINE)
MARKDOWN_LINK = re.compile(r"\[([^\]]+)\]\((?:https?://)?[^)]*\)")
EMAIL = re.compile(r"\b([\w.+-]+)@([\w-]+(?:\.[\w-]+)+)\b")
# With a scheme, anything; without, a dotted name ending in a common top-level domain.
URL = re.compile(
    r"\b(?:https?://|www\.)[^\s<>\"')\]]+"
    r"|\b(?:[a-z0-9-]+\.)+(?:com|org|net|io|dev|ai|edu|gov|app|ly|ms|me|co|info)\b(?:/[^\s<>\"')\]]*)?",
    re.IGNORECASE,
)
TRAILING_PUNCTUATION = ".,;:!?"
# A path is read out when it is short and made of words ("github.com/slidespeaker");
# a longer one ("docs.microsoft.com/en-us/learn/modules/...") is only its site.
MAX_SPOKEN_PATH_SEGMENTS = 2
SPOKEN_PATH_SEGMENT = re.compile(r"^[A-Za-z][A-Za-z0-9_-]{0,24}$")


def clean_notes(notes: str) -> str:
    """The notes as sentences to be said; "" when nothing sayable is left."""
    lines = (speakable(line) for line in notes.splitlines())
    sentences = [_as_sentence(line) for line in lines if has_words(line)]
    return " ".join(sentences)


def speakable(line: str) -> str:
    """One line without cues, markup and bullets, its URLs and e-mail addresses as said."""
    if DIRECTIVE_LINE.match(line):
        return ""
    line = MARKDOWN_LINK.sub(r"\1", line)
    line = BRACKETED.sub(" ", line)
    line = PAREN_CUE.sub(" ", line)
    line = MARKDOWN_MARKS.sub("", line)
    line = LEADING_BULLET.sub("", line)
    line = EMAIL.sub(lambda m: f"{_spoken_host(m[1])} at {_spoken_host(m[2])}", line)
    line = URL.sub(lambda m: spoken_url(m[0]), line)
    return one_line(line)


def spoken_url(url: str) -> str:
    """ "https://github.com/x/" -> "github dot com slash x"; a long path -> the site alone."""
    kept = url.rstrip(TRAILING_PUNCTUATION)
    trailing = url[len(kept) :]
    address = re.sub(r"^(?:https?://)?(?:www\.)?", "", kept, flags=re.IGNORECASE)
    host, _, path = address.partition("/")
    segments = [segment for segment in path.split("/") if segment]
    spoken = _spoken_host(host)
    if 0 < len(segments) <= MAX_SPOKEN_PATH_SEGMENTS and all(
        SPOKEN_PATH_SEGMENT.match(segment) for segment in segments
    ):
        spoken += "".join(f" slash {segment}" for segment in segments)
    return spoken + trailing


def _spoken_host(host: str) -> str:
    return " dot ".join(part for part in host.split(".") if part)


def _as_sentence(line: str) -> str:
    # A list item becomes its own sentence, so the voice pauses between items.
    return line if line.endswith(SENTENCE_ENDS) else line + "."
