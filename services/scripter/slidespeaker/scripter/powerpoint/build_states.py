"""A package of a deck's build states: each slide with builds, once per step, with what
that step and the later ones reveal hidden, so that LibreOffice renders each state exactly.

A hidden shape is marked hidden; a hidden paragraph keeps its place (the text after it
does not move up) with its text and its bullet made invisible. The copies share the
original slide's pictures, charts and layout; the other slides are left out of the show.
"""

from __future__ import annotations

import posixpath
import zipfile
from collections.abc import Iterable
from pathlib import Path

from lxml import etree  # type: ignore[import-untyped]

from slidespeaker.scripter.powerpoint.animations import SlideBuilds, Target, slide_builds

P = "http://schemas.openxmlformats.org/presentationml/2006/main"
A = "http://schemas.openxmlformats.org/drawingml/2006/main"
R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG_RELS = "http://schemas.openxmlformats.org/package/2006/relationships"
TYPES = "http://schemas.openxmlformats.org/package/2006/content-types"
NS = {"p": P, "a": A, "r": R, "rel": PKG_RELS, "ct": TYPES}
OFFICE_DOCUMENT = f"{R}/officeDocument"
SLIDE = f"{R}/slide"
NOTES_SLIDE = f"{R}/notesSlide"
SLIDE_TYPE = "application/vnd.openxmlformats-officedocument.presentationml.slide+xml"
CONTENT_TYPES = "[Content_Types].xml"
# A slideshow's main part opens as a presentation under this type.
MAIN_TYPES = {
    "application/vnd.openxmlformats-officedocument.presentationml.slideshow.main+xml":
        "application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml",
}  # fmt: skip
FILLS = ("noFill", "solidFill", "gradFill", "blipFill", "pattFill", "grpFill")
# What could still show of an invisible run: its outline, shadow, highlight and lines.
RUN_DECORATIONS = ("ln", *FILLS, "effectLst", "effectDag", "highlight", "uLnTx", "uLn",
                   "uFillTx", "uFill")  # fmt: skip
BULLET_KINDS = ("buNone", "buAutoNum", "buChar", "buBlip")
AFTER_BULLET = ("tabLst", "defRPr", "extLst")  # what follows the bullet in a:pPr
FIRST_SLIDE_ID = 0x7FFF0000  # above any id a deck gives, below the limit of 2^31


class MissingShape(Exception):
    """An animation names a shape the slide does not have."""


def write_states(package: Path, states: Iterable[tuple[int, list[Target]]], out: Path) -> int:
    """Write to `out` a package showing, in order, each (slide number from 1, hidden
    targets) pair: that slide with those targets hidden. Returns how many slides it shows.
    Raises MissingShape when a target's shape is not on its slide."""
    with (
        zipfile.ZipFile(package) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        show = _Show(source)
        for count, (number, hidden) in enumerate(states, start=1):
            original = show.slides[number - 1]
            name = posixpath.join(posixpath.dirname(original), f"build-state-{count}.xml")
            target.writestr(name, _state(source.read(original), hidden))
            target.writestr(_rels_name(name), _without_notes(source, original))
            show.add(name)
        rewritten = show.parts()
        for entry in source.infolist():
            target.writestr(entry, rewritten.get(entry.filename) or source.read(entry))
    return show.count


class _Show:
    """The package's list of slides, emptied, and the parts that list, relate and type the
    slides added to it."""

    def __init__(self, source: zipfile.ZipFile) -> None:
        self.main = _main_part(source)
        self.slides = _slide_parts(source, self.main)
        self.presentation = etree.fromstring(source.read(self.main))
        self.relationships = etree.fromstring(source.read(_rels_name(self.main)))
        self.types = etree.fromstring(source.read(CONTENT_TYPES))
        listed = self.presentation.find("p:sldIdLst", NS)
        assert listed is not None  # _slide_parts read it
        listed.clear()
        self.listed = listed
        self.count = 0

    def add(self, name: str) -> None:
        self.count += 1
        rel_id = f"rIdBuildState{self.count}"
        relative = posixpath.relpath(name, posixpath.dirname(self.main))
        etree.SubElement(self.relationships, f"{{{PKG_RELS}}}Relationship",
                         Id=rel_id, Type=SLIDE, Target=relative)  # fmt: skip
        entry = etree.SubElement(self.listed, f"{{{P}}}sldId", id=str(FIRST_SLIDE_ID + self.count))
        entry.set(f"{{{R}}}id", rel_id)
        etree.SubElement(self.types, f"{{{TYPES}}}Override",
                         PartName=f"/{name}", ContentType=SLIDE_TYPE)  # fmt: skip

    def parts(self) -> dict[str, bytes]:
        for override in self.types.iterfind("ct:Override", NS):
            kind = override.get("ContentType", "")
            override.set("ContentType", MAIN_TYPES.get(kind, kind))
        return {
            self.main: _xml(self.presentation),
            _rels_name(self.main): _xml(self.relationships),
            CONTENT_TYPES: _xml(self.types),
        }


def _xml(root: etree._Element) -> bytes:
    return bytes(etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True))


