import numpy as np
import pytest
import trimesh

from tryon.scan import room_from_scan


def _slab(size, centre) -> trimesh.Trimesh:
    box = trimesh.creation.box(extents=size)
    box.apply_translation(centre)
    return box.subdivide().subdivide()


def synthetic_room(width=4.0, depth=3.0, height=2.6, floor_y=0.1, noise=0.01, turn_deg=20.0) -> trimesh.Trimesh:
    """Floor, four walls, a box table on the floor, sensor noise; turned on the plan."""
    t = 0.02
    parts = [
        _slab((width, t, depth), (0, floor_y - t / 2, 0)),
        _slab((width, height, t), (0, floor_y + height / 2, -depth / 2)),
        _slab((width, height, t), (0, floor_y + height / 2, depth / 2)),
        _slab((t, height, depth), (-width / 2, floor_y + height / 2, 0)),
        _slab((t, height, depth), (width / 2, floor_y + height / 2, 0)),
        _slab((1.0, 0.75, 0.6), (0.5, floor_y + 0.375, 0.2)),  # a table
    ]
    room = trimesh.util.concatenate(parts)
    rng = np.random.default_rng(3)
    room.vertices += rng.normal(0, noise, room.vertices.shape)
    room.apply_transform(trimesh.transformations.rotation_matrix(np.radians(turn_deg), [0, 1, 0]))
    room.apply_translation([1.5, 0, -0.7])
    return room


def test_floor_and_room_size_from_a_noisy_scan():
    scanned = room_from_scan(synthetic_room())
    assert scanned.floor_y == pytest.approx(0.1, abs=0.02)
    assert sorted([scanned.width, scanned.depth]) == [pytest.approx(3.0, abs=0.08), pytest.approx(4.0, abs=0.08)]
    assert scanned.height == pytest.approx(2.6, abs=0.05)
    assert scanned.centre == (pytest.approx(1.5, abs=0.05), pytest.approx(-0.7, abs=0.05))


def test_a_scan_without_walls_or_floor_is_refused():
    floor_only = trimesh.Trimesh(vertices=[[0, 0, 0], [1, 0, 0], [0, 0, 1]], faces=[[0, 2, 1]])
    with pytest.raises(ValueError, match="no walls"):
        room_from_scan(floor_only)
    wall_only = trimesh.Trimesh(vertices=[[0, 0, 0], [1, 0, 0], [0, 1, 0]], faces=[[0, 1, 2]])
    with pytest.raises(ValueError, match="no floor"):
        room_from_scan(wall_only)
