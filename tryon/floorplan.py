"""Rooms and furniture on the floor plan: footprints, doors, and the fit check.

Coordinates are metres, seen from above: x along the room's width (0..width), z along its
depth (0..depth), y up. An item stands at (x, z) (its footprint's centre) turned
``rotation`` degrees clockwise seen from above; at 0 its front faces +z.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

WALLS = ("north", "south", "west", "east")  # z = 0, z = depth, x = 0, x = width
TOUCHING = 0.02  # closer than this counts as standing against, not a gap
FLAT = 0.05  # items lower than this (rugs) may lie under others


@dataclass(frozen=True)
class Door:
    """A door on a wall: its offset from the wall's start, width and hinge side, in metres."""

    wall: str
    offset: float  # from the wall's start (west end of north/south walls, north end of west/east)
    width: float
    hinge: str = "left"  # seen from inside the room, facing the door
    swings_in: bool = True


@dataclass(frozen=True)
class Window:
    """A window on a wall: offset, width and sill height, in metres."""

    wall: str
    offset: float
    width: float
    sill_height: float = 0.9


@dataclass(frozen=True)
class Room:
    """A rectangular room (metres) with its doors and windows."""

    width: float
    depth: float
    height: float = 2.8
    doors: tuple[Door, ...] = ()
    windows: tuple[Window, ...] = ()


@dataclass(frozen=True)
class Item:
    """A piece of furniture placed in the room: centre, footprint, height and rotation."""

    id: str
    width: float
    depth: float
    height: float
    x: float
    z: float
    rotation: float = 0.0
    elevation: float = 0.0

    def footprint(self) -> np.ndarray:
        """Corners (4, 2) in (x, z), counter-clockwise on the plan."""
        hw, hd = self.width / 2, self.depth / 2
        corners = np.array([[-hw, -hd], [hw, -hd], [hw, hd], [-hw, hd]])
        angle = math.radians(self.rotation)
        turn = np.array([[math.cos(angle), -math.sin(angle)], [math.sin(angle), math.cos(angle)]])
        return corners @ turn.T + [self.x, self.z]


@dataclass(frozen=True)
class Problem:
    """One thing in the way: a code, its severity, the items involved and by how much."""

    code: str  # outside_room, overlap, door_swing, walkway, too_tall, not_on_floor, blocks_window
    items: tuple[str, ...]
    distance: float  # metres: how far outside, how deep the overlap, how narrow the gap
    severity: str = "error"  # error: it does not fit; warning: it fits but hinders
    detail: dict = field(default_factory=dict)


def _axes(polygon: np.ndarray) -> np.ndarray:
    edges = np.roll(polygon, -1, axis=0) - polygon
    normals = np.stack([-edges[:, 1], edges[:, 0]], axis=1)
    return normals / np.linalg.norm(normals, axis=1, keepdims=True)


def penetration(a: np.ndarray, b: np.ndarray) -> float:
    """How deep two convex polygons overlap (separating-axis test); 0 when they do not."""
    depth = math.inf
    for axis in np.concatenate([_axes(a), _axes(b)]):
        pa, pb = a @ axis, b @ axis
        overlap = min(pa.max(), pb.max()) - max(pa.min(), pb.min())
        if overlap <= 0:
            return 0.0
        depth = min(depth, overlap)
    return float(depth)


def _points_to_segments(points: np.ndarray, polygon: np.ndarray) -> float:
    starts, ends = polygon, np.roll(polygon, -1, axis=0)
    edges = ends - starts  # (m, 2)
    rel = points[:, None, :] - starts[None, :, :]  # (n, m, 2)
    t = np.clip((rel * edges).sum(-1) / np.maximum((edges * edges).sum(-1), 1e-12), 0, 1)
    nearest = starts[None] + t[..., None] * edges[None]
    return float(np.sqrt(((points[:, None, :] - nearest) ** 2).sum(-1)).min())


def gap(a: np.ndarray, b: np.ndarray) -> float:
    """Shortest distance between two non-overlapping convex polygons."""
    return min(_points_to_segments(a, b), _points_to_segments(b, a))


def _wall_point(room: Room, wall: str, along: float) -> np.ndarray:
    return {"north": (along, 0.0), "south": (along, room.depth), "west": (0.0, along), "east": (room.width, along)}[
        wall
    ]


def _inward(wall: str) -> np.ndarray:
    return np.array({"north": (0, 1), "south": (0, -1), "west": (1, 0), "east": (-1, 0)}[wall], float)


