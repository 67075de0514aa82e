"""A face as landmark points: the currency between detection, smoothing and rendering."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Face:
    """Landmarks of one face in pixel coordinates, shape (478, 2), float32 (Face Mesh with
    refined iris and lips)."""

    points: np.ndarray

    @property
    def width(self) -> float:
        """Cheek-to-cheek distance: the yardstick for feathering and sizes."""
        return float(np.linalg.norm(self.points[454] - self.points[234]))
