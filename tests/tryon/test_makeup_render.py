"""Makeup on a real face: colour goes where it should and nowhere else."""

import subprocess
import sys
from pathlib import Path

import cv2
import numpy as np
import pytest

from tryon import regions as R
from tryon.makeup import Application, hex_to_lab, render_look

RED = "#C1121F"
ROOT = Path(__file__).resolve().parents[2]


def region_mask(shape, face, indices, grow: int = 0) -> np.ndarray:
    """Binary mask of a landmark polygon, grown (>0) or shrunk (<0) by ``grow`` px."""
    mask = np.zeros(shape[:2], np.uint8)
    cv2.fillPoly(mask, [np.round(face.points[indices]).astype(np.int32)], 255)
    if grow:
        kernel = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (2 * abs(grow) + 1, 2 * abs(grow) + 1))
        mask = (cv2.dilate if grow > 0 else cv2.erode)(mask, kernel)
    return mask > 0


def lips_only(shape, face, shrink=2):
    return region_mask(shape, face, R.LIPS_OUTER, -shrink) & ~region_mask(shape, face, R.LIPS_INNER, shrink)


def chroma_distance(image, where, color_hex):
    lab = cv2.cvtColor(image, cv2.COLOR_BGR2LAB).astype(np.float32)[where]
    return float(np.linalg.norm(lab[:, 1:] - hex_to_lab(color_hex)[1:], axis=1).mean())


def max_change(a, b, where):
    return int(np.abs(a.astype(int) - b.astype(int))[where].max()) if where.any() else 0


def check_lipstick(image, face, color_hex=RED):
    made_up = render_look(image, [face], [Application("lip", color_hex, "satin", 1.0)])
    lips = lips_only(image.shape, face)
    before, after = chroma_distance(image, lips, color_hex), chroma_distance(made_up, lips, color_hex)
    assert after < 0.5 * before, (before, after)
    outside = region_mask(image.shape, face, R.LIPS_OUTER, 7) & ~region_mask(image.shape, face, R.LIPS_OUTER, 3)
    assert max_change(image, made_up, outside) <= 3
    mouth = region_mask(image.shape, face, R.LIPS_INNER, -2)
    assert mouth.sum() > 50  # the mouth really is open here
    assert max_change(image, made_up, mouth) == 0
    return made_up


def test_lipstick_colours_lips_only(frame, face):
    made_up = check_lipstick(frame, face)
    # texture kept: lightness still varies across the lips as much as before (within reason)
    lips = lips_only(frame.shape, face)
    before = cv2.cvtColor(frame, cv2.COLOR_BGR2LAB)[..., 0][lips].std()
    after = cv2.cvtColor(made_up, cv2.COLOR_BGR2LAB)[..., 0][lips].std()
    assert after > 0.6 * before


def _transformed(frame, kind):
    h, w = frame.shape[:2]
    if kind == "flip":
        return cv2.flip(frame, 1)
    if kind == "darker":
        return cv2.convertScaleAbs(frame, alpha=0.65)
    if kind == "brighter":
        return cv2.convertScaleAbs(frame, alpha=1.2, beta=10)
    if kind == "smaller":
        small = cv2.resize(frame, None, fx=0.6, fy=0.6, interpolation=cv2.INTER_AREA)
        return cv2.copyMakeBorder(small, 0, h - small.shape[0], 0, w - small.shape[1], cv2.BORDER_REPLICATE)
    if kind == "larger":
        big = cv2.resize(frame, None, fx=1.4, fy=1.4, interpolation=cv2.INTER_CUBIC)
        y, x = (big.shape[0] - h) // 2, (big.shape[1] - w) // 2
        return np.ascontiguousarray(big[y : y + h, x : x + w])
    angle = {"rotated_left": 15, "rotated_right": -15}[kind]
    matrix = cv2.getRotationMatrix2D((w / 2, h / 2), angle, 1.0)
    return cv2.warpAffine(frame, matrix, (w, h), borderMode=cv2.BORDER_REFLECT)


@pytest.mark.parametrize("kind", ["flip", "darker", "brighter", "smaller", "larger", "rotated_left", "rotated_right"])
def test_lipstick_holds_on_transformed_faces(frame, photo_landmarker, kind):
    image = _transformed(frame, kind)
    faces = photo_landmarker.detect(image)
    assert len(faces) == 1
    check_lipstick(image, faces[0], "#9E1B4F")


