"""Temporal smoothing of stream landmarks with the One Euro filter (Casiez et al., CHI 2012).

A low-pass filter whose cut-off rises with speed: a still face is smoothed hard (no jitter),
a moving one lightly (no visible lag). Landmarks are filtered in units of face width so the
same settings suit a near or far face and any resolution.
"""

from __future__ import annotations

import math

import numpy as np

from .face import Face


def _alpha(cutoff: float | np.ndarray, dt: float):
    tau = 1.0 / (2 * math.pi * cutoff)
    return 1.0 / (1.0 + tau / dt)


class OneEuroFilter:
    """Element-wise One Euro filter over arrays of a fixed shape."""

    def __init__(self, min_cutoff: float = 1.0, beta: float = 0.0, d_cutoff: float = 1.0) -> None:
        self.min_cutoff, self.beta, self.d_cutoff = min_cutoff, beta, d_cutoff
        self._x: np.ndarray | None = None
        self._dx: np.ndarray | None = None
        self._t: float | None = None

    def reset(self) -> None:
        """Forget the past: the next sample passes unfiltered."""
        self._x = self._dx = self._t = None

    def __call__(self, x: np.ndarray, t: float) -> np.ndarray:
        if self._x is None or self._t is None or t <= self._t or self._x.shape != x.shape:
            self._x, self._dx, self._t = x.copy(), np.zeros_like(x), t
            return x.copy()
        dt = t - self._t
        dx = (x - self._x) / dt
        self._dx = self._dx + _alpha(self.d_cutoff, dt) * (dx - self._dx)
        cutoff = self.min_cutoff + self.beta * np.abs(self._dx)
        self._x = self._x + _alpha(cutoff, dt) * (x - self._x)
        self._t = t
        return self._x.copy()


class LandmarkSmoother:
    """Smooths one tracked face; call ``reset()`` when the face is lost."""

    def __init__(self, min_cutoff: float = 1.5, beta: float = 8.0) -> None:
        self._filter = OneEuroFilter(min_cutoff=min_cutoff, beta=beta)
        self._scale: float | None = None

    def reset(self) -> None:
        """Forget the past: the next sample passes unfiltered."""
        self._filter.reset()
        self._scale = None

    def __call__(self, face: Face, t: float) -> Face:
        if self._scale is None:  # fixed per track, so a noisy width adds no jitter of its own
            self._scale = max(face.width, 1.0)
        return Face(self._filter(face.points / self._scale, t) * self._scale)
