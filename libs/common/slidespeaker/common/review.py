"""Approving a job's script after review: one policy for the API and the CLI alike."""

from __future__ import annotations

from collections.abc import Mapping

from slidespeaker.common import events as ev
from slidespeaker.common.errors import BadInput
from slidespeaker.common.fold import JobState, JobStatus
from slidespeaker.common.languages import LANGUAGE_TAG
from slidespeaker.common.text_cleaning import clean_text


class ReviewClosed(BadInput):
    """The job does not wait for its script to be reviewed (any more)."""


def approval(
    state: JobState,
    narrations: Mapping[int, str],
    languages: Mapping[int, str] | None = None,
    by: str | None = None,
    links: Mapping[int, list[ev.PointerLink]] | None = None,
) -> list[ev.Event]:
    """The events that approve the job's script with these narrations (slide -> text),
    languages (slide -> BCP 47 tag, a person's fix) and links (slide -> which sentence is
    about which block, a person's fix of the pointer): an edit for each slide where one of
    them changes, then the approval. Slides left out keep theirs."""
    if state.status != JobStatus.awaiting_review:
        raise ReviewClosed(f"the script can be edited only while the job awaits review; "
                           f"it is {state.status.value}")  # fmt: skip
    count = state.slide_count or 0
    languages, links = languages or {}, links or {}
    wrong = sorted(slide for slide in [*narrations, *languages, *links] if not 1 <= slide <= count)
    if wrong:
        raise BadInput(f"the deck has {count} slides; no slide {wrong[0]}")
    bad = [tag for tag in languages.values() if not LANGUAGE_TAG.fullmatch(tag)]
    if bad:
        raise BadInput(f"{bad[0]!r} is not a language tag (BCP 47, e.g. de or pt-BR)")
    edits: list[ev.Event] = []
    for slide in sorted({*narrations, *languages, *links}):
        now = state.slide(slide)
        text = clean_text(narrations[slide]) if slide in narrations else now.narration or ""
        fixed = languages.get(slide)
        # The blocks stay, with the links of the sentences still said (a rewritten sentence
        # points at nothing rather than at a guess), or the links a person set.
        pointed = [link for link in now.links if link.sentence in text]
        if slide in links:
            pointed = checked_links(slide, links[slide], text, len(now.blocks))
        if text == (now.narration or "") and fixed in (None, now.language) and pointed == now.links:
            continue
        source = now.narration_source if text == now.narration else None
        edits.append(
            ev.SlideScripted(
                job_id=state.job_id, slide=slide, title=now.title, narration=text,
                source=source or ev.NarrationSource.edited, language=fixed or now.language,
                language_source=ev.LanguageSource.edited if fixed else now.language_source,
                blocks=now.blocks, page=now.page, links=pointed,
            )
        )  # fmt: skip
    return [*edits, ev.ScriptApproved(job_id=state.job_id, by=by)]


def checked_links(
    slide: int, links: list[ev.PointerLink], narration: str, blocks: int
) -> list[ev.PointerLink]:
    """A person's links for the slide, each naming words its narration says and one of its
    blocks; BadInput saying which does not."""
    for link in links:
        if not 0 <= link.block < blocks:
            raise BadInput(f"slide {slide} has {blocks} text blocks (0 to {blocks - 1}); "
                           f"no block {link.block}")  # fmt: skip
        if not link.sentence.strip() or clean_text(link.sentence) not in narration:
            raise BadInput(f"slide {slide}'s narration does not say {link.sentence!r}, so it "
                           "cannot be linked to a block")  # fmt: skip
    return [ev.PointerLink(sentence=clean_text(link.sentence), block=link.block) for link in links]
