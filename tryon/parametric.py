"""Parametric furniture models: believable parts, true size in metres, PBR materials, GLB.

Every model stands with its floor at y = 0, is centred on x and z, and faces +z (a sofa's
seat front, a wardrobe's doors). ``build`` is exact to the millimetre: parts are laid out
from the product's dimensions and the assembly is finally fitted to them.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import trimesh
from trimesh.visual.material import PBRMaterial

LEG = 0.06  # leg height under upholstered pieces


def _material(color_hex: str, roughness: float = 0.8, metallic: float = 0.0) -> PBRMaterial:
    rgb = [int(color_hex.lstrip("#")[i : i + 2], 16) for i in (0, 2, 4)]
    return PBRMaterial(baseColorFactor=[*rgb, 255], roughnessFactor=roughness, metallicFactor=metallic)


def _box(size, centre, material) -> trimesh.Trimesh:
    mesh = trimesh.creation.box(extents=size)
    mesh.apply_translation(centre)
    mesh.visual = trimesh.visual.TextureVisuals(material=material)
    return mesh


def _cylinder(radius, height, base, material, sections=24) -> trimesh.Trimesh:
    mesh = trimesh.creation.cylinder(radius=radius, height=height, sections=sections)
    mesh.apply_transform(trimesh.transformations.rotation_matrix(-np.pi / 2, [1, 0, 0]))  # along y
    mesh.apply_translation([base[0], base[1] + height / 2, base[2]])
    mesh.visual = trimesh.visual.TextureVisuals(material=material)
    return mesh


def _legs(w, d, height, inset, radius, material) -> list[trimesh.Trimesh]:
    return [
        _cylinder(radius, height, (sx * (w / 2 - inset), 0, sz * (d / 2 - inset)), material)
        for sx in (-1, 1)
        for sz in (-1, 1)
    ]


def _sofa(w, d, h, main, accent, seats=3, **_):
    arm, back = min(0.18, w * 0.15), min(0.22, d * 0.25)
    seat_top = 0.44
    parts = [
        _box((w, seat_top - LEG - 0.12, d), (0, LEG + (seat_top - LEG - 0.12) / 2, 0), main),
        _box((w - 2 * arm, h - LEG, back), (0, LEG + (h - LEG) / 2, -d / 2 + back / 2), main),
    ]
    parts += [_box((arm, 0.64 - LEG, d), (sx * (w / 2 - arm / 2), LEG + (0.64 - LEG) / 2, 0), main) for sx in (-1, 1)]
    cushion_w = (w - 2 * arm) / seats
    for i in range(seats):  # seat cushions with a small gap between them, so they read as cushions
        x = -w / 2 + arm + cushion_w * (i + 0.5)
        parts.append(_box((cushion_w - 0.01, 0.12, d - back - 0.02), (x, seat_top - 0.06, back / 2), main))
    return parts + _legs(w, d, LEG, 0.06, 0.02, accent)


def _table(w, d, h, main, accent, top=0.04, inset=0.06, **_):
    return [
        _box((w, top, d), (0, h - top / 2, 0), main),
        *_legs(w, d, h - top, inset, 0.025, main),
        _box((w - 2 * inset, 0.06, 0.02), (0, h - top - 0.03, d / 2 - inset), main),
        _box((w - 2 * inset, 0.06, 0.02), (0, h - top - 0.03, -d / 2 + inset), main),
    ]


def _chair(w, d, h, main, accent, **_):
    seat = 0.46
    return [
        _box((w, 0.04, d), (0, seat - 0.02, 0), main),
        *_legs(w, d, seat - 0.04, 0.03, 0.018, main),
        _box((w, h - seat, 0.03), (0, seat + (h - seat) / 2, -d / 2 + 0.015), main),
    ]


def _bed(w, d, h, main, accent, **_):
    frame_top, board = 0.32, 0.08
    return [
        _box((w, frame_top - LEG, d - board), (0, LEG + (frame_top - LEG) / 2, board / 2), main),
        _box((w - 0.08, 0.22, d - board - 0.06), (0, frame_top + 0.11, board / 2), _material("#F4F1EA", 0.9)),
        _box((w, h - LEG, board), (0, LEG + (h - LEG) / 2, -d / 2 + board / 2), main),
        *_legs(w, d, LEG, 0.05, 0.025, accent),
    ]


def _wardrobe(w, d, h, main, accent, doors=3, **_):
    plinth, front = 0.08, 0.02
    parts = [
        _box((w, h - plinth, d - front), (0, plinth + (h - plinth) / 2, -front / 2), main),
        _box((w - 0.04, plinth, d - front - 0.04), (0, plinth / 2, -front / 2), accent),
    ]
    door_w = w / doors
    for i in range(doors):
        x = -w / 2 + door_w * (i + 0.5)
        parts.append(
            _box((door_w - 0.004, h - plinth - 0.01, front), (x, plinth + (h - plinth) / 2, d / 2 - front / 2), main)
        )
        parts.append(
            _box(
                (0.015, 0.3, 0.015),
                (
                    x + door_w * 0.38 * (1 if i % 2 else -1),
                    plinth + (h - plinth) * 0.5,
                    d / 2 - front - 0.0001 + 0.0075,
                ),
                accent,
            )
        )
    return parts


def _bookshelf(w, d, h, main, accent, shelves=5, **_):
    side = 0.025
    parts = [_box((side, h, d), (sx * (w / 2 - side / 2), h / 2, 0), main) for sx in (-1, 1)]
    parts.append(_box((w - 2 * side, h, 0.008), (0, h / 2, -d / 2 + 0.004), main))
    for i in range(shelves + 1):
        y = 0.02 + i * (h - 0.04) / shelves
        parts.append(_box((w - 2 * side, 0.025, d - 0.01), (0, min(y, h - 0.0125), 0.005), main))
    return parts


def _floor_lamp(w, d, h, main, accent, **_):
    radius = min(w, d) / 2
    shade_h = min(0.35, h * 0.25)
    return [
        _cylinder(radius * 0.6, 0.03, (0, 0, 0), main, 32),
        _cylinder(0.012, h - shade_h - 0.03, (0, 0.03, 0), main),
        _cylinder(radius, shade_h, (0, h - shade_h, 0), _material("#F3EBDD", 0.95), 48),
    ]


def _rug(w, d, h, main, accent, **_):
    return [_box((w, h, d), (0, h / 2, 0), main)]


BUILDERS: dict[str, Callable] = {
    "sofa": _sofa,
    "table": _table,
    "chair": _chair,
    "bed": _bed,
    "wardrobe": _wardrobe,
    "bookshelf": _bookshelf,
    "floor_lamp": _floor_lamp,
    "rug": _rug,
}
FINISH = {"sofa": (0.95, 0.0), "bed": (0.95, 0.0), "rug": (1.0, 0.0), "floor_lamp": (0.35, 0.8)}


def fit_to(scene: trimesh.Scene, width: float, depth: float, height: float) -> trimesh.Scene:
    """Scale and move the assembly so its bounds are exactly the given size, floor at y = 0."""
    lo, hi = scene.bounds
    scale = np.array([width, height, depth]) / np.maximum(hi - lo, 1e-9)
    matrix = np.diag([*scale, 1.0])
    matrix[:3, 3] = -lo * scale - np.array([width / 2, 0, depth / 2])
    scene.apply_transform(matrix)
    return scene


def build(kind: str, width: float, depth: float, height: float, color_hex: str, **params) -> trimesh.Scene:
    """A furniture piece of ``kind`` at true size (metres), floor at y = 0, front facing +z."""
    roughness, metallic = FINISH.get(kind, (0.6, 0.0))
    main = _material(color_hex, roughness, metallic)
    accent = _material("#2B2B2B", 0.5, 0.3)
    scene = trimesh.Scene()
    for index, part in enumerate(BUILDERS[kind](width, depth, height, main, accent, **params)):
        scene.add_geometry(part, node_name=f"{kind}_{index}")
    return fit_to(scene, width, depth, height)


def to_glb(scene: trimesh.Scene) -> bytes:
    """The scene as a binary glTF file."""
    return scene.export(file_type="glb")
