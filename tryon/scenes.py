"""Scene filters applied after makeup: how the look reads in other light."""

from __future__ import annotations

from functools import lru_cache

import cv2
import numpy as np

# 3x3 colour matrices on BGR
_MATRICES = {
    "daylight": np.array([[1.06, 0.00, 0.00], [0.00, 1.02, 0.00], [0.00, 0.00, 0.96]], np.float32),
    "warm_indoor": np.array([[0.84, 0.00, 0.00], [0.00, 0.97, 0.00], [0.00, 0.00, 1.12]], np.float32),
    "party": np.array([[1.10, 0.00, 0.06], [0.00, 0.88, 0.00], [0.08, 0.00, 1.08]], np.float32),
}
SCENES = tuple(_MATRICES)


@lru_cache(maxsize=8)
def _vignette(height: int, width: int) -> np.ndarray:
    """A soft dark edge (party lights come from the middle of the room), cached per frame size."""
    y, x = np.ogrid[-1 : 1 : height * 1j, -1 : 1 : width * 1j]
    return (1 - 0.35 * np.clip(x * x + y * y - 0.3, 0, 1)).astype(np.float32)[..., None]


def apply_scene(image: np.ndarray, scene: str | None) -> np.ndarray:
    """The image as it would look under a scene's light (unchanged for None)."""
    if not scene:
        return image
    if scene not in _MATRICES:
        raise ValueError(f"scene must be one of {SCENES}")
    out = cv2.transform(image.astype(np.float32), _MATRICES[scene])
    if scene == "party":
        out *= _vignette(*image.shape[:2])
    return np.clip(out, 0, 255).astype(np.uint8)
