"""Skin smoothing that keeps the skin's texture: frequency separation on the face's skin.

A face's look splits by scale: pores and fine texture (finer than ``fine``), blotches and uneven
tone (between ``fine`` and ``coarse``), and the face's shading (broader). Smoothing takes out the
middle band only, clipped so real edges (nostrils, the jaw's shadow) stay, so skin looks even
without the plastic look of a plain blur.
"""

from __future__ import annotations

import cv2
import numpy as np
from numba import njit

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
        coarse = _wide_blur(pixels, _SMOOTHING["coarse"] * face.width)
        _take_out_band(region, fine, coarse, mask.alpha, np.float32(amount), np.float32(_SMOOTHING["edge"]))


def _wide_blur(pixels: np.ndarray, sigma: float) -> np.ndarray:
    """A Gaussian blur of ``sigma``; a wide one worked out on block means and stretched back (the box
    padded to whole blocks by repeating its edge, so both sizes line up exactly)."""
    scale = _SMOOTHING["coarse_scale"]
    if sigma < _SMOOTHING["coarse_scale_from"]:
        return cv2.GaussianBlur(pixels, (0, 0), sigma)
    height, width = pixels.shape[:2]
    rows, cols = -(-height // scale), -(-width // scale)
    padded = cv2.copyMakeBorder(pixels, 0, rows * scale - height, 0, cols * scale - width, cv2.BORDER_REPLICATE)
    means = cv2.resize(padded, (cols, rows), interpolation=cv2.INTER_AREA)
    blurred = cv2.GaussianBlur(means, (0, 0), sigma / scale)
    return cv2.resize(blurred, (cols * scale, rows * scale), interpolation=cv2.INTER_LINEAR)[:height, :width]


@njit(cache=True, nogil=True)
def _take_out_band(region, fine, coarse, alpha, amount, edge):  # pragma: no cover - compiled
    """``region`` minus the band ``fine - coarse`` (clipped to ±``edge``) by ``alpha * amount``, in
    place and in one pass; outside the skin (alpha <= 1e-3) it stays bit-identical."""
    h, w = alpha.shape
    for i in range(h):
        for j in range(w):
            if alpha[i, j] <= 1e-3:
                continue
            weight = alpha[i, j] * amount
            for c in range(3):
                band = min(max(fine[i, j, c] - coarse[i, j, c], -edge), edge)
                value = np.float32(region[i, j, c]) - band * weight + np.float32(0.5)
                region[i, j, c] = np.uint8(min(max(value, np.float32(0)), np.float32(255)))
