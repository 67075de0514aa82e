"""Feathered, sub-pixel region masks from face landmarks.

A ``Mask`` is a float32 alpha map (0..1) over a region of interest of the frame, so all
later work touches only the pixels near the region, not the whole frame.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from . import regions as R
from .face import Face
from .look_spec import SPEC

SHIFT = 4  # fillPoly fixed-point bits: polygons are placed to 1/16 px
FIXED = 1 << SHIFT
_FEATHER = SPEC["feather"]  # sigmas as fractions of the face width, shared with the browser
_SHAPES = SPEC["shapes"]  # eye reach, liner and wing, blush ellipse: shared with the browser


@dataclass(frozen=True)
class Mask:
    """A soft region of the frame: a float alpha patch and where it sits."""

    x: int
    y: int
    alpha: np.ndarray  # (h, w) float32, 0..1

    @property
    def slices(self) -> tuple[slice, slice]:
        """Where the patch sits in the frame."""
        h, w = self.alpha.shape
        return slice(self.y, self.y + h), slice(self.x, self.x + w)


def _canvas(points: np.ndarray, pad: float, frame_shape: tuple[int, ...]) -> tuple[int, int, int, int]:
    height, width = frame_shape[:2]
    x0, y0 = np.floor(points.min(axis=0) - pad).astype(int)
    x1, y1 = np.ceil(points.max(axis=0) + pad).astype(int)
    return max(x0, 0), max(y0, 0), min(x1, width), min(y1, height)


def _fill(
    shape: tuple[int, int],
    origin: tuple[int, int],
    polygons: list[np.ndarray],
    value: int = 255,
    into: np.ndarray | None = None,
) -> np.ndarray:
    canvas = np.zeros(shape, np.uint8) if into is None else into
    fixed = [np.round((p - origin) * FIXED).astype(np.int32) for p in polygons]
    cv2.fillPoly(canvas, fixed, value, cv2.LINE_AA, SHIFT)
    return canvas


def _feathered(canvas: np.ndarray, sigma: float) -> np.ndarray:
    alpha = canvas.astype(np.float32) * (1 / 255)
    return cv2.GaussianBlur(alpha, (0, 0), sigma) if sigma > 0.3 else alpha


def _build(frame_shape, all_points: np.ndarray, sigma: float, draw) -> Mask | None:
    x0, y0, x1, y1 = _canvas(all_points, 3 * sigma + 2, frame_shape)
    if x1 - x0 < 2 or y1 - y0 < 2:
        return None
    alpha = draw((y1 - y0, x1 - x0), np.array([x0, y0], np.float32), sigma)
    return Mask(x0, y0, alpha)


_EDGE = SPEC["lip_edge"]  # shared with the browser's renderer
LOWER_INNER = R.LIPS_INNER[: _EDGE["inner_points"]]  # corner to corner along the lower lip's inner edge
TEETH_LIGHTER = _EDGE["teeth_lighter"]  # L (0..255) above the lip's own: teeth, never lip
LIP_LIKE = _EDGE["lip_like"]  # Lab distance (0..255 units) from the lip's colour that still reads as lip


def lips(face: Face, frame_shape: tuple[int, ...], image: np.ndarray | None = None) -> list[Mask]:
    """Lips only: the outer contour minus the mouth opening (teeth and tongue stay clean).

    Only the outer edge is feathered, so the colour reaches the inner edge at full strength. With
    the ``image``, lip-coloured pixels just inside the landmark opening along the lower lip (where
    the landmarks of an open mouth sit a little short of the real edge) are lip too.
    """
    outer, inner = face.points[R.LIPS_OUTER], face.points[R.LIPS_INNER]
    sigma = min(_FEATHER["lip"]["sigma"] * face.width, _FEATHER["lip"]["max_px"])

    def draw(shape: tuple[int, int], origin: np.ndarray, sigma: float) -> np.ndarray:
        alpha = _feathered(_fill(shape, origin, [outer]), sigma)
        opening = _fill(shape, origin, [inner]).astype(np.float32) / 255
        lip = alpha * (1 - opening)
        if image is not None:
            lip = np.maximum(lip, _lower_lip_edge(image, face, shape, origin, lip, opening))
        return lip

    mask = _build(frame_shape, outer, sigma, draw)
    return [mask] if mask else []


def _lower_lip_edge(
    image: np.ndarray, face: Face, shape: tuple[int, int], origin: np.ndarray, lip: np.ndarray, opening: np.ndarray
) -> np.ndarray:
    """Pixels of the opening near the lower lip's inner edge that look like the lip, not teeth."""
    band = np.zeros(shape, np.uint8)
    edge = np.round((face.points[LOWER_INNER] - origin) * FIXED).astype(np.int32)
    cv2.polylines(band, [edge], False, 255, _EDGE["band_px"], cv2.LINE_8, SHIFT)
    solid = lip > 0.9
    # one pixel ring into the opening at most: the landmarks' own error, never deep enough for teeth
    deep = cv2.erode((opening > 0.5).astype(np.uint8), np.ones((3, 3), np.uint8)) > 0
    rows, cols = np.nonzero((band > 0) & (opening > 0) & ~deep)
    if solid.sum() < 10 or not len(rows):
        return np.zeros(shape, np.float32)
    x, y = int(origin[0]), int(origin[1])
    lab = cv2.cvtColor(image[y : y + shape[0], x : x + shape[1]], cv2.COLOR_BGR2LAB)
    colour = np.median(lab[solid], axis=0)
    candidates = lab[rows, cols].astype(np.float32)  # only these few pixels need the colour tests
    # squared distances: the same tests as the norms, without a square root per pixel
    near = np.square(candidates - colour).sum(axis=1) < LIP_LIKE**2
    chroma2 = np.square(candidates[:, 1:] - 128).sum(axis=1)
    # teeth are lighter than lips and nearly colourless
    not_teeth = (candidates[:, 0] < colour[0] + TEETH_LIGHTER) & (chroma2 > 0.6**2 * np.square(colour[1:] - 128).sum())
    grown = np.zeros(shape, bool)
    grown[rows, cols] = near & not_teeth
    # only what touches the lip itself: a lip-red tongue further in stays clean
    count, labels = cv2.connectedComponents((grown | solid).astype(np.uint8), connectivity=4)
    touching = np.zeros(count, bool)
    touching[labels[solid]] = True  # a lookup per label, ten times np.isin's speed
    touching[0] = False
    return (grown & touching[labels]).astype(np.float32)


