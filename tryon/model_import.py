"""Vendor 3D models in, catalog GLB out: validated, units repaired, upright, on the floor.

The usual vendor bug is units: a 2.2 m sofa exported in millimetres reads as 2200 "metres",
or in inches, or with Z up. The declared real dimensions settle it: of the common unit
scales and the two up-axis conventions, the one that brings the model closest to the
declared size wins, and it must land within ``TOLERANCE`` of it.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

import numpy as np
import trimesh

FORMATS = ("glb", "gltf", "obj", "ply", "stl")
UNIT_SCALES = {"m": 1.0, "cm": 0.01, "mm": 0.001, "inch": 0.0254, "ft": 0.3048}
MAX_FACES = 3_000_000  # above this a file is refused outright
FACE_BUDGET = 200_000  # above this a model is simplified for phones
TOLERANCE = 0.1  # relative size error allowed after the unit repair
Z_UP_TO_Y_UP = trimesh.transformations.rotation_matrix(-np.pi / 2, [1, 0, 0])


class ModelInputError(ValueError):
    """``code``: invalid_model, empty_model, model_too_complex or model_size_mismatch."""

    def __init__(self, code: str, reason: str) -> None:
        super().__init__(reason)
        self.code, self.reason = code, reason


@dataclass(frozen=True)
class ImportReport:
    """What the importer did to a vendor model: unit, up axis, scale and faces."""

    unit: str
    z_up: bool
    faces_in: int
    faces_out: int
    extents: tuple[float, float, float]  # width, height, depth in metres


def load_mesh(data: bytes, file_type: str) -> trimesh.Trimesh:
    """One validated triangle mesh from untrusted bytes (scenes are merged)."""
    if file_type not in FORMATS:
        raise ModelInputError("invalid_model", f"format must be one of {', '.join(FORMATS)}")
    try:
        loaded = trimesh.load(io.BytesIO(data), file_type=file_type, force="mesh", process=False)
    except Exception as error:  # trimesh raises many types for broken files
        raise ModelInputError(
            "invalid_model", f"could not read the {file_type.upper()} file ({type(error).__name__})"
        ) from None
    if not isinstance(loaded, trimesh.Trimesh) or len(loaded.faces) == 0 or len(loaded.vertices) == 0:
        raise ModelInputError("empty_model", "the file has no triangles")
    if not np.isfinite(loaded.vertices).all():
        raise ModelInputError("invalid_model", "the model has NaN or infinite vertex coordinates")
    if len(loaded.faces) > MAX_FACES:
        raise ModelInputError("model_too_complex", f"{len(loaded.faces):,} faces; at most {MAX_FACES:,}")
    return loaded


def _best_fit(extents: np.ndarray, declared: np.ndarray) -> tuple[str, bool, float]:
    """(unit, z_up, worst relative error) closest to the declared width, height, depth."""
    candidates = []
    for z_up, measured in ((False, extents), (True, extents[[0, 2, 1]])):
        for unit, scale in UNIT_SCALES.items():
            error = float(np.max(np.abs(measured * scale - declared) / declared))
            candidates.append((error, unit, z_up))
    error, unit, z_up = min(candidates)
    return unit, z_up, error


def import_model(
    data: bytes, file_type: str, width: float, depth: float, height: float, face_budget: int = FACE_BUDGET
) -> tuple[bytes, ImportReport]:
    """A catalog GLB from a vendor file and the product's real size in metres."""
    if min(width, depth, height) <= 0:
        raise ModelInputError("invalid_model", "declared dimensions must be positive")
    mesh = load_mesh(data, file_type.lower().lstrip("."))
    faces_in = len(mesh.faces)
    declared = np.array([width, height, depth])
    unit, z_up, error = _best_fit(mesh.extents, declared)
    if error > TOLERANCE:
        measured = ", ".join(f"{v:.3g}" for v in mesh.extents)
        raise ModelInputError(
            "model_size_mismatch", f"model extents ({measured}) match no unit for {width} x {depth} x {height} m"
        )
    if z_up:
        mesh.apply_transform(Z_UP_TO_Y_UP)
    mesh.apply_scale(UNIT_SCALES[unit])
    lo, hi = mesh.bounds
    mesh.apply_translation([-(lo[0] + hi[0]) / 2, -lo[1], -(lo[2] + hi[2]) / 2])
    if len(mesh.faces) > face_budget:
        mesh = mesh.simplify_quadric_decimation(face_count=face_budget)
    glb = trimesh.Scene(mesh).export(file_type="glb")
    return glb, ImportReport(unit, z_up, faces_in, len(mesh.faces), tuple(round(float(v), 4) for v in mesh.extents))
