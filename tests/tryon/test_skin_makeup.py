"""Base makeup and lashes on a real face: foundation evens the skin but leaves eyes, brows, lips
and hair bare; concealer sits under the eyes; smoothing evens tone and keeps texture; mascara
draws lashes above the upper lash line, longer in the length style, fuller in the volume one."""

import cv2
import numpy as np
import pytest

from tryon import masks
from tryon import regions as R
from tryon.makeup import Application, render_look
from tryon.retouch import smooth_skin

from .test_makeup_render import region_mask

SHADE = "#E2B48E"


def _alpha(found, shape) -> np.ndarray:
    full = np.zeros(shape[:2], np.float32)
    for mask in found:
        full[mask.slices] = np.maximum(full[mask.slices], mask.alpha)
    return full


def _cheeks(shape, face) -> np.ndarray:
    where = np.zeros(shape[:2], np.uint8)
    for centre in masks.cheek_centres(face):
        cv2.circle(where, tuple(np.round(centre).astype(int)), int(0.05 * face.width), 255, -1)
    return where > 0


def test_foundation_covers_the_skin_and_leaves_features_and_hair_bare(frame, face):
    alpha = _alpha(masks.foundation(face, frame.shape), frame.shape)
    centres = np.round(masks.cheek_centres(face)).astype(int)
    assert alpha[centres[:, 1], centres[:, 0]].min() > 0.98
    assert alpha[_cheeks(frame.shape, face)].mean() > 0.95  # fading only towards the sides of the face
    forehead = np.round(face.points[[9, 151]]).astype(int)  # between the brows and the middle of the forehead
    assert alpha[forehead[:, 1], forehead[:, 0]].min() > 0.9
    for upper, lower, _brow in R.EYES:
        assert alpha[region_mask(frame.shape, face, upper + lower[::-1], -1)].max() < 0.05
    for top, bottom in R.BROWS:
        assert alpha[region_mask(frame.shape, face, top + bottom[::-1], -1)].max() < 0.05
    assert alpha[region_mask(frame.shape, face, R.LIPS_OUTER, -1)].max() < 0.05
    # the top of the face oval is at the hairline: foundation has faded out well below it
    top = np.round(face.points[R.FACE_OVAL[0]]).astype(int)
    assert alpha[top[1], top[0]] < 0.05
    outside = ~region_mask(frame.shape, face, R.FACE_OVAL, 4)
    assert alpha[outside].max() < 0.05


def _lab(image, where):
    return cv2.cvtColor(image, cv2.COLOR_BGR2LAB).astype(np.float32)[where]


def test_foundation_moves_the_skin_towards_its_shade_evenly_and_keeps_texture(frame, face):
    made_up = render_look(frame, [face], [Application("foundation", SHADE, "satin")])
    skin = _alpha(masks.foundation(face, frame.shape), frame.shape) > 0.9
    shade = cv2.cvtColor(np.array([[[int(SHADE[i : i + 2], 16) for i in (5, 3, 1)]]], np.uint8), cv2.COLOR_BGR2LAB)
    before, after = _lab(frame, skin), _lab(made_up, skin)
    distance = lambda lab: float(np.linalg.norm(lab.mean(axis=0) - shade[0, 0], axis=0))  # noqa: E731
    assert distance(after) < 0.5 * distance(before)
    cheeks = _cheeks(frame.shape, face)
    before, after = _lab(frame, cheeks), _lab(made_up, cheeks)
    assert after[:, 1:].std(axis=0).max() < 0.8 * before[:, 1:].std(axis=0).max()  # blotches of colour even out
    assert after[:, 0].std() > 0.7 * before[:, 0].std()  # light and shade of the skin stay
    mouth = region_mask(frame.shape, face, R.LIPS_OUTER, -1)
    assert np.array_equal(made_up[mouth], frame[mouth])


