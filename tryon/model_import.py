"""Vendor 3D models in, catalog GLB out: validated, true to size, upright, on the floor, light enough.

The usual vendor bug is units: a 2.2 m sofa exported in millimetres reads as 2200 "metres", or
in inches, or with Z up, or in a catalog tool's own unit. The declared real dimensions settle it:
of the common unit scales and the up-axis and facing conventions, the first that brings every
dimension within tolerance of the declared one wins; when no standard unit does, one uniform
scale (the best fit of the three dimensions) may, and proportions must still hold. Materials,
textures, vertex colours and OBJ normal maps are kept; very large meshes are simplified.
"""

from __future__ import annotations

import io
import posixpath
import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from itertools import product

import numpy as np
import trimesh
from PIL import Image
from scipy.spatial import cKDTree
from trimesh.visual.material import PBRMaterial

FORMATS = ("glb", "gltf", "obj", "ply", "stl")
UNIT_SCALES = {"m": 1.0, "cm": 0.01, "mm": 0.001, "inch": 0.0254, "ft": 0.3048}
MAX_FACES = 3_000_000  # above this a file is refused outright
FACE_BUDGET = 100_000  # above this a model is simplified: a room of such pieces still draws smoothly on a phone
MAX_TEXTURE_PX = 2048  # larger textures are shrunk: phones cap texture memory
TOLERANCE = 0.03  # each dimension may differ this much (relative) from the declared one ...
MIN_TOLERANCE_M = 0.01  # ... or this much, for thin parts (a rug's 1 cm) where 3 % is a hair
AXES = ("width", "height", "depth")
Z_UP_TO_Y_UP = trimesh.transformations.rotation_matrix(-np.pi / 2, [1, 0, 0])
QUARTER_TURN = trimesh.transformations.rotation_matrix(np.pi / 2, [0, 1, 0])
# (z_up, turned, matrix), most likely first: glTF's own Y-up facing +z, then a quarter turn, then Z-up
ORIENTATIONS = tuple(
    (z_up, turned, (QUARTER_TURN if turned else np.eye(4)) @ (Z_UP_TO_Y_UP if z_up else np.eye(4)))
    for z_up, turned in product((False, True), (False, True))
)
_MAP_KEYS = ("baseColorTexture", "normalTexture", "metallicRoughnessTexture", "emissiveTexture", "occlusionTexture")


class ModelInputError(ValueError):
    """A refused model: ``code`` (unsupported_model_format, invalid_model, model_not_finite, empty_model,
    model_too_complex, model_size_mismatch, invalid_declared_size) and the numbers behind it."""

    def __init__(self, code: str, **params: object) -> None:
        super().__init__(f"{code} {params}")
        self.code, self.params = code, params


@dataclass(frozen=True)
class Fit:
    """How a model becomes true to size: orientation, unit (None: a uniform scale) and the result."""

    z_up: bool
    turned: bool
    matrix: np.ndarray
    unit: str | None
    scale: float
    sizes: np.ndarray  # width, height, depth in metres after the fix
    worst: float  # largest deviation as a share of its allowance (<= 1 fits)


@dataclass(frozen=True)
class ImportReport:
    """What the importer did: unit or scale, up axis, turn, deviation, faces and bytes before and after."""

    unit: str | None  # None when no standard unit fitted and the model was scaled uniformly
    scale: float
    z_up: bool
    turned: bool
    faces_in: int
    faces_out: int
    bytes_in: int
    bytes_out: int
    extents: tuple[float, float, float]  # width, height, depth in metres
    deviation_m: float  # the largest |size - declared| of the three dimensions
    deviation_axis: str  # width, height or depth


# --- loading -------------------------------------------------------------------------------


class ReadResolver(trimesh.resolvers.Resolver):
    """An OBJ's MTL and textures or a glTF's buffers, by name next to the model, from ``read``
    (which refuses names outside its folder or archive)."""

    def __init__(self, read: Callable[[str], bytes], folder: str = "") -> None:
        self.read, self.folder = read, folder

    def get(self, name: str) -> bytes:
        return self.read(posixpath.normpath(posixpath.join(self.folder, name.replace("\\", "/"))))

    def write(self, name: str, data: object) -> None:
        raise NotImplementedError("vendor files are read only")

    def namespaced(self, namespace: str) -> ReadResolver:
        return ReadResolver(self.read, posixpath.join(self.folder, namespace))

    def keys(self) -> list[str]:
        return []