def _eye_opening(face: Face, upper: list[int], lower: list[int]) -> np.ndarray:
    return np.concatenate([face.points[upper], face.points[lower][::-1]])


def _resample(polyline: np.ndarray, count: int) -> np.ndarray:
    steps = np.linalg.norm(np.diff(polyline, axis=0), axis=1)
    at = np.concatenate([[0], np.cumsum(steps)]) / max(steps.sum(), 1e-6)
    wanted = np.linspace(0, 1, count)
    return np.stack([np.interp(wanted, at, polyline[:, 0]), np.interp(wanted, at, polyline[:, 1])], axis=1)


def _minus_opening(polygon: np.ndarray, opening: np.ndarray):
    """Draw ``polygon`` feathered, then cut the eye opening out hard (eyeballs stay clean)."""

    def draw(shape: tuple[int, int], origin: np.ndarray, sigma: float) -> np.ndarray:
        alpha = _feathered(_fill(shape, origin, [polygon]), sigma)
        return alpha * (1 - _fill(shape, origin, [opening]).astype(np.float32) / 255)

    return draw


def eyeshadow(face: Face, frame_shape: tuple[int, ...], reach: float = _SHAPES["eye"]["reach"]) -> list[Mask]:
    """Each lid from the lash line up ``reach`` of the way to the brow's lower edge."""
    sigma = _FEATHER["eye"]["sigma"] * face.width
    found = []
    for upper, lower, brow in R.EYES:
        lid = face.points[upper]
        top = lid + reach * (_resample(face.points[brow], len(upper)) - lid)
        polygon = np.concatenate([lid, top[::-1]])
        found.append(_build(frame_shape, polygon, sigma, _minus_opening(polygon, _eye_opening(face, upper, lower))))
    return [m for m in found if m]


def eyeliner(face: Face, frame_shape: tuple[int, ...], wing: bool = False) -> list[Mask]:
    """A line along each upper lash line, thicker towards the outer corner; optional wing."""
    sigma = _FEATHER["liner"]["sigma"] * face.width
    liner = _SHAPES["liner"]
    thin, thick = liner["thickness"]
    length, lift, norm = (liner["wing"][k] for k in ("length", "lift", "norm"))
    found = []
    for upper, lower, _brow in R.EYES:
        lid = face.points[upper]
        eye_width = float(np.linalg.norm(lid[-1] - lid[0]))
        thickness = np.linspace(thin, thick, len(lid))[:, None] * eye_width
        lifted = lid - np.array([0.0, 1.0], np.float32) * thickness
        stroke = np.concatenate([lid, lifted[::-1]])
        if wing:
            direction = (lid[-1] - lid[0]) / max(eye_width, 1e-6)
            tip = lid[-1] + eye_width * length * (direction + np.array([0, -lift])) / norm
            stroke = np.concatenate([lid, [tip], lifted[::-1]])
        found.append(_build(frame_shape, stroke, sigma, _minus_opening(stroke, _eye_opening(face, upper, lower))))
    return [m for m in found if m]


