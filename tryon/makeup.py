"""Makeup rendering: product colour laid on a region while the skin's own texture and the
scene's light stay visible.

Colour is moved in CIELAB: the region's chroma (a*, b*) goes to the shade's, its lightness is
shifted by the difference of means, so every pore, crease and shadow keeps its relative
lightness. Finishes then shape lightness from the region's *own* highlights (gloss brightens
where the lips already catch light), which is why they follow the scene's lighting.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import cv2
import numpy as np
from numba import njit

from . import masks
from .face import Face
from .look_spec import SPEC
from .retouch import smooth_skin

PRODUCT_TYPES = ("lip", "eye", "cheek", "brow", "liner", "foundation", "concealer", "mascara")
FINISHES = tuple(SPEC["finishes"])
# opacity, order, transfer and finish numbers come from the spec the browser renderer also reads
OPACITY: dict[str, float] = SPEC["opacity"]
ORDER: tuple[str, ...] = tuple(SPEC["order"])
_TRANSFER, _HIGHLIGHT, _SPARKLE_SPEC = SPEC["transfer"], SPEC["highlight"], SPEC["sparkle"]
_TILE = _SPARKLE_SPEC["tile"]
_SPARKLE = (np.random.default_rng(20417).random((_TILE, _TILE)) > 1 - _SPARKLE_SPEC["density"]).astype(np.float32)
_SPARKLE = cv2.GaussianBlur(_SPARKLE, (0, 0), _SPARKLE_SPEC["sigma"]) * _SPARKLE_SPEC["gain"]
# each finish's numbers in the order the compiled painter takes them
_NUMBERS = {
    name: (
        _TRANSFER["lightness_shift"],
        _TRANSFER["chroma_keep"],
        _HIGHLIGHT["start"],
        _HIGHLIGHT["width"],
        f["relief"],
        f["relief_up"],
        f["gain"],
        f["power"],
        f["sparkle"],
    )
    for name, f in SPEC["finishes"].items()
}


@dataclass(frozen=True)
class Application:
    """One product on the face."""

    product_type: str
    color_hex: str
    finish: str = "satin"
    intensity: float = 1.0
    wing: bool = False  # eyeliner only
    lashes: str = "natural"  # mascara only: one of the spec's lash styles

    def __post_init__(self) -> None:
        if self.product_type not in PRODUCT_TYPES:
            raise ValueError(f"product_type must be one of {PRODUCT_TYPES}")
        if self.lashes not in masks.MASCARA_STYLES:
            raise ValueError(f"lashes must be one of {masks.MASCARA_STYLES}")
        if self.finish not in FINISHES:
            raise ValueError(f"finish must be one of {FINISHES}")
        if not 0.0 <= self.intensity <= 1.0:
            raise ValueError("intensity must be within 0..1")
        hex_to_lab(self.color_hex)


def hex_to_lab(color_hex: str) -> np.ndarray:
    """A ``#rrggbb`` colour as OpenCV 8-bit Lab (L*, a*, b* scaled to 0..255), float32."""
    return np.array(_lab8(color_hex), np.float32)


@functools.lru_cache(maxsize=1024)  # a catalog has a few hundred shades, each used every frame
def _lab8(color_hex: str) -> tuple[int, int, int]:
    value = color_hex.lstrip("#")
    if len(value) != 6 or any(c not in "0123456789abcdefABCDEF" for c in value):
        raise ValueError(f"not a #rrggbb colour: {color_hex!r}")
    bgr = np.array([[[int(value[i : i + 2], 16) for i in (4, 2, 0)]]], np.uint8)
    return tuple(int(v) for v in cv2.cvtColor(bgr, cv2.COLOR_BGR2LAB)[0, 0])


# where each product goes (the lips look at the pixels too, to find an open mouth's inner edge)
MASKS: dict[str, Callable[[Face, np.ndarray, Application], list[masks.Mask]]] = {
    "lip": lambda face, image, app: masks.lips(face, image.shape, image),
    "eye": lambda face, image, app: masks.eyeshadow(face, image.shape),
    "liner": lambda face, image, app: masks.eyeliner(face, image.shape, wing=app.wing),
    "cheek": lambda face, image, app: masks.blush(face, image.shape),
    "brow": lambda face, image, app: masks.brows(face, image.shape),
    "foundation": lambda face, image, app: masks.foundation(face, image.shape),
    "concealer": lambda face, image, app: masks.concealer(face, image.shape),
    "mascara": lambda face, image, app: masks.mascara(face, image.shape, app.lashes),
}


