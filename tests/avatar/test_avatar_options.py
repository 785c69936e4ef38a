"""The presenter's options: old logs (a yes/no flag) replay, new ones say which presenter."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from slidespeaker.common import events as ev
from slidespeaker.common.fold import fold


def submitted(options: dict[str, object]) -> ev.Event:
    return ev.parse_event(
        {"type": "job.submitted", "job_id": "j", "filename": "d.pdf", "deck_key": "k",
         "options": options}
    )  # fmt: skip


@pytest.mark.parametrize(("flag", "avatar"), [(True, "local"), (False, "none")])
def test_an_old_log_with_the_avatar_flag_replays(flag: bool, avatar: str) -> None:
    state = fold([submitted({"avatar": flag})])
    assert state.options.avatar == avatar
    assert state.options.avatar_position == "bottom-right"


def test_a_presenter_is_placed_where_asked() -> None:
    options = fold([submitted({"avatar": "heygen", "avatar_position": "top-left"})]).options
    assert (options.avatar, options.avatar_position, options.avatar_scale) == (
        "heygen", "top-left", 0.25,
    )  # fmt: skip


@pytest.mark.parametrize(
    "options", [{"avatar": "robot"}, {"avatar_position": "middle"}, {"avatar_scale": 0.9}]
)
def test_an_unknown_presenter_or_place_is_refused(options: dict[str, object]) -> None:
    with pytest.raises(ValidationError):
        ev.JobOptions.model_validate(options)
