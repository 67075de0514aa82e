"""Measuring a look on a reference photo: colours close to the shades that made it, finishes told
apart, a bare face read as bare where only skin shows."""

import cv2
import numpy as np
import pytest
from skimage.color import deltaE_ciede2000, rgb2lab

from tryon.copy_look import measure, measure_photo
from tryon.imageio import ImageInputError, encode_jpeg
from tryon.makeup import Application, render_look


def _lab(color_hex: str) -> np.ndarray:
    return rgb2lab(np.array([[[int(color_hex[i : i + 2], 16) / 255 for i in (1, 3, 5)]]]))[0, 0]


def _by_region(found) -> dict:
    return {m.region: m for m in found}


@pytest.mark.parametrize(
    ("kind", "color_hex", "finish", "within"),
    [
        ("lip", "#9E1B4F", "satin", 12),
        ("lip", "#D6402F", "satin", 12),
        ("lip", "#E8623A", "matte", 12),
        ("eye", "#6B3F5A", "shimmer", 15),
        ("cheek", "#D9727F", "matte", 12),
        ("cheek", "#F2A38A", "satin", 12),
    ],
)
def test_measured_colour_is_near_the_shade_applied(frame, face, kind, color_hex, finish, within):
    made_up = render_look(frame, [face], [Application(kind, color_hex, finish)])
    measured = _by_region(measure(made_up, face))[kind]
    assert measured.applied
    assert float(deltaE_ciede2000(np.array(measured.lab), _lab(color_hex))) < within
    # and nearer than the bare face's own colour there
    bare = _by_region(measure(frame, face))[kind]
    assert deltaE_ciede2000(np.array(measured.lab), _lab(color_hex)) < deltaE_ciede2000(
        np.array(bare.lab), _lab(color_hex)
    )


def test_a_bare_face_has_no_eyeshadow_or_blush(frame, face):
    found = _by_region(measure(frame, face))
    assert not found["eye"].applied and not found["cheek"].applied
    assert found["lip"].applied and found["brow"].applied  # lips and brows always have a colour


@pytest.mark.parametrize("finish", ["matte", "satin", "gloss", "shimmer"])
def test_lip_finishes_are_told_apart(frame, face, finish):
    made_up = render_look(frame, [face], [Application("lip", "#B22A2E", finish)])
    assert _by_region(measure(made_up, face))["lip"].finish == finish


def test_darker_brows_read_darker(frame, face):
    darker = render_look(frame, [face], [Application("brow", "#3E2C23", "matte")])
    assert _by_region(measure(darker, face))["brow"].lab[0] < _by_region(measure(frame, face))["brow"].lab[0] - 3


def test_measure_photo_decodes_untrusted_bytes(photo_landmarker, frame):
    faces, found = measure_photo(photo_landmarker, encode_jpeg(frame, 95))
    assert faces == 1 and [m.region for m in found] == ["lip", "eye", "cheek", "brow"]
    assert measure_photo(photo_landmarker, encode_jpeg(np.full((120, 160, 3), 90, np.uint8))) == (0, [])
    with pytest.raises(ImageInputError):
        measure_photo(photo_landmarker, b"GIF89a not really")


def test_hex_and_lab_agree(frame, face):
    for measured in measure(frame, face):
        pixel = np.array([[[int(measured.color_hex[i : i + 2], 16) for i in (5, 3, 1)]]], np.uint8)
        lab = cv2.cvtColor(pixel.astype(np.float32) / 255, cv2.COLOR_BGR2LAB)[0, 0]
        assert np.abs(lab - np.array(measured.lab)).max() < 2.5