def load_scene(data: bytes, file_type: str, resolver: trimesh.resolvers.Resolver | None = None) -> trimesh.Scene:
    """The triangle meshes of untrusted bytes with their materials (other geometry is dropped).
    ``resolver`` finds an OBJ's MTL and textures or a glTF's buffers."""
    if file_type not in FORMATS:
        raise ModelInputError("unsupported_model_format", formats=", ".join(FORMATS))
    try:
        scene = trimesh.load_scene(io.BytesIO(data), file_type=file_type, resolver=resolver, process=False)
    except Exception:  # trimesh raises many types for broken files
        raise ModelInputError("invalid_model", format=file_type.upper()) from None
    others = [name for name, g in scene.geometry.items() if not isinstance(g, trimesh.Trimesh) or len(g.faces) == 0]
    scene.delete_geometry(others)
    if not scene.geometry:
        raise ModelInputError("empty_model")
    if not all(np.isfinite(g.vertices).all() for g in scene.geometry.values()):
        raise ModelInputError("model_not_finite")
    faces = face_count(scene)
    if faces > MAX_FACES:
        raise ModelInputError("model_too_complex", faces=faces, limit=MAX_FACES)
    return scene


def load_mesh(data: bytes, file_type: str) -> trimesh.Trimesh:
    """One validated triangle mesh from untrusted bytes (the parts of a scene merged)."""
    return load_scene(data, file_type).to_geometry()


def face_count(scene: trimesh.Scene) -> int:
    """Triangles stored in the scene (an instanced part counts once: it is downloaded once)."""
    return sum(len(g.faces) for g in scene.geometry.values())


# --- size ----------------------------------------------------------------------------------


def _allowed(declared: np.ndarray) -> np.ndarray:
    return np.maximum(TOLERANCE * declared, MIN_TOLERANCE_M)


def _worst(scale: float, measured: np.ndarray, declared: np.ndarray) -> float:
    return float(np.max(np.abs(scale * measured - declared) / _allowed(declared)))


def best_scale(measured: np.ndarray, declared: np.ndarray) -> float:
    """The uniform scale with the smallest worst deviation (each measured against its allowance).

    Each dimension's deviation is V-shaped in the scale, so the minimax lies where two of them
    cross or at one's zero: trying those few scales is exact."""
    allowed = _allowed(declared)
    slope, target = measured / allowed, declared / allowed
    pairs = [(i, j) for i in range(3) for j in range(3) if slope[i] + slope[j] > 0]  # a flat axis has no zero
    candidates = [float((target[i] + target[j]) / (slope[i] + slope[j])) for i, j in pairs]
    return min(candidates, key=lambda s: _worst(s, measured, declared))


def _oriented_extents(bounds: np.ndarray, matrix: np.ndarray) -> np.ndarray:
    corners = trimesh.transform_points(trimesh.bounds.corners(bounds), matrix)
    return np.ptp(corners, axis=0)


def fit_size(bounds: np.ndarray, declared: np.ndarray) -> Fit:
    """The first fitting (standard unit before uniform scale, likelier orientation first), or
    ``model_size_mismatch`` with the numbers of the closest try."""
    options = []
    for rank, (z_up, turned, matrix) in enumerate(ORIENTATIONS):
        measured = _oriented_extents(bounds, matrix)
        scales = [*UNIT_SCALES.items(), (None, best_scale(measured, declared))]
        for kind, (unit, scale) in enumerate(scales):
            fit = Fit(z_up, turned, matrix, unit, scale, measured * scale, _worst(scale, measured, declared))
            options.append(((kind == len(UNIT_SCALES), rank, fit.worst), fit))
    fitting = [option for option in options if option[1].worst <= 1]
    if fitting:
        return min(fitting, key=lambda option: option[0])[1]
    closest = min((option[1] for option in options), key=lambda fit: fit.worst)
    axis = int(np.argmax(np.abs(closest.sizes - declared) / _allowed(declared)))
    raise ModelInputError(
        "model_size_mismatch",
        scale=f"{closest.scale:.4g}",
        got=_cm(closest.sizes),
        declared=_cm(declared),
        axis=AXES[axis],
        cm=round(abs(closest.sizes[axis] - declared[axis]) * 100, 1),
        allowed=round(_allowed(declared)[axis] * 100, 1),
    )


def _cm(whd: np.ndarray) -> str:
    """Width × depth × height in centimetres, the way catalogs print sizes."""
    return " × ".join(f"{whd[i] * 100:.0f}" for i in (0, 2, 1))


# --- materials and weight ------------------------------------------------------------------


def _looks_like_normal_map(image: Image.Image) -> bool:
    """A tangent-space normal map is mostly (128, 128, 255); an old-style bump map is grey."""
    red, green, blue = np.asarray(image.convert("RGB").resize((32, 32)), float).reshape(-1, 3).mean(axis=0)
    return blue > 180 and abs(red - 128) < 40 and abs(green - 128) < 40


