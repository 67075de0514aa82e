"""Copy a look: the colour and finish of lips, eyeshadow, blush and brows measured on a made-up
reference photo (a celebrity, a friend, a magazine page).

Colours are robust medians of each region with shadows and shine trimmed off. Blush and eyeshadow
are thin layers over skin, so what shows is a blend: the product colour is estimated by taking
the region's difference from the face's bare skin (the forehead) back to full strength, the
inverse of how ``tryon.makeup`` lays a product down. Nothing here keeps the image.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import cv2
import numpy as np

from . import masks
from . import regions as R
from .face import Face
from .imageio import decode_image
from .makeup import OPACITY
from .pipeline import WORK_SIDE

REGIONS = ("lip", "eye", "cheek", "brow")
# a thin layer whose a*b* differ from bare skin's by less than this is no product at all
APPLIED_MIN = 8.0
# finish cues, set on products rendered by tryon.makeup (real photos vary: a cue, not a verdict)
GLOSS_SHINE = 0.065  # share of lip pixels far brighter than the lip: a wet-look highlight
SHIMMER_SPARKLE = 9.0  # fine-grain lightness noise (0..255 units) of sparkle
MATTE_SPREAD = 23.0  # lightness spread (0..255 units) below which a lip has no sheen


@dataclass(frozen=True)
class Measured:
    """One region of the reference face: product colour (CIE L*a*b*, and as #rrggbb), finish
    (lips only; None where a thin layer shows too little of its own), and whether a product
    seems applied there at all."""

    region: str
    lab: tuple[float, float, float]
    color_hex: str
    finish: str | None
    applied: bool

    def to_dict(self) -> dict:
        return {
            "region": self.region,
            "lab": [round(v, 1) for v in self.lab],
            "color_hex": self.color_hex,
            "finish": self.finish,
            "applied": self.applied,
        }


def _pixels(lab: np.ndarray, found: list[masks.Mask], at_least: float) -> np.ndarray:
    """Lab pixels (OpenCV 8-bit scale, float) where the region's alpha reaches ``at_least``."""
    picked = [lab[m.slices][m.alpha >= at_least] for m in found]
    return np.concatenate(picked) if picked else np.empty((0, 3), np.float32)


def _trimmed_median(pixels: np.ndarray, low: float = 15, high: float = 85) -> np.ndarray:
    """Median colour of the pixels whose lightness is between two percentiles (no shadow, no shine)."""
    lo, hi = np.percentile(pixels[:, 0], [low, high])
    kept = pixels[(pixels[:, 0] >= lo) & (pixels[:, 0] <= hi)]
    return np.median(kept if len(kept) else pixels, axis=0)


def _cie(lab8: np.ndarray) -> tuple[float, float, float]:
    return float(lab8[0]) * 100 / 255, float(lab8[1]) - 128, float(lab8[2]) - 128


def _hex(lab8: np.ndarray) -> str:
    pixel = np.clip(np.round(lab8), 0, 255).astype(np.uint8).reshape(1, 1, 3)
    b, g, r = cv2.cvtColor(pixel, cv2.COLOR_LAB2BGR)[0, 0]
    return f"#{r:02X}{g:02X}{b:02X}"


def _skin(lab: np.ndarray, face: Face) -> np.ndarray:
    forehead = np.zeros(lab.shape[:2], np.uint8)
    cv2.fillPoly(forehead, [np.round(face.points[R.FOREHEAD]).astype(np.int32)], 255)
    return _trimmed_median(lab[forehead > 0], 25, 90)


def lip_finish(image: np.ndarray, face: Face) -> str:
    """matte, satin, gloss or shimmer, from how the lips' own lightness is spread."""
    found = masks.lips(face, image.shape, image)
    lightness = cv2.cvtColor(image, cv2.COLOR_BGR2LAB)[..., 0].astype(np.float32)
    fine = lightness - cv2.GaussianBlur(lightness, (0, 0), 1.2)
    values = np.concatenate([lightness[m.slices][m.alpha >= 0.8] for m in found])
    grain = np.concatenate([fine[m.slices][m.alpha >= 0.8] for m in found])
    if len(values) < 20:
        return "satin"
    median = float(np.median(values))
    spread = float(np.subtract(*np.percentile(values, [75, 25])))
    if float(np.mean(values > median + 45)) > GLOSS_SHINE:
        return "gloss"
    if float(np.std(grain)) > SHIMMER_SPARKLE:
        return "shimmer"
    return "matte" if spread < MATTE_SPREAD else "satin"


def _layer(region: str, pixels: np.ndarray, skin: np.ndarray) -> tuple[np.ndarray, bool]:
    """A thin product over skin: the colour it must have had to turn the skin into ``pixels``.

    Only a*b* are taken back to full strength: lids and cheeks lie in the face's own shading, so
    their lightness against the forehead's says more about the light than about the product."""
    seen = _trimmed_median(pixels)
    applied = float(np.linalg.norm(seen[1:] - skin[1:])) >= APPLIED_MIN
    colour = seen.copy()
    colour[1:] = skin[1:] + (seen[1:] - skin[1:]) / OPACITY[region]
    if region == "cheek":  # cheeks catch the light about as the forehead does
        colour[0] = skin[0] + (seen[0] - skin[0]) / OPACITY[region]
    return np.clip(colour, 0, 255), applied


REGION_MASKS: dict[str, Callable[[Face, np.ndarray], list[masks.Mask]]] = {
    "lip": lambda face, image: masks.lips(face, image.shape, image),
    "eye": lambda face, image: masks.eyeshadow(face, image.shape, reach=0.45),
    "cheek": lambda face, image: masks.blush(face, image.shape, size=0.8),
    "brow": lambda face, image: masks.brows(face, image.shape),
}


def measure(image: np.ndarray, face: Face) -> list[Measured]:
    """The look on one face of a BGR reference photo, region by region (regions too small to
    measure are left out)."""
    lab = cv2.cvtColor(image, cv2.COLOR_BGR2LAB).astype(np.float32)
    skin = _skin(lab, face)
    found = []
    for region in REGIONS:
        pixels = _pixels(lab, REGION_MASKS[region](face, image), 0.8)
        if len(pixels) < 12:
            continue
        if region == "lip":
            # shine and gloss lift the upper half of a lip's lightness: the pigment reads truest below
            colour, applied, finish = _trimmed_median(pixels, 5, 50), True, lip_finish(image, face)
        elif region == "brow":  # the hairs, not the skin between them: the darkest third
            dark = pixels[pixels[:, 0] <= np.percentile(pixels[:, 0], 33)]
            colour, applied, finish = np.median(dark, axis=0), True, None
        else:
            (colour, applied), finish = _layer(region, pixels, skin), None
        found.append(Measured(region, _cie(colour), _hex(colour), finish, applied))
    return found


def measure_photo(landmarker, data: bytes) -> tuple[int, list[Measured]]:
    """Decode untrusted bytes (``ImageInputError`` if unusable) and measure the largest face's
    look; the pixels live only in this call."""
    image = decode_image(data, work_side=WORK_SIDE)
    faces = landmarker.detect(image)
    if not faces:
        return 0, []
    return len(faces), measure(image, max(faces, key=lambda f: f.width))
