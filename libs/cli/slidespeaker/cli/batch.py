"""`render` of several decks: where each one's files go, and the summary of what came of
each."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from rich.console import Console

from slidespeaker.common.fold import JobState, JobStatus


@dataclass(frozen=True)
class Outcome:
    deck: Path
    done: bool
    said: str  # what was made, or why it failed


def output_folders(decks: list[Path], out: Path) -> dict[Path, Path]:
    """OUT/<deck name>/ for each deck: its name without the extension, or with it where two
    decks share a name (talk.pptx and talk.pdf)."""
    stems = Counter(deck.stem for deck in decks)
    return {deck: out / (deck.stem if stems[deck.stem] == 1 else deck.name) for deck in decks}


def outcome(deck: Path, state: JobState | None, refused: str | None) -> Outcome:
    """What came of the deck: its job's end, or why it was not submitted at all."""
    if state is None:
        return Outcome(deck, False, refused or "not rendered")
    if state.status != JobStatus.completed:
        return Outcome(deck, False, state.error or state.status.value)
    return Outcome(deck, True, made(state))


def made(state: JobState, out: Path | None = None) -> str:
    """The video and podcast the job made (in `out`), with their lengths."""
    outputs = [(state.outputs, "video.mp4"), (state.podcast, "podcast.mp3")]
    return ", ".join(
        f"{out / name if out else name} ({output.duration:.1f} s)"
        for output, name in outputs
        if output
    )


def print_summary(console: Console, outcomes: list[Outcome], folders: dict[Path, Path]) -> None:
    done = sum(outcome.done for outcome in outcomes)
    console.print(f"\n[bold]{done} of {len(outcomes)} decks rendered[/]")
    for item in outcomes:
        if item.done:
            console.print(
                f"  [green]done[/]    {item.deck.name}: {folders[item.deck]}/ {item.said}"
            )
        else:
            console.print(f"  [red]failed[/]  {item.deck.name}: {item.said}")


def cost_words(cost_usd: float | None, hosted: bool) -> str:
    if not hosted:
        return "no hosted calls: $0.00"
    if cost_usd is None:
        return "hosted calls, but their price is not configured (see the JSON for the counts)"
    return f"about ${cost_usd:.4f} of hosted calls"
