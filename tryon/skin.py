"""Skin tone from cheeks and forehead: ITA° category, undertone, and shades that suit it.

Skin is sampled away from shadows and highlights (the darkest and brightest pixels of the
patches are dropped) after white balance from the scene's neutral surfaces, so a warm room
light does not read as a warm undertone.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass

import cv2
import numpy as np
from skimage.color import deltaE_ciede2000

from . import masks
from . import regions as R
from .face import Face
from .makeup import hex_to_lab

# Individual Typology Angle bands (Chardon et al. 1991; Del Bino et al. 2006)
# (the words shoppers read for these keys live with the web app's other sentences)
ITA_CATEGORIES = (
    (55, "very_light"),
    (41, "light"),
    (28, "intermediate"),
    (10, "tan"),
    (-30, "brown"),
    (-360, "dark"),
)
UNDERTONES = ("warm", "neutral", "cool")


@dataclass(frozen=True)
class SkinTone:
    """Skin colour of a face: mean CIELAB, ITA° with its category, and undertone."""

    lightness: float  # CIE L*
    a: float
    b: float
    ita: float
    category: str
    undertone: str

    def __post_init__(self) -> None:
        if self.category not in {key for _, key in ITA_CATEGORIES} or self.undertone not in UNDERTONES:
            raise ValueError(f"unknown skin tone {self.category}/{self.undertone}")

    def to_dict(self) -> dict:
        """The tone for JSON: ITA°, category and undertone keys, CIELAB."""
        return {
            "ita": round(self.ita, 1),
            "category": self.category,
            "undertone": self.undertone,
            "lab": [round(self.lightness, 1), round(self.a, 1), round(self.b, 1)],
        }


@dataclass(frozen=True)
class Shade:
    """A catalog shade to rank: SKU, product type and colour."""

    sku: str
    product_type: str
    color_hex: str


def white_balanced(image: np.ndarray, limit: float = 0.2) -> np.ndarray:
    """Neutralise the light's colour using the scene's near-grey pixels (walls, white clothes).

    Only where enough of them exist: a frame without neutral surfaces is left as it is, since
    guessing from coloured ones (grey-world) would shift skin towards the opposite colour.
    """
    hsv = cv2.cvtColor(image, cv2.COLOR_BGR2HSV)
    neutral = (hsv[..., 1] < 50) & (hsv[..., 2] > 90) & (hsv[..., 2] < 250)
    if neutral.mean() < 0.02:
        return image
    grey = image[neutral].astype(np.float32).mean(axis=0) + 1e-6
    gains = np.clip(grey.mean() / grey, 1 - limit, 1 + limit)
    return np.clip(image.astype(np.float32) * gains, 0, 255).astype(np.uint8)


def _skin_pixels(image: np.ndarray, face: Face) -> np.ndarray:
    patches = np.zeros(image.shape[:2], np.uint8)
    radius = max(int(0.06 * face.width), 2)
    for centre in masks.cheek_centres(face):
        cv2.circle(patches, tuple(np.round(centre).astype(int)), radius, 255, -1)
    cv2.fillPoly(patches, [np.round(face.points[R.FOREHEAD]).astype(np.int32)], 255)
    return image[patches > 0]


def analyse_skin(image: np.ndarray, face: Face) -> SkinTone | None:
    """Skin tone from the cheeks and forehead, white-balanced; None when too little skin shows."""
    pixels = _skin_pixels(white_balanced(image), face)
    if len(pixels) < 20:
        return None
    lab = cv2.cvtColor(pixels.reshape(-1, 1, 3).astype(np.float32) / 255, cv2.COLOR_BGR2LAB).reshape(-1, 3)
    low, high = np.percentile(lab[:, 0], [25, 95])  # drop shadows and shine
    lab = lab[(lab[:, 0] >= low) & (lab[:, 0] <= high)]
    lightness, a, b = np.median(lab, axis=0)
    ita = math.degrees(math.atan2(lightness - 50, b))
    category = next(key for bound, key in ITA_CATEGORIES if ita > bound)
    hue = math.degrees(math.atan2(b, a))
    undertone = "warm" if hue > 62 else "cool" if hue < 52 else "neutral"
    return SkinTone(float(lightness), float(a), float(b), ita, category, undertone)


# Preferred shade hue (degrees in a*b*) per undertone: warm skins carry orange/brick, cool ones
# blue-reds and berries.
_PREFERRED_HUE = {"warm": 42.0, "neutral": 28.0, "cool": 12.0}


def _lab_star(color_hex: str) -> tuple[float, float, float]:
    lab = hex_to_lab(color_hex)
    return float(lab[0]) * 100 / 255, float(lab[1]) - 128, float(lab[2]) - 128


# base makeup matches the skin itself (foundation) or sits a little lighter to brighten (concealer), in L*
_BASE_LIFT = {"foundation": 0.0, "concealer": 5.0}
BASE_TYPES: tuple[str, ...] = tuple(_BASE_LIFT)  # matched to the skin itself, not by colour


def _score(tone: SkinTone, shade: Shade) -> float:
    lightness, a, b = _lab_star(shade.color_hex)
    if shade.product_type in _BASE_LIFT:  # CIEDE2000 to the skin, so the base disappears into it
        skin = np.array([tone.lightness + _BASE_LIFT[shade.product_type], tone.a, tone.b])
        return float(deltaE_ciede2000(skin, np.array([lightness, a, b]))) / 10
    # colour: the undertone's hue first; deeper skins carry deeper shades, a fixed step darker
    hue = math.degrees(math.atan2(b, a))
    return abs(hue - _PREFERRED_HUE[tone.undertone]) / 10 + abs(lightness - max(tone.lightness - 22, 20)) / 20


def recommend(tone: SkinTone, shades: Iterable[Shade], per_type: int = 3) -> dict[str, list[dict]]:
    """The best ``per_type`` shades per product type, best first, with their scores."""
    scored: dict[str, list[tuple[float, Shade]]] = {}
    for shade in shades:
        scored.setdefault(shade.product_type, []).append((_score(tone, shade), shade))
    return {
        kind: [
            {
                "sku": s.sku,
                "color_hex": s.color_hex,
                "score": round(score, 2),
            }
            for score, s in sorted(ranked, key=lambda r: (r[0], r[1].sku))[:per_type]
        ]
        for kind, ranked in scored.items()
    }
