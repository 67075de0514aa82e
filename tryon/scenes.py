"""Scene filters applied after makeup: how the look reads in other light."""

from __future__ import annotations

from functools import lru_cache

import cv2
import numpy as np

from .look_spec import SPEC

# 3x3 colour matrices on BGR, from the spec the browser renderer also reads
_MATRICES = {name: np.array(scene["bgr"], np.float32) for name, scene in SPEC["scenes"].items()}
_VIGNETTE = SPEC["scenes"]["party"]["vignette"]
SCENES = tuple(_MATRICES)


@lru_cache(maxsize=8)
def _vignette(height: int, width: int) -> np.ndarray:
    """A soft dark edge (party lights come from the middle of the room), cached per frame size."""
    y, x = np.ogrid[-1 : 1 : height * 1j, -1 : 1 : width * 1j]
    return (1 - _VIGNETTE["strength"] * np.clip(x * x + y * y - _VIGNETTE["start"], 0, 1)).astype(np.float32)[..., None]


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
