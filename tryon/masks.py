"""Feathered, sub-pixel region masks from face landmarks.

A ``Mask`` is a float32 alpha map (0..1) over a region of interest of the frame, so all
later work touches only the pixels near the region, not the whole frame.
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass

import cv2
import numpy as np
from numba import njit

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


# The small steps of every mask are compiled: a frame draws a dozen masks of a few thousand pixels,
# where numpy's per-call cost, not the pixels, was most of the time (and more so with cold caches).
@njit(cache=True, nogil=True)
def _canvas(points, pad, height, width):  # pragma: no cover - compiled
    """The whole-pixel box around ``points`` grown by ``pad``, within the frame: (x0, y0, x1, y1)."""
    left, top = points[0, 0], points[0, 1]
    right, bottom = left, top
    for i in range(points.shape[0]):
        x, y = points[i, 0], points[i, 1]
        left, right, top, bottom = min(left, x), max(right, x), min(top, y), max(bottom, y)
    x0, y0 = max(math.floor(left - pad), 0), max(math.floor(top - pad), 0)
    return x0, y0, min(math.ceil(right + pad), width), min(math.ceil(bottom + pad), height)


@njit(cache=True, nogil=True)
def _fixed(polygon, origin):  # pragma: no cover - compiled
    """``polygon`` relative to ``origin`` in fillPoly's fixed point (1/FIXED px), rounded half to even."""
    out = np.empty(polygon.shape, np.int32)
    for i in range(polygon.shape[0]):
        for k in range(2):
            out[i, k] = np.rint((polygon[i, k] - origin[k]) * FIXED)
    return out


@njit(cache=True, nogil=True)
def _cut(alpha, hole):  # pragma: no cover - compiled
    """``alpha`` times one minus the 8-bit ``hole`` coverage, in place."""
    for i in range(alpha.shape[0]):
        for j in range(alpha.shape[1]):
            alpha[i, j] *= np.float32(1) - np.float32(hole[i, j]) / np.float32(255)
    return alpha


def _fill(
    shape: tuple[int, int],
    origin: tuple[int, int],
    polygons: list[np.ndarray],
    value: int = 255,
    into: np.ndarray | None = None,
) -> np.ndarray:
    canvas = np.zeros(shape, np.uint8) if into is None else into
    fixed = [_fixed(p, origin) for p in polygons]
    cv2.fillPoly(canvas, fixed, value, cv2.LINE_AA, SHIFT)
    return canvas


def _feathered(canvas: np.ndarray, sigma: float) -> np.ndarray:
    alpha = np.multiply(canvas, 1 / 255, dtype=np.float32)
    return cv2.GaussianBlur(alpha, (0, 0), sigma) if sigma > 0.3 else alpha


def _build(frame_shape, all_points: np.ndarray, sigma: float, draw) -> Mask | None:
    x0, y0, x1, y1 = _canvas(all_points, 3 * sigma + 2, *frame_shape[:2])
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
        opening = _fill(shape, origin, [inner])
        lip = _cut(_feathered(_fill(shape, origin, [outer]), sigma), opening)
        if image is not None:
            _grow_lower_lip(image, face, shape, origin, lip, opening)
        return lip

    mask = _build(frame_shape, outer, sigma, draw)
    return [mask] if mask else []


def _grow_lower_lip(
    image: np.ndarray, face: Face, shape: tuple[int, int], origin: np.ndarray, lip: np.ndarray, opening: np.ndarray
) -> None:
    """Pixels of the ``opening`` (8-bit coverage) near the lower lip's inner edge that look like the
    lip, not teeth, become full-strength ``lip``, in place."""
    band = np.zeros(shape, np.uint8)
    edge = _fixed(face.points[LOWER_INNER], origin)
    cv2.polylines(band, [edge], False, 255, _EDGE["band_px"], cv2.LINE_8, SHIFT)
    x, y = int(origin[0]), int(origin[1])
    lab = cv2.cvtColor(image[y : y + shape[0], x : x + shape[1]], cv2.COLOR_BGR2LAB)
    _grow_lip(lab, band, opening, lip, TEETH_LIGHTER, LIP_LIKE)


@njit(cache=True, nogil=True)
def _channel_median(lab, solid, count, k):  # pragma: no cover - compiled
    """np.median of channel ``k`` over the ``solid`` pixels (8-bit values: a histogram, no sort)."""
    histogram = np.zeros(256, np.int64)
    h, w = solid.shape
    for i in range(h):
        for j in range(w):
            if solid[i, j]:
                histogram[lab[i, j, k]] += 1
    low, high, seen = -1, -1, 0
    for value in range(256):
        seen += histogram[value]
        if low < 0 and seen > (count - 1) // 2:
            low = value
        if seen > count // 2:
            high = value
            break
    return (low + high) / 2


