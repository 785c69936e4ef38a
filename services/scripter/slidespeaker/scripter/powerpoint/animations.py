"""A slide's builds: the entrance animations of its main sequence (`p:timing`), step by step.

Each click of the main sequence is one step, with the effects that start with it or after
it; a step reveals shapes, or paragraphs of a shape. Only what can be shown exactly as
still pictures is taken: entrances of whole shapes or of paragraphs. A slide with any
other effect (an emphasis, an exit, a motion path, letters flying in one by one, an
animated chart series, an effect triggered by clicking a shape) is shown complete.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from lxml import etree  # type: ignore[import-untyped]

P = "http://schemas.openxmlformats.org/presentationml/2006/main"
NS = {"p": P}
ENTRANCE = "entr"
MEDIA = "mediacall"  # playing or pausing a video or sound
# Parts of a shape an effect can target that a hidden shape or paragraph cannot show.
PARTIAL_TARGETS = {"charRg": "letters", "bg": "a shape's background", "subSp": "a part of a shape",
                   "oleChartEl": "a chart's series", "graphicEl": "a diagram's part"}  # fmt: skip


@dataclass(frozen=True)
class Target:
    """A shape (by its id on the slide), or paragraphs `first`..`last` (from 0) of it."""

    shape_id: int
    paragraphs: tuple[int, int] | None = None


@dataclass(frozen=True)
class SlideBuilds:
    """The slide's build steps in order (each step's targets), or why they cannot be shown
    (then `steps` is empty and the slide is shown complete)."""

    steps: list[list[Target]] = field(default_factory=list)
    unshowable: str | None = None


def slide_builds(slide: etree._Element) -> SlideBuilds:
    """The builds of a slide's XML (`p:sld`); no steps when it has no entrance animation."""
    timing = slide.find("p:timing", NS)
    if timing is None:
        return SlideBuilds()
    for triggered in timing.iterfind(".//p:cTn[@nodeType='interactiveSeq']", NS):
        if any(_hides(effect) for effect in triggered.iterfind(".//p:cTn[@presetClass]", NS)):
            return SlideBuilds(unshowable="an animation starts when a shape is clicked")
    sequence = timing.find(".//p:cTn[@nodeType='mainSeq']", NS)
    if sequence is None:
        return SlideBuilds()
    steps: list[list[Target]] = []
    for click in sequence.findall("p:childTnLst/p:par", NS):
        targets: list[Target] = []
        for effect in click.iterfind(".//p:cTn[@presetClass]", NS):
            if effect.get("presetClass") == MEDIA:
                continue  # a video played: the video shows its poster frame anyway
            if effect.get("presetClass") != ENTRANCE:
                return SlideBuilds(unshowable="it has animations other than entrances")
            for target in effect.iterfind(".//p:spTgt", NS):
                found = _target(target)
                if isinstance(found, str):
                    return SlideBuilds(unshowable=f"an animation builds {found}")
                if found not in targets:
                    targets.append(found)
        if targets:
            steps.append(targets)
    return SlideBuilds(steps=steps)


def _hides(effect: etree._Element) -> bool:
    """Whether an effect changes what is shown (not a video played)."""
    return bool(effect.get("presetClass") != MEDIA)


def _target(target: etree._Element) -> Target | str:
    """The target, or what part of a shape it is that cannot be shown alone."""
    shape_id = int(target.get("spid", "0"))
    for part in target:
        name = etree.QName(part).localname
        if name in PARTIAL_TARGETS:
            return PARTIAL_TARGETS[name]
        if name == "txEl":
            paragraphs = part.find("p:pRg", NS)
            if paragraphs is None:
                return PARTIAL_TARGETS["charRg"]
            first, last = int(paragraphs.get("st", "0")), int(paragraphs.get("end", "0"))
            return Target(shape_id, (first, last))
    return Target(shape_id)
