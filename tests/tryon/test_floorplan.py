"""Fit check on hand-made rooms whose answers are known."""

import math

import numpy as np
import pytest

from tryon.floorplan import Door, Item, Room, Window, check, door_swing, fits_in, gap, penetration

SOFA = dict(width=2.2, depth=0.92, height=0.82)
WARDROBE = dict(width=1.5, depth=0.6, height=2.1)


def codes(problems):
    return sorted((p.code, p.items) for p in problems)


def test_sofa_against_a_wall_fits():
    room = Room(4.0, 3.5)
    sofa = Item("sofa", **SOFA, x=2.0, z=3.5 - 0.46, rotation=180)  # back to the south wall, facing north
    assert check(room, [sofa]) == []


def test_a_long_sofa_does_not_fit_a_short_alcove():
    alcove = Room(2.0, 1.2)
    problems = check(alcove, [Item("sofa", **SOFA, x=1.0, z=0.6)])
    assert codes(problems) == [("outside_room", ("sofa",))]
    assert problems[0].distance == pytest.approx(0.1, abs=1e-3)  # 10 cm too long on each side


def test_a_wardrobe_in_the_door_swing_is_flagged():
    room = Room(3.0, 3.0, doors=(Door("north", offset=0.2, width=0.9),))
    in_swing = Item("wardrobe", **WARDROBE, x=0.95, z=0.5)
    clear = Item("wardrobe", **WARDROBE, x=2.2, z=2.7)
    assert ("door_swing", ("wardrobe",)) in codes(check(room, [in_swing]))
    assert check(room, [clear]) == []


def test_rotation_uses_the_rotated_footprint():
    narrow = Room(1.2, 3.0)
    along = Item("sofa", **SOFA, x=0.6, z=1.5, rotation=90)
    across = Item("sofa", **SOFA, x=0.6, z=1.5, rotation=0)
    diagonal = Item("sofa", **SOFA, x=0.6, z=1.5, rotation=45)
    assert check(narrow, [along]) == []
    assert codes(check(narrow, [across])) == [("outside_room", ("sofa",))]
    assert codes(check(narrow, [diagonal])) == [("outside_room", ("sofa",))]


def test_overlaps_are_named_with_depth_and_rugs_may_go_under():
    room = Room(5.0, 4.0)
    sofa = Item("sofa", **SOFA, x=2.5, z=3.54, rotation=180)
    table = Item("table", 1.2, 0.6, 0.42, x=2.5, z=3.0)  # pushed into the sofa by 0.2 m
    rug = Item("rug", 3.0, 2.0, 0.012, x=2.5, z=2.8)
    problems = check(room, [sofa, table, rug])
    overlap = [p for p in problems if p.code == "overlap"]
    assert [(p.items, p.distance) for p in overlap] == [(("sofa", "table"), pytest.approx(0.22, abs=1e-3))]


def test_narrow_walkways_warn_with_the_gap():
    room = Room(5.0, 4.0)
    sofa = Item("sofa", **SOFA, x=2.5, z=3.54, rotation=180)
    table = Item("table", 1.2, 0.6, 0.42, x=2.5, z=2.3)  # 0.48 m in front of the sofa
    problems = check(room, [sofa, table], walkway=0.6)
    walk = [p for p in problems if p.code == "walkway" and len(p.items) == 2]
    assert walk[0].items == ("sofa", "table") and walk[0].distance == pytest.approx(0.48, abs=1e-3)
    assert walk[0].severity == "warning"
    assert not [p for p in check(room, [sofa, table], walkway=0.4) if len(p.items) == 2]


def test_height_floor_and_window():
    room = Room(4.0, 4.0, height=2.0, windows=(Window("west", offset=1.0, width=1.5, sill_height=0.9),))
    wardrobe = Item("wardrobe", **WARDROBE, x=2.0, z=2.0)
    floating = Item("shelf", 0.8, 0.3, 1.0, x=3.0, z=3.8, elevation=0.5)
    blocking = Item("bookshelf", 0.8, 0.3, 1.8, x=0.15, z=1.5, rotation=90)
    got = codes(check(room, [wardrobe, floating, blocking]))
    assert ("too_tall", ("wardrobe",)) in got
    assert ("not_on_floor", ("shelf",)) in got
    assert ("blocks_window", ("bookshelf",)) in got


def test_polygon_helpers():
    square = np.array([[0, 0], [1, 0], [1, 1], [0, 1]], float)
    assert penetration(square, square + [0.75, 0]) == pytest.approx(0.25)
    assert penetration(square, square + [2, 0]) == 0
    assert gap(square, square + [1.5, 0]) == pytest.approx(0.5)
    swing = door_swing(Room(3, 3), Door("north", 0.2, 0.9))
    assert swing[:, 1].max() == pytest.approx(0.9, abs=1e-6) and swing[:, 1].min() >= -1e-9
    assert fits_in(1.0, 2.5, 2.2, 0.92) == 90.0 and fits_in(2.5, 1.0, 2.2, 0.92) == 0.0
    assert fits_in(2.0, 2.0, 2.2, 0.92) is None
    assert math.isclose(Item("a", 2, 1, 1, 0, 0, rotation=90).footprint()[:, 0].ptp(), 1.0)