@njit(cache=True, nogil=True)
def _grow_lip(lab, band, opening, lip, teeth_lighter, lip_like):  # pragma: no cover - compiled
    """``lip`` at 1 on the band pixels in the opening's outer ring whose colour is near the solid lip's
    median and not teeth (lighter and nearly colourless), where 4-connected to the solid lip."""
    h, w = lip.shape
    solid = lip > 0.9
    count = solid.sum()
    if count < 10:
        return
    colour = np.array([_channel_median(lab, solid, count, k) for k in range(3)])
    chroma2 = (colour[1] - 128) ** 2 + (colour[2] - 128) ** 2
    candidate = np.zeros((h, w), np.bool_)
    for i in range(h):
        for j in range(w):
            if band[i, j] == 0 or opening[i, j] == 0:
                continue
            # one pixel ring into the opening at most: the landmarks' own error, never deep enough
            # for teeth (a 3x3 erosion; outside the box counts as opening, as cv2.erode's border)
            deep = True
            for di in range(-1, 2):
                for dj in range(-1, 2):
                    ii, jj = i + di, j + dj
                    if 0 <= ii < h and 0 <= jj < w and opening[ii, jj] <= 127:  # coverage <= 0.5
                        deep = False
            if deep:
                continue
            L, a, b = float(lab[i, j, 0]), float(lab[i, j, 1]), float(lab[i, j, 2])
            near = (L - colour[0]) ** 2 + (a - colour[1]) ** 2 + (b - colour[2]) ** 2 < lip_like**2
            # teeth are lighter than lips and nearly colourless
            teeth = L >= colour[0] + teeth_lighter or (a - 128) ** 2 + (b - 128) ** 2 <= 0.36 * chroma2
            candidate[i, j] = near and not teeth
    # only what touches the lip itself: a lip-red tongue further in stays clean
    stack = np.empty(h * w, np.int64)
    top = 0
    for i in range(h):
        for j in range(w):
            if solid[i, j]:
                stack[top] = i * w + j
                top += 1
                if candidate[i, j]:
                    candidate[i, j] = False
                    lip[i, j] = 1.0
    while top:
        top -= 1
        i, j = divmod(stack[top], w)
        for ii, jj in ((i - 1, j), (i + 1, j), (i, j - 1), (i, j + 1)):
            if 0 <= ii < h and 0 <= jj < w and candidate[ii, jj]:
                candidate[ii, jj] = False
                lip[ii, jj] = 1.0
                stack[top] = ii * w + jj
                top += 1


# each eye's opening, round along the upper lid and back along the lower (index arrays: ``take`` is
# several times faster than indexing with a list, and every eye product asks for the openings)
_EYE_OPENINGS = tuple(np.array(upper + lower[::-1]) for upper, lower, _brow in R.EYES)


def _eye_openings(face: Face) -> list[np.ndarray]:
    return [face.points.take(index, axis=0) for index in _EYE_OPENINGS]


@functools.lru_cache(maxsize=64)
def _ramp(count: int) -> np.ndarray:
    """``count`` evenly spaced steps from 0 to 1 (read-only: shared by every frame)."""
    ramp = np.linspace(0, 1, count)
    ramp.flags.writeable = False
    return ramp


def _resample(polyline: np.ndarray, count: int) -> np.ndarray:
    """``count`` points evenly spaced along ``polyline`` by arc length, ends included."""
    return _along(polyline.astype(np.float64), _ramp(count))


@njit(cache=True, nogil=True)
def _along(polyline, wanted):  # pragma: no cover - compiled
    at = np.zeros(len(polyline))
    for i in range(1, len(polyline)):
        at[i] = at[i - 1] + np.hypot(polyline[i, 0] - polyline[i - 1, 0], polyline[i, 1] - polyline[i - 1, 1])
    at /= max(at[-1], 1e-6)
    out = np.empty((len(wanted), 2))
    for k in range(2):
        out[:, k] = np.interp(wanted, at, polyline[:, k])
    return out


def _each_side(frame_shape, sigma: float, sides) -> list[Mask]:
    """A mask per ``(outline, draw)`` of ``sides``: each side of the face has its own region statistics."""
    return [m for m in (_build(frame_shape, outline, sigma, draw) for outline, draw in sides) if m]


def _feathered_minus(polygons: list[np.ndarray], openings: list[np.ndarray]):
    """Draw ``polygons`` feathered, then cut the eye ``openings`` (if any) out hard: eyeballs stay clean."""

    def draw(shape: tuple[int, int], origin: np.ndarray, sigma: float) -> np.ndarray:
        alpha = _feathered(_fill(shape, origin, polygons), sigma)
        return _cut(alpha, _fill(shape, origin, openings)) if openings else alpha

    return draw