def test_concealer_sits_under_the_eyes_only(frame, face):
    alpha = _alpha(masks.concealer(face, frame.shape), frame.shape)
    for upper, lower, _brow in R.EYES:
        eye = region_mask(frame.shape, face, upper + lower[::-1])
        assert alpha[eye].max() < 0.05
        lid = face.points[lower]
        below = np.round(lid[len(lid) // 2] + [0, 0.15 * np.linalg.norm(lid[-1] - lid[0])]).astype(int)
        assert alpha[below[1], below[0]] > 0.9
    assert alpha[region_mask(frame.shape, face, R.LIPS_OUTER, 3)].max() == 0
    brow_line = face.points[R.RIGHT_BROW_LOWER + R.LEFT_BROW_LOWER][:, 1].min()
    assert alpha[: int(brow_line)].max() == 0


def _band_energy(image, where, face, low, high):
    grey = cv2.cvtColor(image, cv2.COLOR_BGR2GRAY).astype(np.float32)
    a = cv2.GaussianBlur(grey, (0, 0), low * face.width) if low else grey
    b = cv2.GaussianBlur(grey, (0, 0), high * face.width)
    return float(np.square(a - b)[where].mean())


def test_smoothing_evens_the_skin_but_keeps_its_texture(frame, face):
    smoothed = frame.copy()
    smooth_skin(smoothed, face, 1.0)
    cheeks = _cheeks(frame.shape, face)
    # blotches (the band smoothing works on) fade by half; most of the finest texture stays...
    blotches, texture = (_band_energy(frame, cheeks, face, *band) for band in ((0.006, 0.03), (0, 0.003)))
    assert _band_energy(smoothed, cheeks, face, 0.006, 0.03) < 0.6 * blotches
    assert _band_energy(smoothed, cheeks, face, 0, 0.003) > 0.5 * texture
    # ...where a plain blur that evens the skin less has already wiped it out (measured: 0.60 vs 0.12)
    blurred = cv2.GaussianBlur(frame, (0, 0), 0.01 * face.width)
    assert _band_energy(blurred, cheeks, face, 0.006, 0.03) > 0.6 * blotches
    assert _band_energy(blurred, cheeks, face, 0, 0.003) < 0.25 * texture
    for bare in (R.LIPS_OUTER, R.RIGHT_EYE_UPPER + R.RIGHT_EYE_LOWER[::-1]):
        where = region_mask(frame.shape, face, bare, -1)
        assert np.array_equal(smoothed[where], frame[where])
    outside = ~region_mask(frame.shape, face, R.FACE_OVAL, 10)  # the feather's reach past the oval
    assert np.array_equal(smoothed[outside], frame[outside])
    half = render_look(frame, [face], [], smoothing=0.5)
    changed = lambda image: float(np.abs(image.astype(int) - frame.astype(int))[cheeks].mean())  # noqa: E731
    assert 0.3 * changed(smoothed) < changed(half) < 0.7 * changed(smoothed)
    assert np.array_equal(render_look(frame, [face], [], smoothing=0.0), frame)
    with pytest.raises(ValueError):
        smooth_skin(frame.copy(), face, 1.5)


def _lashes(frame, face, style):
    made_up = render_look(frame, [face], [Application("mascara", "#111111", "matte", lashes=style)])
    lightness = lambda image: cv2.cvtColor(image, cv2.COLOR_BGR2LAB)[..., 0].astype(int)  # noqa: E731
    return lightness(frame) - lightness(made_up)


def test_mascara_draws_lashes_above_the_upper_lid_and_styles_differ(frame, face):
    darker = {style: _lashes(frame, face, style) for style in masks.MASCARA_STYLES}
    eyes = np.zeros(frame.shape[:2], bool)
    for upper, lower, _brow in R.EYES:
        eyes |= region_mask(frame.shape, face, upper + lower[::-1], -1)
    reach = {}
    for style, diff in darker.items():
        lashes = diff > 20
        assert lashes.sum() > 60, style
        assert not (lashes & eyes).any(), style  # the eyeball stays clean
        lid_top = face.points[R.RIGHT_EYE_UPPER + R.LEFT_EYE_UPPER][:, 1].max()
        assert np.nonzero(lashes)[0].max() <= lid_top + 1, style  # nothing hangs below the upper lash line
        reach[style] = np.nonzero(lashes)[0].min()
        assert diff.min() >= -1  # lashes only darken (a level of rounding aside)
    assert reach["length"] < reach["natural"] - 1  # longer lashes reach higher
    assert (darker["volume"] > 20).sum() > 1.4 * (darker["natural"] > 20).sum()  # fuller lashes cover more
    with pytest.raises(ValueError):
        Application("mascara", "#111111", lashes="spider")