def door_swing(room: Room, door: Door, steps: int = 12) -> np.ndarray:
    """The quarter disc the door leaf sweeps, as a convex polygon on the plan."""
    start = np.array(_wall_point(room, door.wall, door.offset))
    end = np.array(_wall_point(room, door.wall, door.offset + door.width))
    inward = _inward(door.wall) * (1 if door.swings_in else -1)
    # seen from inside facing the door, "left" is the end with the larger along-wall value on
    # north/east walls and the smaller on south/west; the arc is drawn around the hinge
    left_is_end = door.wall in ("north", "east")
    hinge, free = (end, start) if (door.hinge == "left") == left_is_end else (start, end)
    leaf = free - hinge
    arc = [hinge + math.cos(t) * leaf + math.sin(t) * inward * door.width for t in np.linspace(0, math.pi / 2, steps)]
    return np.array([hinge, *arc])


def _wall_gaps(room: Room, corners: np.ndarray) -> dict[str, float]:
    """Distance from the footprint to each wall; negative where it pokes through."""
    x, z = corners[:, 0], corners[:, 1]
    return {"north": z.min(), "south": room.depth - z.max(), "west": x.min(), "east": room.width - x.max()}


def check(room: Room, items: list[Item], walkway: float = 0.6) -> list[Problem]:
    """Every reason the plan does not fit (errors) or hinders daily use (warnings).

    A gap between two items that is wider than touching but narrower than ``walkway`` is a
    passage nobody can use comfortably: a warning naming both items and the gap.
    """
    problems: list[Problem] = []
    footprints = {item.id: item.footprint() for item in items}
    swings = [door_swing(room, door) for door in room.doors]
    for item in items:
        corners = footprints[item.id]
        outside = -min(_wall_gaps(room, corners).values())
        if outside > 1e-3:
            problems.append(Problem("outside_room", (item.id,), round(outside, 3)))
        if item.height + item.elevation > room.height + 1e-3:
            problems.append(Problem("too_tall", (item.id,), round(item.height + item.elevation - room.height, 3)))
        if abs(item.elevation) > 1e-3:
            problems.append(Problem("not_on_floor", (item.id,), round(abs(item.elevation), 3)))
        for index, swing in enumerate(swings):
            depth = penetration(corners, swing)
            if depth > 1e-3:
                problems.append(Problem("door_swing", (item.id,), round(depth, 3), detail={"door": index}))
        for index, window in enumerate(room.windows):
            problems.extend(_window_problem(room, window, index, item, corners))
    for a, b in _near_pairs(items, footprints, walkway):
        if min(a.height, b.height) < FLAT:
            continue  # a rug under a sofa is how rugs are meant to be used
        depth = penetration(footprints[a.id], footprints[b.id])
        if depth > 1e-3:
            problems.append(Problem("overlap", (a.id, b.id), round(depth, 3)))
            continue
        distance = gap(footprints[a.id], footprints[b.id])
        if TOUCHING < distance < walkway:
            problems.append(Problem("walkway", (a.id, b.id), round(distance, 3), "warning"))
    return problems


def _near_pairs(items: list[Item], footprints: dict[str, np.ndarray], reach: float) -> list[tuple[Item, Item]]:
    """Pairs whose bounding boxes come within ``reach``: only they can overlap or crowd a
    walkway, so the exact tests run on a handful of pairs instead of all of them."""
    if len(items) < 2:
        return []
    boxes = np.array(
        [[f[:, 0].min(), f[:, 1].min(), f[:, 0].max(), f[:, 1].max()] for f in (footprints[i.id] for i in items)]
    )
    dx = np.maximum(0, np.maximum(boxes[:, None, 0] - boxes[None, :, 2], boxes[None, :, 0] - boxes[:, None, 2]))
    dz = np.maximum(0, np.maximum(boxes[:, None, 1] - boxes[None, :, 3], boxes[None, :, 1] - boxes[:, None, 3]))
    near = np.argwhere(np.triu(np.hypot(dx, dz) < reach, k=1))
    return [(items[i], items[j]) for i, j in near]


def _window_problem(room: Room, window: Window, index: int, item: Item, corners: np.ndarray) -> list[Problem]:
    if item.height + item.elevation <= window.sill_height:
        return []
    a = np.array(_wall_point(room, window.wall, window.offset))
    b = np.array(_wall_point(room, window.wall, window.offset + window.width))
    strip = np.array([a, b, b + _inward(window.wall) * 0.3, a + _inward(window.wall) * 0.3])
    depth = penetration(corners, strip)
    return [Problem("blocks_window", (item.id,), round(depth, 3), "warning", {"window": index})] if depth > 1e-3 else []


def fits_in(width: float, depth: float, item_width: float, item_depth: float) -> float | None:
    """The rotation (0 or 90) at which a footprint fits a free rectangle, or None."""
    if item_width <= width + 1e-9 and item_depth <= depth + 1e-9:
        return 0.0
    if item_depth <= width + 1e-9 and item_width <= depth + 1e-9:
        return 90.0
    return None