def _main_part(source: zipfile.ZipFile) -> str:
    root = etree.fromstring(source.read("_rels/.rels"))
    for rel in root.iterfind("rel:Relationship", NS):
        if rel.get("Type") == OFFICE_DOCUMENT:
            return str(rel.get("Target", "")).lstrip("/")
    raise KeyError("the package has no main part")


def _slide_parts(source: zipfile.ZipFile, main: str) -> list[str]:
    """The slides' part names in the deck's order (hidden ones included)."""
    targets = _targets(source, main)
    presentation = etree.fromstring(source.read(main))
    listed = presentation.iterfind("p:sldIdLst/p:sldId", NS)
    return [targets[slide.get(f"{{{R}}}id", "")] for slide in listed]


def _targets(source: zipfile.ZipFile, part: str) -> dict[str, str]:
    """Each relationship id of `part` with the part name it points at."""
    root = etree.fromstring(source.read(_rels_name(part)))
    base = posixpath.dirname(part)
    return {
        rel.get("Id", ""): posixpath.normpath(posixpath.join(base, rel.get("Target", "")))
        for rel in root.iterfind("rel:Relationship", NS)
        if rel.get("TargetMode") != "External"
    }


def _rels_name(part: str) -> str:
    folder, name = posixpath.split(part)
    return posixpath.join(folder, "_rels", f"{name}.rels")


def _without_notes(source: zipfile.ZipFile, slide: str) -> bytes:
    """The slide's relationships for its copy: the same, but for its notes, which point
    back at the original alone."""
    root = etree.fromstring(source.read(_rels_name(slide)))
    for rel in root.findall("rel:Relationship", NS):
        if rel.get("Type") == NOTES_SLIDE:
            root.remove(rel)
    return _xml(root)


def _state(slide_xml: bytes, hidden: list[Target]) -> bytes:
    slide = etree.fromstring(slide_xml)
    slide.attrib.pop("show", None)  # a copy of a hidden slide still shows
    timing = slide.find("p:timing", NS)
    if timing is not None:
        slide.remove(timing)
    for target in hidden:
        names = _names(slide, target)
        if target.paragraphs is None:
            names.set("hidden", "1")
            continue
        shape = names.getparent().getparent()
        first, last = target.paragraphs
        for paragraph in shape.findall("p:txBody/a:p", NS)[first : last + 1]:
            _make_invisible(paragraph)
    return _xml(slide)


def _names(slide: etree._Element, target: Target) -> etree._Element:
    """The target shape's names (`p:cNvPr`, where `hidden` goes); MissingShape if none."""
    # Only a shape's names: a connector's ends name the shapes they join by the same ids.
    names = slide.find(f"p:cSld/p:spTree//p:cNvPr[@id='{target.shape_id}']", NS)
    if names is None:
        raise MissingShape(f"an animation names shape {target.shape_id}, which is not there")
    return names


def _properties(element: etree._Element, name: str, without: tuple[str, ...]) -> etree._Element:
    """The element's properties (its first child `name`, made if missing), without the
    children named in `without`."""
    properties = element.find(f"a:{name}", NS)
    if properties is None:
        properties = etree.Element(f"{{{A}}}{name}")
        element.insert(0, properties)
    for child in without:
        for old in properties.findall(f"a:{child}", NS):
            properties.remove(old)
    return properties


def _make_invisible(paragraph: etree._Element) -> None:
    properties = _properties(paragraph, "pPr", BULLET_KINDS)
    found = (properties.find(f"a:{name}", NS) for name in AFTER_BULLET)
    after = next((element for element in found if element is not None), None)
    no_bullet = etree.Element(f"{{{A}}}buNone")
    if after is None:
        properties.append(no_bullet)
    else:
        after.addprevious(no_bullet)
    for run in paragraph.findall("a:r", NS) + paragraph.findall("a:fld", NS):
        _make_run_invisible(run)


def _make_run_invisible(run: etree._Element) -> None:
    properties = _properties(run, "rPr", RUN_DECORATIONS)
    for line in ("u", "strike"):
        properties.attrib.pop(line, None)
    fill = etree.Element(f"{{{A}}}solidFill")
    colour = etree.SubElement(fill, f"{{{A}}}srgbClr", val="000000")
    etree.SubElement(colour, f"{{{A}}}alpha", val="0")
    properties.insert(0, fill)


def read_builds(package: Path, numbers: Iterable[int]) -> dict[int, SlideBuilds]:
    """The builds of the slides numbered `numbers` (from 1, hidden slides counted), those
    that have steps or cannot be shown; a slide whose steps name a missing shape cannot."""
    found: dict[int, SlideBuilds] = {}
    with zipfile.ZipFile(package) as source:
        slides = _slide_parts(source, _main_part(source))
        for number in numbers:
            slide = etree.fromstring(source.read(slides[number - 1]))
            builds = slide_builds(slide)
            try:
                for step in builds.steps:
                    for target in step:
                        _names(slide, target)
            except MissingShape as missing:
                builds = SlideBuilds(unshowable=str(missing))
            if builds.steps or builds.unshowable:
                found[number] = builds
    return found