def _plain(polygon: np.ndarray):
    return lambda shape, origin, sigma: _feathered(_fill(shape, origin, [polygon]), sigma)


def brows(face: Face, frame_shape: tuple[int, ...]) -> list[Mask]:
    """Both brows, softly feathered."""
    sigma = _FEATHER["brow"]["sigma"] * face.width
    polygons = [np.concatenate([face.points[top], face.points[bottom][::-1]]) for top, bottom in R.BROWS]
    return [m for m in (_build(frame_shape, p, sigma, _plain(p)) for p in polygons) if m]


def cheek_centres(face: Face) -> list[np.ndarray]:
    """Where blush goes: the apple of each cheek, in pixels."""
    return [face.points[idx].mean(axis=0) for idx in R.CHEEKS]


def _soft(polygon: np.ndarray, scale: int):
    """A wide feather computed at 1/``scale`` resolution: the same look at a fraction of the cost."""

    def draw(shape: tuple[int, int], origin: np.ndarray, sigma: float) -> np.ndarray:
        small = (max(shape[0] // scale, 1), max(shape[1] // scale, 1))
        alpha = _feathered(_fill(small, origin / scale, [polygon / scale]), sigma / scale)
        return cv2.resize(alpha, (shape[1], shape[0]), interpolation=cv2.INTER_LINEAR)

    return draw


def blush(face: Face, frame_shape: tuple[int, ...], size: float = 1.0) -> list[Mask]:
    """Soft ellipses on the cheek apples, tilted with the head."""
    eyes = face.points[R.LEFT_EYE_UPPER[-1]] - face.points[R.RIGHT_EYE_UPPER[-1]]
    roll = int(round(float(np.degrees(np.arctan2(eyes[1], eyes[0])))))
    shape = _SHAPES["cheek"]
    axes = tuple(np.round(np.array(shape["axes"]) * face.width * size).astype(int))
    sigma = _FEATHER["cheek"]["sigma"] * face.width * size
    found = []
    for centre in cheek_centres(face):
        ellipse = cv2.ellipse2Poly(tuple(np.round(centre).astype(int)), axes, roll, 0, 360, shape["step_deg"])
        ellipse = ellipse.astype(np.float32)
        found.append(_build(frame_shape, ellipse, sigma, _soft(ellipse, shape["scale"])))
    return [m for m in found if m]


def _keep_minus_cut(shape, origin, sigma, scale, keep: list[np.ndarray], cut: list[np.ndarray], cut_sigma: float):
    """``keep`` feathered by ``sigma`` (worked out at 1/``scale``, it is wide) minus ``cut`` grown by a
    soft ``cut_sigma`` margin at full size, since eye openings are only a few pixels tall."""
    small = (max(shape[0] // scale, 1), max(shape[1] // scale, 1))
    alpha = _feathered(_fill(small, origin / scale, [p / scale for p in keep]), sigma / scale)
    if scale > 1:
        alpha = cv2.resize(alpha, (shape[1], shape[0]), interpolation=cv2.INTER_LINEAR)
    # the cut itself at zero and a soft margin around it (twice its blur, clipped)
    filled = _fill(shape, origin, cut)
    hole = np.maximum(filled.astype(np.float32) / 255, np.minimum(2 * _feathered(filled, cut_sigma), 1))
    alpha *= 1 - hole
    return alpha


def skin_outline(face: Face) -> np.ndarray:
    """The face oval pulled in from the jaw and kept off the hairline: where foundation may go."""
    shape = _SHAPES["foundation"]
    oval = face.points[R.FACE_OVAL]
    centre = oval.mean(axis=0)
    oval = oval + shape["inset"] * face.width * (centre - oval) / np.linalg.norm(centre - oval, axis=1)[:, None]
    brow_line = float(face.points[R.RIGHT_BROW_UPPER + R.LEFT_BROW_UPPER][:, 1].mean())
    above = oval[:, 1] < brow_line
    oval[above, 1] = brow_line - shape["forehead"] * (brow_line - oval[above, 1])
    return oval.astype(np.float32)


def foundation(face: Face, frame_shape: tuple[int, ...]) -> list[Mask]:
    """The skin of the face, evenly: the outline feathered, eyes, brows and lips left bare."""
    feather = _FEATHER["foundation"]
    sigma, cut_sigma = feather["sigma"] * face.width, feather["cut"] * face.width
    outline = skin_outline(face)
    bare = [_eye_opening(face, upper, lower) for upper, lower, _brow in R.EYES]
    bare += [np.concatenate([face.points[top], face.points[bottom][::-1]]) for top, bottom in R.BROWS]
    bare.append(face.points[R.LIPS_OUTER])

    def draw(shape: tuple[int, int], origin: np.ndarray, sigma: float) -> np.ndarray:
        return _keep_minus_cut(shape, origin, sigma, _SHAPES["foundation"]["scale"], [outline], bare, cut_sigma)

    mask = _build(frame_shape, outline, sigma, draw)
    return [mask] if mask else []


def concealer(face: Face, frame_shape: tuple[int, ...]) -> list[Mask]:
    """A crescent under each eye, deepest at its middle, the eye itself left bare."""
    sigma = _FEATHER["concealer"]["sigma"] * face.width
    depth = _SHAPES["concealer"]["depth"]
    found = []
    for upper, lower, _brow in R.EYES:
        lid = face.points[lower]
        eye_width = float(np.linalg.norm(lid[-1] - lid[0]))
        bulge = np.sin(np.linspace(0, np.pi, len(lid)))[:, None]  # zero at the corners
        crescent = np.concatenate([lid, (lid + [0.0, depth * eye_width] * bulge)[::-1]]).astype(np.float32)
        opening = _eye_opening(face, upper, lower)

        def draw(shape, origin, sigma, crescent=crescent, opening=opening):
            return _keep_minus_cut(shape, origin, sigma, _SHAPES["concealer"]["scale"], [crescent], [opening], 0.0)

        found.append(_build(frame_shape, crescent, sigma, draw))
    return [m for m in found if m]


MASCARA_STYLES: tuple[str, ...] = tuple(_SHAPES["mascara"]["styles"])


def lash_strokes(face: Face, style: str = "natural") -> list[np.ndarray]:
    """Every lash of both upper lids for this ``style``: tapered polygons fanning out from the
    lash line, longer and leaning further out towards the outer corner."""
    lash = _SHAPES["mascara"]["styles"][style]
    strokes = []
    for upper, lower, _brow in R.EYES:
        lid = face.points[upper]
        eye_width = float(np.linalg.norm(lid[-1] - lid[0]))
        along = (lid[-1] - lid[0]) / max(eye_width, 1e-6)  # inner → outer corner
        up = np.array([along[1], -along[0]])
        if np.dot(up, face.points[lower].mean(axis=0) - lid.mean(axis=0)) > 0:
            up = -up  # away from the eye, whichever way the head rolls
        width = lash["thickness"] * eye_width
        roots = _resample(lid, lash["count"] + 2)[1:-1]
        t = (np.arange(lash["count"]) + 1)[:, None] / (lash["count"] + 1)  # 0 at the inner corner, 1 outer
        length = lash["length"] * eye_width * (0.6 + 0.6 * t)
        direction = up + along * lash["curl"] * (2 * t - 0.4)  # inner lashes stand up, outer ones fan out
        direction /= np.linalg.norm(direction, axis=1, keepdims=True)
        side = np.stack([direction[:, 1], -direction[:, 0]], axis=1)
        spine = np.stack([roots, roots + direction * 0.55 * length + up * 0.1 * length, roots + direction * length], 1)
        half = np.array([width / 2, width / 3, width / 10])[None, :, None]  # thinner towards the tip
        outline = np.concatenate([spine + side[:, None] * half, (spine - side[:, None] * half)[:, ::-1]], axis=1)
        strokes.extend(outline.astype(np.float32))
    return strokes


def mascara(face: Face, frame_shape: tuple[int, ...], style: str = "natural") -> list[Mask]:
    """Lashes from the upper lash lines (``lash_strokes``), filled anti-aliased."""
    sigma = _FEATHER["mascara"]["sigma"] * face.width
    strokes = lash_strokes(face, style)
    openings = [_eye_opening(face, upper, lower) for upper, lower, _brow in R.EYES]

    def draw(shape: tuple[int, int], origin: np.ndarray, sigma: float) -> np.ndarray:
        lashes = np.zeros(shape, np.uint8)
        for stroke in strokes:  # one at a time: filled together, crossing lashes would cancel out (even-odd)
            _fill(shape, origin, [stroke], into=lashes)
        return _feathered(lashes, sigma) * (1 - _fill(shape, origin, openings).astype(np.float32) / 255)

    mask = _build(frame_shape, np.concatenate(strokes), sigma, draw)
    return [mask] if mask else []
