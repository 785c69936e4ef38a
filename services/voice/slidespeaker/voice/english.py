"""How an English reader says what slides write in figures and shorthand.

One written word at a time ("3.5%", "2024-03-01", "$1.2M", "Q3", "e.g.", a URL, "10:30",
"21st", "1999"), so each spoken form belongs to exactly one written word and the word's
timing can be mapped back to what the slide says. Punctuation around a word stays around
its spoken form (the engine pauses at it). A word no rule knows is left as written: the
engine's own reading of it is the fallback.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from decimal import Decimal

from num2words import num2words  # type: ignore[import-untyped]

_OPENERS = "\"'([{“‘«"
_CLOSERS = "\"')]}”’»,;:!?…"

ABBREVIATIONS = {
    "e.g.": "for example", "eg.": "for example", "i.e.": "that is", "ie.": "that is",
    "etc.": "et cetera", "vs.": "versus", "vs": "versus", "approx.": "approximately",
    "cf.": "compare", "dr.": "Doctor", "mr.": "Mister", "mrs.": "Missus", "ms.": "Miz",
    "prof.": "Professor", "fig.": "figure", "a.m.": "A M", "p.m.": "P M",
    "&": "and", "+": "plus", "=": "equals", "@": "at", "%": "percent", "w/": "with",
}  # fmt: skip
CASED_ABBREVIATIONS = {"No.": "number", "Nos.": "numbers"}  # "no." can end a sentence
CURRENCIES = {"$": "dollar", "€": "euro", "£": "pound", "¥": "yen"}
SCALES = {"k": "thousand", "m": "million", "mn": "million", "b": "billion", "bn": "billion"}
SCALES |= {"t": "trillion", "tn": "trillion"}
MONTHS = [
    "January", "February", "March", "April", "May", "June", "July", "August", "September",
    "October", "November", "December",
]  # fmt: skip
# Top-level domains that make "word.word" a web address rather than a typo'd sentence.
DOMAINS = {"com", "org", "net", "io", "ai", "dev", "edu", "gov", "co", "app", "info", "uk", "de"}

_NUMBER = r"[-+−]?\d{1,3}(?:,\d{3})+(?:\.\d+)?|[-+−]?\d+(?:\.\d+)?"


def say(word: str) -> str:
    """The spoken form of one written word (with its surrounding punctuation)."""
    core = word.strip(_OPENERS + _CLOSERS)
    if not core:
        return word
    lead = word[: word.index(core)]
    trail = word[len(lead) + len(core) :]
    expanded = CASED_ABBREVIATIONS.get(core) or ABBREVIATIONS.get(core.lower())
    if expanded:
        return lead + expanded + trail
    dotted = core.rstrip(".")  # a sentence's full stop is not part of the word
    spoken = _spoken(dotted)
    if spoken is None:
        return word
    return lead + spoken + core[len(dotted) :] + trail


def _spoken(core: str) -> str | None:
    for pattern, reading in _RULES:
        found = pattern.fullmatch(core)
        if found:
            spoken = reading(found)
            if spoken is not None:
                return spoken
    return None


def number(text: str) -> str:
    """A cardinal: "1,234.5" -> "one thousand, two hundred and thirty-four point five"."""
    plain = text.replace(",", "").replace("−", "-").lstrip("+")
    if re.fullmatch(r"0\d+", plain):  # "007", a code: said digit by digit
        return " ".join(num2words(int(d)) for d in plain)
    return str(num2words(Decimal(plain))).replace(",", "")  # no pause inside a number


def year(text: str) -> str:
    return str(num2words(int(text), to="year"))


def _year_or_number(text: str) -> str:
    return year(text) if re.fullmatch(r"1[1-9]\d\d|20\d\d", text) else number(text)


def _percent(m: re.Match[str]) -> str:
    return f"{number(m[1])} percent"


def _money(m: re.Match[str]) -> str:
    amount, scale = m[2], (m[3] or "").lower()
    name = CURRENCIES[m[1]]
    if not scale and re.fullmatch(r"\d+\.\d\d", amount.replace(",", "")):
        whole, cents = amount.replace(",", "").split(".")
        dollars = f"{number(whole)} {_plural(name, whole != '1')}"
        return dollars if cents == "00" else f"{dollars} {number(cents.lstrip('0') or '0')}"
    spoken = " ".join(filter(None, [number(amount), SCALES.get(scale, "")]))
    return f"{spoken} {_plural(name, scale != '' or amount != '1')}"


def _plural(name: str, many: bool) -> str:
    return name + "s" if many and name != "yen" else name


def _scaled(m: re.Match[str]) -> str:
    return f"{number(m[1])} {SCALES[m[2].lower()]}"


def _date(m: re.Match[str]) -> str | None:
    month, day = int(m[2]), int(m[3])
    if not (1 <= month <= 12 and 1 <= day <= 31):
        return None
    return f"{MONTHS[month - 1]} {num2words(day, to='ordinal')}, {year(m[1])}"


def _time(m: re.Match[str]) -> str | None:
    hour, minute = int(m[1]), int(m[2])
    if hour > 24 or minute > 59:
        return None
    said = str(num2words(hour))
    if minute == 0:
        said += "" if m[3] else " o'clock"
    elif minute < 10:
        said += f" oh {num2words(minute)}"
    else:
        said += f" {num2words(minute)}"
    return said + {"am": " A M", "pm": " P M", "": ""}[(m[3] or "").lower()]


def _ordinal(m: re.Match[str]) -> str:
    return str(num2words(int(m[1]), to="ordinal"))


def _decade(m: re.Match[str]) -> str:
    said = year(m[1])  # "nineteen ninety" -> "nineteen nineties"
    return said[:-1] + "ies" if said.endswith("y") else said + "s"


def _range(m: re.Match[str]) -> str:
    return f"{_year_or_number(m[1])} to {_year_or_number(m[2])}"


def _letters_and_number(m: re.Match[str]) -> str:
    return f"{m[1]} {number(m[2])}"  # "Q3" -> "Q three", "FY24" -> "FY twenty-four"


def _times(m: re.Match[str]) -> str:
    return f"{number(m[1])} times"


def _web(m: re.Match[str]) -> str | None:
    address = m[0]
    bare = re.sub(r"^[a-z]+://", "", address)
    host = bare.split("/")[0].split("?")[0]
    if not (address != bare or host.startswith("www.") or host.rsplit(".", 1)[-1] in DOMAINS):
        return None
    parts = re.split(r"([./\-_?=&#:@])", bare.rstrip("/"))
    names = {".": "dot", "/": "slash", "-": "dash", "_": "underscore", "?": "question mark",
             "=": "equals", "&": "and", "#": "hash", ":": "colon", "@": "at"}  # fmt: skip
    spoken = [names.get(part, part) for part in parts if part]
    return " ".join("w w w" if part == "www" else part for part in spoken)


def _email(m: re.Match[str]) -> str:
    user, host = m[0].split("@")
    return f"{_separated(user)} at {_separated(host)}"


def _separated(text: str) -> str:
    return " ".join({".": "dot", "-": "dash", "_": "underscore"}.get(p, p)
                    for p in re.split(r"([.\-_])", text) if p)  # fmt: skip


def _plain(m: re.Match[str]) -> str:
    return _year_or_number(m[0])


_Rule = tuple[re.Pattern[str], Callable[[re.Match[str]], str | None]]
_RULES: list[_Rule] = [
    (re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+"), _email),
    (re.compile(r"(?:[a-z]+://)?[\w-]+(?:\.[\w-]+)+(?:[/?#]\S*)?", re.I), _web),
    (re.compile(rf"({_NUMBER})%"), _percent),
    (re.compile(rf"([$€£¥])({_NUMBER})(k|m|mn|b|bn|t|tn)?", re.I), _money),
    (re.compile(r"(\d+(?:\.\d+)?)(bn|mn|tn)", re.I), _scaled),
    (re.compile(r"(\d{4})-(\d{2})-(\d{2})"), _date),
    (re.compile(r"(\d{1,2}):(\d{2})(am|pm)?", re.I), _time),
    (re.compile(r"(\d+)(?:st|nd|rd|th)", re.I), _ordinal),
    (re.compile(r"(1[1-9]\d0|20\d0)'?s"), _decade),
    (re.compile(r"(\d+)[–-](\d+)"), _range),
    (re.compile(r"([A-Z]{1,3})(\d{1,2})"), _letters_and_number),
    (re.compile(r"(\d+(?:\.\d+)?)x", re.I), _times),
    (re.compile(_NUMBER), _plain),
]