@njit(cache=True, nogil=True, fastmath=True)
def _paint_lab(lab, weights, target, strength, f, origin, sparkle, touched):  # pragma: no cover - compiled
    """The shade on one region in 8-bit Lab, in place: chroma moved to the shade's, lightness shifted
    and shaped by the finish from the region's own highlights (see the spec's ``transfer`` and
    ``finishes``). One pass for the means and spread, one to paint (marking ``touched``), with no
    temporaries."""
    h, w = weights.shape
    total, sum_l, sum_a, sum_b, square = 0.0, 0.0, 0.0, 0.0, 0.0
    for i in range(h):
        for j in range(w):
            k = weights[i, j]
            L = float(lab[i, j, 0])
            total += k
            sum_l += k * L
            square += k * L * L
            sum_a += k * lab[i, j, 1]
            sum_b += k * lab[i, j, 2]
    total = max(total, 1e-6)
    mean_l, mean_a, mean_b = sum_l / total, sum_a / total, sum_b / total
    # the weighted spread from the same pass (float64 sums of 8-bit values lose nothing here)
    spread = np.sqrt(max(square / total - mean_l * mean_l, 0.0)) + 1e-3
    shift, keep, start, width, relief, relief_up, gain, power, glitter = f
    lightness = shift * (target[0] - mean_l)
    tile = sparkle.shape[0]
    for i in range(h):
        for j in range(w):
            k = weights[i, j]
            if k <= 1e-3:  # outside the mask stays bit-identical
                continue
            touched[i, j] = 1
            k *= strength
            L, a, b = float(lab[i, j, 0]), float(lab[i, j, 1]), float(lab[i, j, 2])
            rel = L - mean_l
            made = L + lightness + relief * rel + relief_up * max(rel, 0.0)
            if gain != 0.0:
                highlight = min(max((rel - start * spread) / (width * spread), 0.0), 1.0)
                if highlight > 0.0:
                    made += gain * (highlight if power == 1.0 else highlight**power)
            if glitter != 0.0:  # fine sparkle, fixed to the frame so it twinkles as you move
                made += glitter * sparkle[(origin[1] + i) % tile, (origin[0] + j) % tile]
            a2 = target[1] + keep * (a - mean_a)
            b2 = target[2] + keep * (b - mean_b)
            lab[i, j, 0] = min(max(L + k * (made - L) + 0.5, 0.0), 255.0)
            lab[i, j, 1] = min(max(a + k * (a2 - a) + 0.5, 0.0), 255.0)
            lab[i, j, 2] = min(max(b + k * (b2 - b) + 0.5, 0.0), 255.0)


def _made_up_face(image: np.ndarray, face: Face, look: Sequence[Application]) -> None:
    """Every product of ``look`` (in painting order) on one face, in place.

    The masks' region goes to Lab once and back once with every layer painted in between, rather
    than once per mask (blush's wide feather joins every region of a face into one anyway). Masks
    are drawn from the frame as it came in (the lips look at its pixels; no other layer reaches them).
    """
    layers = [(a, m) for a in look if a.intensity > 0 for m in MASKS[a.product_type](face, image, a)]
    if not layers:
        return
    x0, y0 = min(m.x for _, m in layers), min(m.y for _, m in layers)
    x1 = max(m.x + m.alpha.shape[1] for _, m in layers)
    y1 = max(m.y + m.alpha.shape[0] for _, m in layers)
    region = image[y0:y1, x0:x1]
    lab = cv2.cvtColor(region, cv2.COLOR_BGR2LAB)
    touched = np.zeros(lab.shape[:2], np.uint8)
    for application, mask in layers:
        h, w = mask.alpha.shape
        at = (slice(mask.y - y0, mask.y - y0 + h), slice(mask.x - x0, mask.x - x0 + w))
        strength = OPACITY[application.product_type] * application.intensity
        target = hex_to_lab(application.color_hex)
        numbers = _NUMBERS[application.finish]
        _paint_lab(lab[at], mask.alpha, target, strength, numbers, (mask.x, mask.y), _SPARKLE, touched[at])
    # pixels outside every mask stay bit-identical; in place, 30x np.copyto's speed
    cv2.copyTo(cv2.cvtColor(lab, cv2.COLOR_LAB2BGR), touched, region)


def render_look(
    image: np.ndarray, faces: Sequence[Face], look: Sequence[Application], smoothing: float = 0.0
) -> np.ndarray:
    """A made-up copy of ``image``: skin smoothed by ``smoothing`` (0..1), then every product of
    ``look`` on every face."""
    out = image.copy()
    ordered = sorted(look, key=lambda a: ORDER.index(a.product_type))
    for face in faces:
        smooth_skin(out, face, smoothing)
        _made_up_face(out, face, ordered)
    return out


def warm_up() -> None:
    """Compile the renderer's kernels now (numba: from its on-disk cache after the first run, ~0.3 s;
    ~3 s on a fresh install) so that a server's first shopper does not wait for them."""
    points = np.random.default_rng(0).random((478, 2)) * 96 + 16  # any face: kernels compile per type
    image = np.full((128, 128, 3), 128, np.uint8)
    look = [Application(kind, "#C1121F", "shimmer") for kind in PRODUCT_TYPES]
    render_look(image, [Face(points.astype(np.float32))], look, smoothing=0.5)
