"""Code on a slide, said as a person presenting it would: what it does and what it calls,
never symbol by symbol ("X = delays_df.loc[:, ]" read aloud is noise).

Only lines that are plainly code are taken: an import, an assignment to a name, a call
with arguments, or a line left open by `=`, `,` or `(` (continued on the next line).
Prose that mentions an identifier ("train_test_split splits the data") stays prose.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from slidespeaker.scripter.spoken import join_english

NAME = r"[A-Za-z_][\w.]*"
NAMES = rf"{NAME}(?:\s*,\s*{NAME})*"
IMPORT = re.compile(rf"^\s*(?:from\s+(?P<module>{NAME})\s+)?import\s+(?P<names>{NAMES})")
# `a, b = ...`, `x[...] = ...` or `var i = ...` at the start of the line (not `==`).
ASSIGNMENT = re.compile(rf"^\s*(?:[\w<>]+\s+)?(?P<targets>{NAMES})\s*(?:\[[^\]]*\])?\s*=(?!=)\s*")
CALL = re.compile(rf"(?P<name>{NAME})\((?P<args>[^()]*)\)?")
OPEN_END = ("=", ",", "(", "[", "{", "\\")
# A brace ending a line, a statement's `);`, a comparison: code, not prose (arrows, empty
# calls and footnote brackets are prose often enough: "input -> output", "They break
# sendfile()", "here[1]").
CODE_MARKS = re.compile(r"[{}]\s*$|\)\s*;\s*$|\w\s*==\s*\w")
# An assigned value that is one capitalised word is a legend ("W = Writing"), not code.
LEGEND_VALUE = re.compile(r"[A-Z][a-z]+[.!?]?")
# What separates the tokens of code; prose has words separated by spaces alone.
SEPARATORS = re.compile(r"[\[\](){},=:;]")
DECLARED = re.compile(r"(\w+)\s*(?:\(\)\s*;|\{)")  # a method or property declared
SPOKEN_SYMBOLS = {"_": " ", ".": " dot "}


def is_code(line: str) -> bool:
    line = line.strip()
    if not line or (" " not in line and "(" not in line and "=" not in line):
        return False
    if IMPORT.match(line) or (line.endswith(OPEN_END) and _tokens_only(line)):
        return True
    assigned = ASSIGNMENT.match(line)
    value = line[assigned.end() :] if assigned else ""
    # Not "RL = Reading for Literature", nor "W = Writing".
    if assigned and _tokens_only(value) and not LEGEND_VALUE.fullmatch(value):
        return True
    return any(_is_call(m) for m in CALL.finditer(line)) or bool(CODE_MARKS.search(line))


def _tokens_only(text: str) -> bool:
    """Names, numbers and strings between separators: no two words side by side, as in prose."""
    pieces = [piece.strip() for piece in SEPARATORS.split(text.rstrip("\\"))]
    return any(pieces) and all(" " not in piece or _quoted(piece) for piece in pieces)


def _quoted(piece: str) -> bool:
    return len(piece) > 1 and piece[0] == piece[-1] and piece[0] in "'\""


def _is_call(match: re.Match[str]) -> bool:
    # "Organization(s)" and "faltantes(bore, stroke and horsepower)" are prose;
    # "train_test_split(X, y)" is a call.
    name, args = match["name"], match["args"]
    marked = "_" in name or "." in name or "," in args or "=" in args
    return marked and _tokens_only(args or name)


@dataclass
class CodeSummary:
    imports: list[str] = field(default_factory=list)
    settings: list[str] = field(default_factory=list)
    calls: list[str] = field(default_factory=list)
    named: list[str] = field(default_factory=list)  # declared: `bool MoveNext();`, `T Current {`

    def sentence(self) -> str:
        """ "The slide shows code that imports ..., sets ... and calls ..."."""
        clauses = [*self.imports, *self.settings]
        calls = [c for c in dict.fromkeys(self.calls) if not any(c in s for s in clauses)]
        if calls:
            clauses.append(f"calls {join_english(calls)}")
        if not clauses and self.named:
            return f"The slide shows code about {join_english(list(dict.fromkeys(self.named)))}."
        if not clauses:
            return "The slide shows some code."
        return f"The slide shows code that {join_english(clauses)}."


def describe(lines: list[str]) -> str:
    """One sentence for consecutive code lines (a statement may run over several)."""
    summary = CodeSummary()
    for statement in _statements(lines):
        _add(summary, statement)
    return summary.sentence()


def _statements(lines: list[str]) -> list[str]:
    statements: list[str] = []
    for line in (line.strip() for line in lines):
        if statements and statements[-1].endswith(OPEN_END):
            statements[-1] = f"{statements[-1]} {line}"
        else:
            statements.append(line)
    return statements


def _add(summary: CodeSummary, statement: str) -> None:
    imported = IMPORT.match(statement)
    if imported:
        names = join_english([spoken(n) for n in re.split(r"\s*,\s*", imported["names"])])
        module = f" from {spoken(imported['module'])}" if imported["module"] else ""
        summary.imports.append(f"imports {names}{module}")
        return
    assigned = ASSIGNMENT.match(statement)
    if assigned:
        targets = join_english([spoken(t) for t in re.split(r"\s*,\s*", assigned["targets"])])
        summary.settings.append(f"sets {targets}{_source(statement[assigned.end() :])}")
        return
    summary.calls += [spoken(m["name"]) for m in CALL.finditer(statement) if _is_call(m)]
    summary.named += [spoken(name) for name in DECLARED.findall(statement)]


def _source(value: str) -> str:
    """Where an assigned value comes from: " by calling f", " from a dot b", or ""."""
    called = CALL.match(value)
    if called:
        return f" by calling {spoken(called['name'])}"
    base = re.match(NAME, value)
    return f" from {spoken(base[0])}" if base else ""


def spoken(name: str) -> str:
    """An identifier as said: `delays_df.loc` is "delays df dot loc"."""
    for symbol, said in SPOKEN_SYMBOLS.items():
        name = name.replace(symbol, said)
    return " ".join(name.split())
