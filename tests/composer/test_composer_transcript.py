"""The transcript: the deck's title, then one section per slide with its narration."""

from __future__ import annotations

from pathlib import Path

from slidespeaker.composer.transcript import write_transcript


def test_one_section_per_slide_with_its_narration(tmp_path: Path) -> None:
    path = tmp_path / "transcript.md"

    write_transcript(
        "Quarterly review",
        [
            (1, "Results", "Revenue grew by twelve percent.\n"),
            (2, "", "A slide without a title still has its say."),
            (3, "Team\nphoto", ""),
        ],
        path,
    )

    assert path.read_text(encoding="utf-8") == (
        "# Quarterly review\n\n"
        "## Slide 1: Results\n\nRevenue grew by twelve percent.\n\n"
        "## Slide 2\n\nA slide without a title still has its say.\n\n"
        "## Slide 3: Team photo\n\n(no narration)\n"
    )
