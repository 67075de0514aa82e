"""A face as landmark points: the currency between detection, smoothing and rendering."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import numpy as np

from .look_spec import SPEC

_WIDTH_FROM, _WIDTH_TO = SPEC["regions"]["face_width"]


@dataclass(frozen=True)
class Face:
    """Landmarks of one face in pixel coordinates, shape (478, 2), float32 (Face Mesh with
    refined iris and lips)."""

    points: np.ndarray

    @cached_property  # every mask of every product asks for it
    def width(self) -> float:
        """Cheek-to-cheek distance: the yardstick for feathering and sizes."""
        return float(np.linalg.norm(self.points[_WIDTH_TO] - self.points[_WIDTH_FROM]))

    @property
    def box(self) -> tuple[int, int, int, int]:
        """Where the face is: ``(x, y, width, height)`` in whole pixels around every landmark."""
        x0, y0 = np.floor(self.points.min(axis=0)).astype(int)
        x1, y1 = np.ceil(self.points.max(axis=0)).astype(int)
        return int(x0), int(y0), int(x1 - x0), int(y1 - y0)
