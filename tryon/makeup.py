"""Makeup rendering: product colour laid on a region while the skin's own texture and the
scene's light stay visible.

Colour is moved in CIELAB: the region's chroma (a*, b*) goes to the shade's, its lightness is
shifted by the difference of means, so every pore, crease and shadow keeps its relative
lightness. Finishes then shape lightness from the region's *own* highlights (gloss brightens
where the lips already catch light), which is why they follow the scene's lighting.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import cv2
import numpy as np

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
    value = color_hex.lstrip("#")
    if len(value) != 6 or any(c not in "0123456789abcdefABCDEF" for c in value):
        raise ValueError(f"not a #rrggbb colour: {color_hex!r}")
    bgr = np.array([[[int(value[i : i + 2], 16) for i in (4, 2, 0)]]], np.uint8)
    return cv2.cvtColor(bgr, cv2.COLOR_BGR2LAB)[0, 0].astype(np.float32)


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


def _finish(
    lightness: np.ndarray, original: np.ndarray, weights: np.ndarray, finish: str, mean: float, origin: tuple[int, int]
) -> np.ndarray:
    """Shape the new lightness from the region's own highlights (``original`` L, 0..255)."""
    spread = float(np.sqrt(np.einsum("ij,ij->", weights, (original - mean) ** 2) / max(weights.sum(), 1e-6))) + 1e-3
    relief = original - mean
    highlight = np.clip((relief - _HIGHLIGHT["start"] * spread) / (_HIGHLIGHT["width"] * spread), 0, 1)
    f = SPEC["finishes"][finish]
    out = lightness + f["relief"] * relief + f["relief_up"] * np.clip(relief, 0, None)
    out += f["gain"] * (highlight if f["power"] == 1 else highlight ** f["power"])
    if f["sparkle"]:  # fine sparkle, fixed to the frame so it twinkles as you move
        h, w = lightness.shape
        y, x = origin[1] % _TILE, origin[0] % _TILE
        out += f["sparkle"] * np.tile(_SPARKLE, (h // _TILE + 2, w // _TILE + 2))[y : y + h, x : x + w]
    return out


def apply(image: np.ndarray, face: Face, application: Application) -> None:
    """Lay one product on one face, in place."""
    if application.intensity <= 0:
        return
    for mask in MASKS[application.product_type](face, image, application):
        _paint(image, mask, application)


def _paint(image: np.ndarray, mask: masks.Mask, application: Application) -> None:
    weights = mask.alpha
    inside = weights > 1e-3  # pixels outside the mask stay bit-identical
    if not inside.any():
        return
    region = image[mask.slices]
    lab = cv2.cvtColor(region, cv2.COLOR_BGR2LAB).astype(np.float32)
    mean = np.einsum("ijk,ij->k", lab, weights) / float(weights.sum())
    target = hex_to_lab(application.color_hex)
    # chroma on all three channels at once (contiguous, 3x faster than on the a/b view); L is replaced
    painted = lab - mean
    painted *= _TRANSFER["chroma_keep"]
    painted += target
    painted[..., 0] = _finish(
        lab[..., 0] + _TRANSFER["lightness_shift"] * (target[0] - mean[0]),
        lab[..., 0],
        weights,
        application.finish,
        float(mean[0]),
        (mask.x, mask.y),
    )
    painted -= lab
    painted *= (weights * (OPACITY[application.product_type] * application.intensity))[..., None]
    painted += lab
    painted += 0.5
    made_up = cv2.cvtColor(np.clip(painted, 0, 255, out=painted).astype(np.uint8), cv2.COLOR_LAB2BGR)
    cv2.copyTo(made_up, inside.view(np.uint8), region)  # into the frame's own pixels, 30x np.copyto's speed


def render_look(
    image: np.ndarray, faces: Sequence[Face], look: Sequence[Application], smoothing: float = 0.0
) -> np.ndarray:
    """A made-up copy of ``image``: skin smoothed by ``smoothing`` (0..1), then every product of
    ``look`` on every face."""
    out = image.copy()
    ordered = sorted(look, key=lambda a: ORDER.index(a.product_type))
    for face in faces:
        smooth_skin(out, face, smoothing)
        for application in ordered:
            apply(out, face, application)
    return out
