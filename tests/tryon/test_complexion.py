"""Details of the lips on an open mouth: the colour reaches the inner edge of the lips while teeth
stay exactly as they were."""

import cv2
import numpy as np

from tryon import masks
from tryon import regions as R
from tryon.makeup import Application, render_look

BLUE = "#2040C0"  # far from any lip or tooth colour, so every touched pixel shows


def _opening(face, shape) -> np.ndarray:
    canvas = np.zeros(shape[:2], np.uint8)
    cv2.fillPoly(canvas, [np.round(face.points[R.LIPS_INNER]).astype(np.int32)], 255)
    return canvas > 0


def _teeth(frame, face) -> np.ndarray:
    """Bright, colourless pixels well inside the opening (the astronaut smiles with teeth showing)."""
    inside = cv2.erode(_opening(face, frame.shape).astype(np.uint8), np.ones((3, 3), np.uint8)) > 0
    lab = cv2.cvtColor(frame, cv2.COLOR_BGR2LAB).astype(int)
    return inside & (lab[..., 0] > 170) & (np.abs(lab[..., 1] - 128) + np.abs(lab[..., 2] - 128) < 25)


def test_the_lip_mask_is_full_strength_at_the_inner_edge(frame, face):
    (mask,) = masks.lips(face, frame.shape, frame)
    lower = face.points[masks.LOWER_INNER[3:8]]  # the middle of the lower lip, away from the corners
    below = np.round(lower + [0, 1.0]).astype(int)  # a pixel outside the opening, on the lip
    alpha = mask.alpha[below[:, 1] - mask.y, below[:, 0] - mask.x]
    assert alpha.min() > 0.7, alpha  # a feathered inner edge left ~0.5 here


def test_colour_reaches_the_lower_lips_inner_edge_and_spares_the_teeth(frame, face):
    made_up = render_look(frame, [face], [Application("lip", BLUE, "matte")])
    teeth = _teeth(frame, face)
    assert teeth.sum() > 50
    assert np.array_equal(made_up[teeth], frame[teeth])
    lower = np.round(face.points[masks.LOWER_INNER[3:8]] + [0, 1.0]).astype(int)
    before = cv2.cvtColor(frame, cv2.COLOR_BGR2LAB)[lower[:, 1], lower[:, 0]].astype(int)
    after = cv2.cvtColor(made_up, cv2.COLOR_BGR2LAB)[lower[:, 1], lower[:, 0]].astype(int)
    # b* fell far towards the blue along the whole inner edge: no band of the old colour remains
    assert ((before[:, 2] - after[:, 2]) > 30).all(), (before, after)


def test_a_closed_mouth_needs_no_image(frame, face):
    with_image = masks.lips(face, frame.shape, frame)[0].alpha
    geometry_only = masks.lips(face, frame.shape)[0].alpha
    assert (with_image >= geometry_only - 1e-6).all() and with_image.sum() >= geometry_only.sum()
