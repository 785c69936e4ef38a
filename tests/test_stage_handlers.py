"""Each stage registers one handler per action: every action has exactly one, in its stage."""

from __future__ import annotations

import pytest

from slidespeaker.avatar.service import HANDLERS as AVATAR
from slidespeaker.common import events as ev
from slidespeaker.common.runtime import StageHandlers, stage_of
from slidespeaker.composer.service import HANDLERS as COMPOSER
from slidespeaker.scripter.service import HANDLERS as SCRIPTER
from slidespeaker.voice.service import HANDLERS as VOICE

SERVICES = {ev.Stage.scripter: SCRIPTER, ev.Stage.voice: VOICE, ev.Stage.avatar: AVATAR,
            ev.Stage.composer: COMPOSER}  # fmt: skip


def test_every_action_has_one_handler_in_the_service_of_its_stage() -> None:
    assert {stage: stage_of(handlers) for stage, handlers in SERVICES.items()} == {
        stage: stage for stage in ev.Stage
    }
    registered = [action for handlers in SERVICES.values() for action in handlers]
    assert sorted(registered) == sorted(ev.Action)


def test_a_stage_missing_a_handler_or_mixing_stages_is_refused_at_start() -> None:
    partial: StageHandlers = {ev.Action.voice_slide: VOICE[ev.Action.voice_slide]}
    with pytest.raises(ValueError, match="no handler for voice_turn"):
        stage_of(partial)
    with pytest.raises(ValueError, match="more or less than one stage"):
        stage_of({**VOICE, **AVATAR})