def _obj_normal_maps(data: bytes, resolver: trimesh.resolvers.Resolver | None) -> dict[str, Image.Image]:
    """Normal maps an OBJ's MTL names (``norm``, or ``map_Bump`` holding one); trimesh reads only
    colour maps."""
    maps: dict[str, Image.Image] = {}
    if resolver is None:
        return maps
    for library in re.findall(rb"^\s*mtllib\s+(.+?)\s*$", data, re.M):
        try:
            mtl = resolver.get(library.decode("utf-8", "replace")).decode("utf-8", "replace")
        except Exception:  # a missing MTL only loses its maps, as trimesh does
            continue
        current = None
        for parts in (line.split() for line in mtl.splitlines()):
            key = parts[0].lower() if parts else ""
            if key == "newmtl":
                current = " ".join(parts[1:])
            elif key in ("norm", "map_bump", "bump") and current and len(parts) > 1:
                try:
                    image = Image.open(io.BytesIO(resolver.get(parts[-1])))
                    image.load()
                except Exception:
                    continue
                if key == "norm" or _looks_like_normal_map(image):
                    maps[current] = image
    return maps


def _pbr(material: object) -> PBRMaterial:
    return material if isinstance(material, PBRMaterial) else material.to_pbr()


def _attach_normal_maps(scene: trimesh.Scene, maps: dict[str, Image.Image]) -> None:
    for mesh in scene.geometry.values():
        material = getattr(mesh.visual, "material", None)
        if material is not None and getattr(material, "name", None) in maps:
            pbr = _pbr(material)
            pbr.normalTexture = maps[material.name]
            pbr.name = material.name
            mesh.visual.material = pbr


def _shrink_textures(scene: trimesh.Scene) -> None:
    for mesh in scene.geometry.values():
        material = getattr(mesh.visual, "material", None)
        for key in (*_MAP_KEYS, "image"):
            image = getattr(material, key, None)
            if isinstance(image, Image.Image) and max(image.size) > MAX_TEXTURE_PX:
                small = image.copy()
                small.thumbnail((MAX_TEXTURE_PX, MAX_TEXTURE_PX))
                setattr(material, key, small)


def _carried_visual(original: trimesh.Trimesh, simple: trimesh.Trimesh) -> trimesh.visual.base.Visuals | None:
    """The original's UVs, vertex colours and material on the simplified mesh, from each new
    vertex's nearest old one (the simplifier keeps only positions)."""
    visual = original.visual
    nearest = cKDTree(original.vertices).query(simple.vertices)[1]
    if isinstance(visual, trimesh.visual.TextureVisuals):
        uv = visual.uv[nearest] if visual.uv is not None and len(visual.uv) == len(original.vertices) else None
        return trimesh.visual.TextureVisuals(uv=uv, material=visual.material)
    if isinstance(visual, trimesh.visual.ColorVisuals) and visual.defined:
        return trimesh.visual.ColorVisuals(simple, vertex_colors=visual.vertex_colors[nearest])
    return None


def _decimate(scene: trimesh.Scene, budget: int) -> None:
    """Every part simplified by the same share until the scene holds at most ``budget`` faces."""
    total = face_count(scene)
    if total <= budget:
        return
    for name, mesh in list(scene.geometry.items()):
        target = max(4, int(len(mesh.faces) * budget / total))
        if target >= len(mesh.faces):
            continue
        simple = mesh.simplify_quadric_decimation(face_count=target)
        visual = _carried_visual(mesh, simple)
        if visual is not None:
            simple.visual = visual
        scene.geometry[name] = simple


# --- the import ----------------------------------------------------------------------------