def test_eyeshadow_stays_on_the_lid(frame, face):
    made_up = render_look(frame, [face], [Application("eye", "#6B3F5A", "matte", 1.0)])
    changed = np.abs(made_up.astype(int) - frame.astype(int)).max(axis=2) > 3
    for upper, lower, brow_lower in R.EYES:
        brow_top = [i for top, bottom in R.BROWS if bottom == brow_lower for i in top]
        brow = region_mask(frame.shape, face, brow_top + brow_lower[::-1], -1)
        assert not changed[brow].any(), "eyeshadow reached the brow"
        opening = region_mask(frame.shape, face, upper + lower[::-1], -1)
        assert not changed[opening].any(), "eyeshadow on the eyeball"
        lid = np.zeros(frame.shape[:2], bool)
        lid_top = face.points[upper] + 0.3 * (face.points[brow_lower].mean(axis=0) - face.points[upper])
        cv2.fillPoly(
            lid.view(np.uint8), [np.round(np.concatenate([face.points[upper], lid_top[::-1]])).astype(np.int32)], 1
        )
        assert changed[lid & ~opening].mean() > 0.5, "the lid itself was not coloured"


def test_intensity_zero_returns_the_input(frame, face):
    look = [Application(kind, "#8A1C2B", "gloss", 0.0) for kind in ("lip", "eye", "liner", "cheek", "brow")]
    assert np.array_equal(render_look(frame, [face], look), frame)


def test_intensity_scales_the_effect(frame, face):
    lips = lips_only(frame.shape, face)
    half = render_look(frame, [face], [Application("lip", RED, "satin", 0.5)])
    full = render_look(frame, [face], [Application("lip", RED, "satin", 1.0)])
    base = chroma_distance(frame, lips, RED)
    assert base > chroma_distance(half, lips, RED) > chroma_distance(full, lips, RED)


def test_gloss_highlight_follows_the_lips_own_light(frame, face):
    lips = lips_only(frame.shape, face)
    lightness = cv2.cvtColor(frame, cv2.COLOR_BGR2LAB)[..., 0].astype(int)
    satin = cv2.cvtColor(render_look(frame, [face], [Application("lip", RED, "satin")]), cv2.COLOR_BGR2LAB)[..., 0]
    gloss = cv2.cvtColor(render_look(frame, [face], [Application("lip", RED, "gloss")]), cv2.COLOR_BGR2LAB)[..., 0]
    boost = gloss.astype(int) - satin.astype(int)
    bright = lips & (lightness >= np.percentile(lightness[lips], 90))
    dark = lips & (lightness <= np.percentile(lightness[lips], 50))
    assert boost[bright].mean() > boost[dark].mean() + 10


def test_every_finish_and_product_renders(frame, face):
    for finish in ("matte", "satin", "gloss", "shimmer", "metallic"):
        look = [
            Application(kind, "#B5656B", finish, 0.8, wing=True) for kind in ("lip", "eye", "liner", "cheek", "brow")
        ]
        out = render_look(frame, [face], look)
        assert out.shape == frame.shape and not np.array_equal(out, frame)


def test_all_faces_in_a_photo_are_made_up(frame, photo_landmarker):
    pair = np.hstack([frame, cv2.flip(frame, 1)])
    faces = photo_landmarker.detect(pair)
    assert len(faces) == 2
    out = render_look(pair, faces, [Application("lip", RED, "matte")])
    for face in faces:
        assert chroma_distance(out, lips_only(pair.shape, face), RED) < 0.5 * chroma_distance(
            pair, lips_only(pair.shape, face), RED
        )


@pytest.mark.parametrize(
    "kwargs",
    [
        dict(product_type="nail", color_hex=RED),
        dict(product_type="lip", color_hex="red"),
        dict(product_type="lip", color_hex=RED, finish="sparkly"),
        dict(product_type="lip", color_hex=RED, intensity=1.5),
    ],
)
def test_bad_applications_are_refused(kwargs):
    with pytest.raises(ValueError):
        Application(**kwargs)


def test_after_warm_up_a_real_frame_compiles_nothing():
    """A server worker warms up before its first shopper (webapp/gunicorn.conf.py): every compiled
    kernel a real face with every product and finish needs is ready by then."""
    script = """
import numpy as np
from numba.core.registry import CPUDispatcher
from tests.tryon.conftest import face_frame
from tryon import makeup, masks
from tryon.landmarks import PhotoLandmarker

kernels = [f for m in (makeup, masks) for f in vars(m).values() if isinstance(f, CPUDispatcher)]
makeup.warm_up()
ready = {f.__name__: len(f.signatures) for f in kernels}
image = face_frame()
look = [makeup.Application(k, "#C1121F", f) for k in makeup.PRODUCT_TYPES for f in makeup.FINISHES]
with PhotoLandmarker() as landmarker:
    makeup.render_look(image, landmarker.detect(image), look, smoothing=0.4)
print(len(kernels), ready == {f.__name__: len(f.signatures) for f in kernels})
"""
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, cwd=ROOT, check=True)
    count, unchanged = done.stdout.split()
    assert int(count) >= 5 and unchanged == "True"
