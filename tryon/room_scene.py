"""A planned room as one glTF scene at true scale: every piece at its place and turn, the floor
outline and, when asked, the walls with their door gaps, for viewing the whole room in AR.

Plan coordinates are ``tryon.floorplan``'s (x along the width, z along the depth, rotation
clockwise seen from above); the scene is centred on the room so AR places the room's middle
where the shopper points.
"""

from __future__ import annotations

import io
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import trimesh
from trimesh.visual.material import PBRMaterial

from .floorplan import Room

OUTLINE = 0.04  # width of the floor outline strips
WALL = 0.06  # wall thickness, inside the room's outline so the scene's bounds are the room's
DOOR_HEIGHT = 2.05
OUTLINE_MATERIAL = PBRMaterial(name="outline", baseColorFactor=[60, 60, 60, 255], roughnessFactor=1.0)
# see-through walls: the shopper still sees their own room through them
WALL_MATERIAL = PBRMaterial(
    name="wall", baseColorFactor=[236, 232, 226, 110], alphaMode="BLEND", roughnessFactor=1.0, doubleSided=True
)


@dataclass(frozen=True)
class Placed:
    """One piece in the plan: its model key (same key, same model), its place and turn in metres and degrees."""

    model: str
    x: float
    z: float
    rotation: float = 0.0
    elevation: float = 0.0


def placement(item: Placed, room: Room) -> np.ndarray:
    """The item's model matrix in the room-centred scene."""
    turn = trimesh.transformations.rotation_matrix(-math.radians(item.rotation), [0, 1, 0])
    turn[:3, 3] = [item.x - room.width / 2, item.elevation, item.z - room.depth / 2]
    return turn


def _slab(size: Sequence[float], centre: Sequence[float], material: PBRMaterial) -> trimesh.Trimesh:
    mesh = trimesh.creation.box(extents=size)
    mesh.apply_translation(centre)
    mesh.visual = trimesh.visual.TextureVisuals(material=material)
    return mesh


def _quad(x0: float, z0: float, x1: float, z1: float, material: PBRMaterial) -> trimesh.Trimesh:
    """A flat strip lying on the floor (no thickness: the scene's height stays the furniture's)."""
    vertices = [[x0, 0, z0], [x1, 0, z0], [x1, 0, z1], [x0, 0, z1]]
    mesh = trimesh.Trimesh(vertices, [[0, 2, 1], [0, 3, 2]], process=False)
    mesh.visual = trimesh.visual.TextureVisuals(material=material)
    return mesh


def floor_outline(room: Room) -> list[trimesh.Trimesh]:
    """Four strips along the walls, inside the room, in room-centred coordinates."""
    hw, hd, o = room.width / 2, room.depth / 2, OUTLINE
    return [
        _quad(-hw, -hd, hw, -hd + o, OUTLINE_MATERIAL),
        _quad(-hw, hd - o, hw, hd, OUTLINE_MATERIAL),
        _quad(-hw, -hd + o, -hw + o, hd - o, OUTLINE_MATERIAL),
        _quad(hw - o, -hd + o, hw, hd - o, OUTLINE_MATERIAL),
    ]


def _gaps(room: Room, wall: str, length: float) -> list[tuple[float, float]]:
    """Solid spans (start, end) of a wall between its doors."""
    doors = sorted((d.offset, d.offset + d.width) for d in room.doors if d.wall == wall)
    spans, start = [], 0.0
    for begin, end in doors:
        if begin > start:
            spans.append((start, min(begin, length)))
        start = max(start, end)
    if start < length:
        spans.append((start, length))
    return spans


def walls(room: Room) -> list[trimesh.Trimesh]:
    """Full-height see-through walls with a lintel over each door, inside the outline."""
    hw, hd, h, t = room.width / 2, room.depth / 2, room.height, WALL
    parts = []
    for wall, length in (("north", room.width), ("south", room.width), ("west", room.depth), ("east", room.depth)):
        along_x = wall in ("north", "south")
        fixed = {"north": -hd + t / 2, "south": hd - t / 2, "west": -hw + t / 2, "east": hw - t / 2}[wall]
        start = -hw if along_x else -hd
        pieces = [(a, b, 0.0, h) for a, b in _gaps(room, wall, length)]
        pieces += [(d.offset, d.offset + d.width, DOOR_HEIGHT, h) for d in room.doors if d.wall == wall]
        for a, b, bottom, top in pieces:
            if b - a <= 0 or top - bottom <= 0:
                continue
            middle, y = start + (a + b) / 2, (bottom + top) / 2
            size = (b - a, top - bottom, t) if along_x else (t, top - bottom, b - a)
            centre = (middle, y, fixed) if along_x else (fixed, y, middle)
            parts.append(_slab(size, centre, WALL_MATERIAL))
    return parts


def room_scene(
    room: Room, items: Sequence[Placed], model: Callable[[str], trimesh.Scene], with_walls: bool = False
) -> trimesh.Scene:
    """The whole room: each item's model (``model(key)``, loaded once per key and instanced) at its
    place, the floor outline, and the walls when asked."""
    scene = trimesh.Scene()
    for index, part in enumerate(floor_outline(room) + (walls(room) if with_walls else [])):
        scene.add_geometry(part, geom_name=f"room_{index}", node_name=f"room_{index}")
    loaded: dict[str, trimesh.Scene] = {}
    for number, item in enumerate(items):
        if item.model not in loaded:
            loaded[item.model] = model(item.model)
            for name, geometry in loaded[item.model].geometry.items():
                scene.geometry[f"{item.model}/{name}"] = geometry  # stored once, placed by every node below
        where = placement(item, room)
        source = loaded[item.model]
        for node in source.graph.nodes_geometry:
            local, geometry = source.graph[node]
            scene.graph.update(
                frame_from=scene.graph.base_frame,
                frame_to=f"item{number}/{node}",
                matrix=where @ local,
                geometry=f"{item.model}/{geometry}",
            )
    return scene


def to_glb(scene: trimesh.Scene) -> bytes:
    """The room as a binary glTF file."""
    return scene.export(file_type="glb")


def load_glb(data: bytes) -> trimesh.Scene:
    """A catalog GLB (ours, trusted) as a scene."""
    return trimesh.load_scene(io.BytesIO(data), file_type="glb")


def placeholder(width: float, depth: float, height: float, color_hex: str) -> trimesh.Scene:
    """A box of the item's size for a product whose model is missing: the room still reads true."""
    rgba = [int(color_hex.lstrip("#")[i : i + 2], 16) for i in (0, 2, 4)] + [255]
    box = _slab((width, height, depth), (0, height / 2, 0), PBRMaterial(baseColorFactor=rgba, roughnessFactor=0.8))
    return trimesh.Scene(box)