def eyeshadow(face: Face, frame_shape: tuple[int, ...], reach: float = _SHAPES["eye"]["reach"]) -> list[Mask]:
    """Each lid from the lash line up ``reach`` of the way to the brow's lower edge."""
    sigma = _FEATHER["eye"]["sigma"] * face.width
    lids = []
    for upper, _lower, brow in R.EYES:
        lid = face.points[upper]
        top = lid + reach * (_resample(face.points[brow], len(upper)) - lid)
        lids.append(np.concatenate([lid, top[::-1]]))
    return _each_side(frame_shape, sigma, [(p, _feathered_minus([p], [o])) for p, o in zip(lids, _eye_openings(face))])


def eyeliner(face: Face, frame_shape: tuple[int, ...], wing: bool = False) -> list[Mask]:
    """A line along each upper lash line, thicker towards the outer corner; optional wing."""
    sigma = _FEATHER["liner"]["sigma"] * face.width
    liner = _SHAPES["liner"]
    thin, thick = liner["thickness"]
    length, lift, norm = (liner["wing"][k] for k in ("length", "lift", "norm"))
    strokes = []
    for upper, _lower, _brow in R.EYES:
        lid = face.points[upper]
        eye_width = math.dist(lid[-1], lid[0])
        lifted = lid.copy()
        lifted[:, 1] -= (thin + (thick - thin) * _ramp(len(lid))) * eye_width
        stroke = np.concatenate([lid, lifted[::-1]])
        if wing:
            direction = (lid[-1] - lid[0]) / max(eye_width, 1e-6)
            tip = lid[-1] + eye_width * length * (direction + np.array([0, -lift])) / norm
            stroke = np.concatenate([lid, [tip], lifted[::-1]])
        strokes.append(stroke)
    return _each_side(
        frame_shape, sigma, [(p, _feathered_minus([p], [o])) for p, o in zip(strokes, _eye_openings(face))]
    )


def brows(face: Face, frame_shape: tuple[int, ...]) -> list[Mask]:
    """Both brows, softly feathered."""
    sigma = _FEATHER["brow"]["sigma"] * face.width
    polygons = [np.concatenate([face.points[top], face.points[bottom][::-1]]) for top, bottom in R.BROWS]
    return _each_side(frame_shape, sigma, [(p, _feathered_minus([p], [])) for p in polygons])


def cheek_centres(face: Face) -> list[np.ndarray]:
    """Where blush goes: the apple of each cheek, in pixels."""
    return [face.points[idx].mean(axis=0) for idx in R.CHEEKS]


def _soft(polygons: list[np.ndarray], scale: int):
    """A wide feather computed at 1/``scale`` resolution: the same look at a fraction of the cost."""

    def draw(shape: tuple[int, int], origin: np.ndarray, sigma: float) -> np.ndarray:
        small = (max(shape[0] // scale, 1), max(shape[1] // scale, 1))
        alpha = _feathered(_fill(small, origin / scale, [p / scale for p in polygons]), sigma / scale)
        return cv2.resize(alpha, (shape[1], shape[0]), interpolation=cv2.INTER_LINEAR)

    return draw


def blush(face: Face, frame_shape: tuple[int, ...], size: float = 1.0) -> list[Mask]:
    """Soft ellipses on the cheek apples, tilted with the head."""
    eyes = face.points[R.LEFT_EYE_UPPER[-1]] - face.points[R.RIGHT_EYE_UPPER[-1]]
    roll = round(math.degrees(math.atan2(eyes[1], eyes[0])))
    shape = _SHAPES["cheek"]
    axes = tuple(round(axis * face.width * size) for axis in shape["axes"])
    sigma = _FEATHER["cheek"]["sigma"] * face.width * size
    ellipses = [
        cv2.ellipse2Poly((round(centre[0]), round(centre[1])), axes, roll, 0, 360, shape["step_deg"]).astype(np.float32)
        for centre in cheek_centres(face)
    ]
    return _each_side(frame_shape, sigma, [(e, _soft([e], shape["scale"])) for e in ellipses])


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
    bare = _eye_openings(face)
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
    for (_upper, lower, _brow), opening in zip(R.EYES, _eye_openings(face)):
        lid = face.points[lower]
        eye_width = math.dist(lid[-1], lid[0])
        bulge = np.sin(np.pi * _ramp(len(lid)))[:, None]  # zero at the corners
        crescent = np.concatenate([lid, (lid + [0.0, depth * eye_width] * bulge)[::-1]]).astype(np.float32)

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
        eye_width = math.dist(lid[-1], lid[0])
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
    openings = _eye_openings(face)

    def draw(shape: tuple[int, int], origin: np.ndarray, sigma: float) -> np.ndarray:
        lashes = np.zeros(shape, np.uint8)
        for stroke in strokes:  # one at a time: filled together, crossing lashes would cancel out (even-odd)
            _fill(shape, origin, [stroke], into=lashes)
        return _cut(_feathered(lashes, sigma), _fill(shape, origin, openings))

    mask = _build(frame_shape, np.concatenate(strokes), sigma, draw)
    return [mask] if mask else []
