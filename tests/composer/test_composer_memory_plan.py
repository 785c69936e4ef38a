"""Planning the video's size from the memory there is: step down, never up, never stretch."""

from __future__ import annotations

import pytest

from slidespeaker.common.settings import Settings
from slidespeaker.composer.memory_plan import (
    MOVING,
    STILL,
    available_mb,
    encode_need,
    parallel_encodes,
    planned_size,
    resolution_name,
)

UHD, FHD, HD = (3840, 2160), (1920, 1080), (1280, 720)


def test_the_asked_size_is_kept_when_its_encode_fits() -> None:
    assert planned_size(*UHD, 4096, STILL) == UHD
    assert planned_size(*FHD, 4096, MOVING) == FHD


def test_4k_steps_down_to_1080p_when_only_that_fits() -> None:
    assert STILL.mb(*FHD, source=UHD) <= 600 < STILL.mb(*UHD)
    assert planned_size(*UHD, 600, STILL) == FHD


def test_4k_steps_down_to_720p_when_1080p_does_not_fit_either() -> None:
    assert STILL.mb(*HD, source=UHD) <= 350 < STILL.mb(*FHD, source=UHD)
    assert planned_size(*UHD, 350, STILL) == HD
    assert STILL.mb(*HD, source=FHD) <= 250 < STILL.mb(*FHD)
    assert planned_size(*FHD, 250, STILL) == HD


def test_marks_drawn_on_4k_frames_step_a_video_down_where_plain_ones_would_not() -> None:
    """The pointer's marks are drawn on 4:4:4 frames: more memory at every size, for the
    still video and for each segment of the moving one."""
    for moving in (False, True):
        plain, marked = (encode_need(moving=moving, marked=m) for m in (False, True))
        assert plain is (MOVING if moving else STILL)
        assert all(marked.mb(*size) > plain.mb(*size) for size in (UHD, FHD, HD))
    between = (STILL.mb(*UHD) + encode_need(moving=False, marked=True).mb(*UHD)) / 2
    assert planned_size(*UHD, between, STILL) == UHD
    assert planned_size(*UHD, between, encode_need(moving=False, marked=True)) == FHD


def test_pictures_larger_than_the_video_cost_memory_to_decode() -> None:
    assert STILL.mb(*FHD, source=FHD) == STILL.mb(*FHD)
    assert STILL.mb(*FHD, source=UHD) > STILL.mb(*FHD)


def test_a_presenters_segments_step_down_only_when_one_encode_at_a_time_does_not_fit() -> None:
    assert planned_size(*UHD, MOVING.mb(*UHD) + 1, MOVING) == UHD
    assert planned_size(*UHD, MOVING.mb(*UHD) - 1, MOVING) == FHD


def test_segments_are_encoded_one_per_core_while_the_memory_holds_them() -> None:
    need = MOVING.mb(*FHD)
    assert parallel_encodes(need, 10 * need, cores=2) == 2
    assert parallel_encodes(need, 8 * need, cores=16) == 8
    assert parallel_encodes(need, 1.9 * need, cores=2) == 1
    assert parallel_encodes(need, need / 2, cores=2) == 1, "one at a time, at the least"


def test_with_too_little_for_any_step_the_smallest_step_is_tried_rather_than_nothing() -> None:
    assert planned_size(*UHD, 10, STILL) == HD


def test_a_size_below_720p_is_never_raised() -> None:
    assert planned_size(640, 360, 10, STILL) == (640, 360)


def test_a_canvas_of_another_shape_keeps_its_shape_in_even_pixels() -> None:
    assert planned_size(2880, 2160, 400, STILL) == (1440, 1080)  # 4:3 stays 4:3
    width, height = planned_size(1000, 1100, 100, STILL)  # an odd shape, in whole even pixels
    assert (width, height) == (654, 720)
    assert width / height == pytest.approx(1000 / 1100, abs=0.01)


def test_the_need_grows_with_the_picture() -> None:
    assert STILL.mb(*HD) < STILL.mb(*FHD) < STILL.mb(*UHD)
    assert MOVING.mb(*HD) < MOVING.mb(*FHD) < MOVING.mb(*UHD)


def test_the_setting_stands_in_for_the_machines_free_memory() -> None:
    assert available_mb(Settings(composer_memory_mb=300)) == 300
    assert available_mb(Settings()) > 0  # this machine's, as psutil reads it


def test_resolutions_are_named_as_users_ask_for_them() -> None:
    assert [resolution_name(h) for h in (2160, 1080, 720)] == ["4k", "1080p", "720p"]
