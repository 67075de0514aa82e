"""Skin smoothing that keeps the skin's texture: frequency separation on the face's skin.

A face's look splits by scale: pores and fine texture (finer than ``fine``), blotches and uneven
tone (between ``fine`` and ``coarse``), and the face's shading (broader). Smoothing takes out the
middle band only, clipped so real edges (nostrils, the jaw's shadow) stay, so skin looks even
without the plastic look of a plain blur.
"""

from __future__ import annotations

import cv2
import numpy as np

from . import masks
from .face import Face
from .look_spec import SPEC

_SMOOTHING = SPEC["smoothing"]


def smooth_skin(image: np.ndarray, face: Face, amount: float) -> None:
    """Even out the skin of ``face`` in place by ``amount`` (0..1); eyes, brows and lips stay."""
    if not 0.0 <= amount <= 1.0:
        raise ValueError("amount must be within 0..1")
    if amount == 0:
        return
    for mask in masks.foundation(face, image.shape):
        region = image[mask.slices]
        pixels = region.astype(np.float32)
        fine = cv2.GaussianBlur(pixels, (0, 0), max(_SMOOTHING["fine"] * face.width, 0.5))
        coarse = cv2.GaussianBlur(pixels, (0, 0), _SMOOTHING["coarse"] * face.width)
        band = np.clip(fine - coarse, -_SMOOTHING["edge"], _SMOOTHING["edge"])
        pixels -= band * (mask.alpha * amount)[..., None]
        smoothed = np.clip(pixels + 0.5, 0, 255).astype(np.uint8)
        cv2.copyTo(smoothed, (mask.alpha > 1e-3).view(np.uint8), region)  # outside the skin: bit-identical
