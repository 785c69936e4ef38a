"""Builds for generated decks: PowerPoint's entrance animations (`p:timing`), written as
PowerPoint writes them, one click per step."""

from __future__ import annotations

from typing import Any

from lxml import etree  # type: ignore[import-untyped]

P = "http://schemas.openxmlformats.org/presentationml/2006/main"
APPEAR = ("entr", 1)  # presetClass, presetID
PULSE = ("emph", 26)  # an emphasis: cannot be shown as still pictures

# (shape id, (first, last) paragraph or None for the whole shape) per target
Step = list[tuple[int, tuple[int, int] | None]]


def add_builds(slide: Any, steps: list[Step], effect: tuple[str, int] = APPEAR) -> None:
    """Give `slide` (python-pptx) a main sequence revealing `steps`, a click each."""
    ids = iter(range(3, 10_000))
    clicks = "".join(_click(step, effect, ids) for step in steps)
    timing = etree.fromstring(
        f'<p:timing xmlns:p="{P}"><p:tnLst><p:par>'
        '<p:cTn id="1" dur="indefinite" restart="never" nodeType="tmRoot"><p:childTnLst>'
        '<p:seq concurrent="1" nextAc="seek">'
        f'<p:cTn id="2" dur="indefinite" nodeType="mainSeq"><p:childTnLst>{clicks}</p:childTnLst>'
        "</p:cTn></p:seq></p:childTnLst></p:cTn></p:par></p:tnLst></p:timing>"
    )
    slide.element.append(timing)


def _click(step: Step, effect: tuple[str, int], ids: Any) -> str:
    preset_class, preset_id = effect
    effects = "".join(
        f'<p:par><p:cTn id="{next(ids)}" presetID="{preset_id}" presetClass="{preset_class}" '
        'presetSubtype="0" fill="hold" nodeType="clickEffect">'
        '<p:stCondLst><p:cond delay="0"/></p:stCondLst><p:childTnLst><p:set><p:cBhvr>'
        f'<p:cTn id="{next(ids)}" dur="1" fill="hold"/>'
        f"<p:tgtEl>{_target(shape_id, paragraphs)}</p:tgtEl>"
        "<p:attrNameLst><p:attrName>style.visibility</p:attrName></p:attrNameLst>"
        '</p:cBhvr><p:to><p:strVal val="visible"/></p:to></p:set></p:childTnLst></p:cTn></p:par>'
        for shape_id, paragraphs in step
    )
    return (
        f'<p:par><p:cTn id="{next(ids)}" fill="hold">'
        '<p:stCondLst><p:cond delay="indefinite"/></p:stCondLst><p:childTnLst>'
        f'<p:par><p:cTn id="{next(ids)}" fill="hold"><p:stCondLst><p:cond delay="0"/>'
        f"</p:stCondLst><p:childTnLst>{effects}</p:childTnLst></p:cTn></p:par>"
        "</p:childTnLst></p:cTn></p:par>"
    )


def _target(shape_id: int, paragraphs: tuple[int, int] | None) -> str:
    if paragraphs is None:
        return f'<p:spTgt spid="{shape_id}"/>'
    first, last = paragraphs
    paragraph_range = f'<p:pRg st="{first}" end="{last}"/>'
    return f'<p:spTgt spid="{shape_id}"><p:txEl>{paragraph_range}</p:txEl></p:spTgt>'