def prepare(
    data: bytes,
    file_type: str,
    width: float,
    depth: float,
    height: float,
    resolver: trimesh.resolvers.Resolver | None = None,
    face_budget: int = FACE_BUDGET,
) -> tuple[trimesh.Scene, ImportReport]:
    """The vendor model true to the declared size (metres), upright, centred on the floor, within the
    face budget, materials kept; ``bytes_out`` of the report is 0 until exported (``import_model``)."""
    declared = np.array([width, height, depth], float)
    if not np.isfinite(declared).all() or declared.min() <= 0:
        raise ModelInputError("invalid_declared_size")
    file_type = file_type.lower().lstrip(".")
    scene = load_scene(data, file_type, resolver)
    faces_in = face_count(scene)
    fit = fit_size(scene.bounds, declared)
    scene.apply_transform(np.diag([fit.scale, fit.scale, fit.scale, 1.0]) @ fit.matrix)
    lo, hi = scene.bounds
    scene.apply_translation([-(lo[0] + hi[0]) / 2, -lo[1], -(lo[2] + hi[2]) / 2])
    if file_type == "obj":
        _attach_normal_maps(scene, _obj_normal_maps(data, resolver))
    _decimate(scene, face_budget)
    _shrink_textures(scene)
    sizes = scene.extents
    deviation = np.abs(sizes - declared)
    axis = int(np.argmax(deviation))
    report = ImportReport(
        unit=fit.unit,
        scale=float(fit.scale),
        z_up=fit.z_up,
        turned=fit.turned,
        faces_in=faces_in,
        faces_out=face_count(scene),
        bytes_in=len(data),
        bytes_out=0,
        extents=tuple(round(float(v), 4) for v in sizes),
        deviation_m=round(float(deviation[axis]), 4),
        deviation_axis=AXES[axis],
    )
    return scene, report


def to_glb(scene: trimesh.Scene) -> bytes:
    """The scene as a binary glTF file."""
    return scene.export(file_type="glb")


def import_model(
    data: bytes,
    file_type: str,
    width: float,
    depth: float,
    height: float,
    face_budget: int = FACE_BUDGET,
    resolver: trimesh.resolvers.Resolver | None = None,
) -> tuple[bytes, ImportReport]:
    """A catalog GLB from a vendor file and the product's real size in metres."""
    scene, report = prepare(data, file_type, width, depth, height, resolver, face_budget)
    glb = to_glb(scene)
    return glb, replace(report, bytes_out=len(glb))


# --- variants ------------------------------------------------------------------------------


def _material_name(mesh: trimesh.Trimesh) -> str | None:
    material = getattr(mesh.visual, "material", None)
    return getattr(material, "name", None) or None


def material_names(scene: trimesh.Scene) -> set[str]:
    """Names of the model's materials (what a variant may name to recolour)."""
    return {name for name in map(_material_name, scene.geometry.values()) if name}


def main_material(scene: trimesh.Scene) -> str | None:
    """The named material covering the most surface (a sofa's fabric rather than its feet)."""
    area: dict[str, float] = {}
    for mesh in scene.geometry.values():
        name = _material_name(mesh)
        if name:
            area[name] = area.get(name, 0.0) + float(mesh.area)
    return max(area, key=area.get) if area else None


def _detail(image: Image.Image) -> Image.Image:
    """A colour texture as grey detail (weave, grain) that the variant's colour then tints."""
    grey = np.asarray(image.convert("L"), float)
    return Image.fromarray(np.clip(grey * (230 / max(grey.mean(), 1.0)), 0, 255).astype(np.uint8)).convert("RGB")


def _variant_material(original: object, rgba: list[int], texture: Image.Image | None) -> PBRMaterial:
    pbr = _pbr(original)
    base = texture if texture is not None else pbr.baseColorTexture
    return PBRMaterial(
        name=getattr(original, "name", None),
        baseColorFactor=[255, 255, 255, 255] if texture is not None else rgba,
        baseColorTexture=base if texture is not None or base is None else _detail(base),
        normalTexture=pbr.normalTexture,
        metallicRoughnessTexture=pbr.metallicRoughnessTexture,
        occlusionTexture=pbr.occlusionTexture,
        metallicFactor=pbr.metallicFactor,
        roughnessFactor=pbr.roughnessFactor if pbr.roughnessFactor is not None else 0.8,
    )


def recoloured(
    scene: trimesh.Scene, color_hex: str, material: str | None = None, texture: Image.Image | None = None
) -> trimesh.Scene:
    """A copy of the model in one variant: the parts of ``material`` (default: the main one; every
    part when none is named) take the colour, tinting their texture's detail, or the variant's own
    ``texture``; parts without a material (vertex colours, STL) take the plain colour."""
    target = material or main_material(scene)
    rgba = [int(color_hex.lstrip("#")[i : i + 2], 16) for i in (0, 2, 4)] + [255]
    out = scene.copy()
    for mesh in out.geometry.values():
        if target is not None and _material_name(mesh) != target:
            continue
        original = getattr(mesh.visual, "material", None)
        uv = getattr(mesh.visual, "uv", None)
        own = texture if uv is not None else None  # a texture needs UVs to land anywhere
        mesh.visual = trimesh.visual.TextureVisuals(
            uv=uv,
            material=_variant_material(original, rgba, own)
            if original is not None
            else PBRMaterial(baseColorFactor=rgba, roughnessFactor=0.8, metallicFactor=0.0),
        )
    return out
