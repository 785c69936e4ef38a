"""How an outline narration opens: a varied, natural transition into the slide's title.

The choice is seeded by the slide number, so the same deck always gets the same script
(a retried job says exactly what the first attempt said), and consecutive slides never
open the same way.
"""

from __future__ import annotations

import functools
import random

FIRST = "Welcome. This presentation is about {title}."
LAST = "Finally, {title}."
NEXT = (
    "Next, {title}.",
    "Turning to {title}.",
    "Now let's look at {title}.",
    "Moving on to {title}.",
    "Let's continue with {title}.",
    "This brings us to {title}.",
    "Now for {title}.",
    "Let's turn to {title}.",
)
# When a slide keeps the previous one's title (a section divider, then its content).
SAME_TITLE = ("More on {title}.", "Staying with {title}.", "Continuing with {title}.")
TITLE_END = ".:;,"
# A title this long is a sentence of its own ("We need to split our data first"), which
# a template would garble ("Turning to We need to ..."): it is said as it is.
MAX_TEMPLATED_TITLE_WORDS = 7
# Titles that speak to the audience: "Now let's look at Thank you" would be nonsense.
SAID_AS_IS = {
    "thank you", "thanks", "thank you for listening", "thanks for listening",
    "thank you for your attention", "questions", "any questions", "q&a", "q & a",
    "questions and answers", "the end",
}  # fmt: skip
ASKED = {"questions", "any questions"}
# A title opening with one of these is a clause ("This is some content", "Now we can call
# it"): a template would stitch two sentences ("Now for Now we can ..."), so it is said as
# it is.
CLAUSE_STARTS = {
    "this", "these", "that", "those", "now", "we", "you", "i", "it", "there", "here",
    "let's", "lets", "our", "my", "your", "what", "why", "how", "when", "where", "who",
    "which", "is", "are", "do", "does", "can", "should", "will", "don't",
}  # fmt: skip


def opener(title: str, number: int, total: int, previous_title: str) -> str:
    """The first sentence of slide `number` (1-based) of `total`, in English."""
    title = title.rstrip(TITLE_END)
    plain = " ".join(title.rstrip("?!").split()).casefold()
    if plain in ASKED and not title.endswith("?"):
        return f"{title}?"
    if len(title.split()) > MAX_TEMPLATED_TITLE_WORDS or plain in SAID_AS_IS:
        return title if title.endswith(("?", "!")) else f"{title}."
    if plain.split(" ", 1)[0] in CLAUSE_STARTS:
        said = title if title.endswith(("?", "!")) else f"{title}."
        return f"Welcome. {said}" if number == 1 else said
    if number == 1:
        template = FIRST
    elif _same(title, previous_title):
        template = SAME_TITLE[random.Random(number).randrange(len(SAME_TITLE))]
    elif number == total and total > 2:
        template = LAST
    else:
        cycle, position = divmod(number, len(NEXT))
        template = NEXT[_cycle_order(cycle)[position]]
    said = template.format(title=title)
    # A title that is a question or exclamation keeps its own mark.
    return said[:-1] if title.endswith(("?", "!")) else said


def _same(title: str, previous: str) -> bool:
    return title.casefold() == previous.rstrip(TITLE_END).casefold()


@functools.cache
def _cycle_order(cycle: int) -> tuple[int, ...]:
    """Every NEXT template once per cycle of slides, shuffled by the cycle's number."""
    order = list(range(len(NEXT)))
    random.Random(cycle).shuffle(order)
    if cycle > 0 and order[0] == _cycle_order(cycle - 1)[-1]:
        order.append(order.pop(0))  # no repeat across the boundary between two cycles
    return tuple(order)
