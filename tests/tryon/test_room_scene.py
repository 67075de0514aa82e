"""The whole planned room as one scene: items at their place and turn, bounds of the room."""

import io

import numpy as np
import pytest
import trimesh

from tryon import parametric
from tryon.floorplan import Door, Item, Room
from tryon.room_scene import Placed, load_glb, placeholder, room_scene, to_glb

ROOM = Room(4.2, 3.6, 2.8, (Door("north", 0.2, 0.9),))
SOFA = parametric.to_glb(parametric.build("sofa", 2.2, 0.92, 0.82, "#5E646B"))


def _scene(items, with_walls=False) -> trimesh.Scene:
    glb = to_glb(room_scene(ROOM, items, lambda key: load_glb(SOFA), with_walls))
    return trimesh.load_scene(io.BytesIO(glb), file_type="glb")


def test_the_scene_has_the_rooms_bounds_with_and_without_walls():
    sofa = Placed("sofa", 2.1, 3.6 - 0.46, 180)
    assert np.allclose(_scene([sofa], with_walls=True).extents, [4.2, 2.8, 3.6], atol=1e-4)
    bare = _scene([sofa])
    assert np.allclose(bare.extents, [4.2, 0.82, 3.6], atol=1e-4)
    assert np.allclose(bare.bounds[0], [-2.1, 0, -1.8], atol=1e-4)  # centred on the room, on the floor


@pytest.mark.parametrize("rotation", [0, 90, 135, 270])
def test_items_stand_where_the_fit_check_puts_them(rotation):
    """The scene's footprint of a turned item is the floor plan's footprint (same clockwise turn)."""
    parts = _scene([Placed("sofa", 1.6, 1.7, rotation)]).dump()
    heights = [p for p in parts if p.extents[1] > 0.01]  # the sofa, not the flat floor outline
    lo = np.min([p.bounds[0] for p in heights], axis=0)
    hi = np.max([p.bounds[1] for p in heights], axis=0)
    plan = Item("sofa", 2.2, 0.92, 0.82, 1.6, 1.7, rotation).footprint() - [ROOM.width / 2, ROOM.depth / 2]
    assert np.allclose([lo[0], lo[2]], plan.min(axis=0), atol=0.02)
    assert np.allclose([hi[0], hi[2]], plan.max(axis=0), atol=0.02)


def test_a_model_is_stored_once_for_many_items_and_walls_leave_the_door_open():
    scene = room_scene(ROOM, [Placed("sofa", 1, 1), Placed("sofa", 3, 2, 90)], lambda key: load_glb(SOFA), True)
    sofa_parts = [name for name in scene.geometry if name.startswith("sofa/")]
    assert len(sofa_parts) == len(load_glb(SOFA).geometry)  # instanced, not copied
    north = [g for name, g in scene.geometry.items() if name.startswith("room_") and g.bounds[1][2] < -1.7]
    spans = sorted((g.bounds[0][0] + 2.1, g.bounds[1][0] + 2.1, g.bounds[0][1]) for g in north if g.extents[1] > 0.1)
    assert spans[0][:2] == pytest.approx((0, 0.2)) and spans[-1][:2] == pytest.approx((1.1, 4.2))
    assert any(s[2] == pytest.approx(2.05) for s in spans)  # a lintel over the door


def test_a_missing_model_stands_in_as_a_box_of_its_size():
    box = placeholder(1.2, 0.6, 0.75, "#AA5500")
    assert np.allclose(box.extents, [1.2, 0.75, 0.6]) and box.bounds[0][1] == pytest.approx(0)
