"""Landmark indices of the Face Mesh regions that makeup goes on (from the shared ``look_spec``)."""

from __future__ import annotations

from .look_spec import SPEC

_R = SPEC["regions"]
LIPS_OUTER: list[int] = _R["lips_outer"]
LIPS_INNER: list[int] = _R["lips_inner"]

# per eye, from the inner corner to the outer corner
RIGHT_EYE_UPPER: list[int] = _R["right_eye_upper"]
RIGHT_EYE_LOWER: list[int] = _R["right_eye_lower"]
LEFT_EYE_UPPER: list[int] = _R["left_eye_upper"]
LEFT_EYE_LOWER: list[int] = _R["left_eye_lower"]

# brows: upper edge inner→outer, lower edge inner→outer
RIGHT_BROW_UPPER: list[int] = _R["right_brow_upper"]
RIGHT_BROW_LOWER: list[int] = _R["right_brow_lower"]
LEFT_BROW_UPPER: list[int] = _R["left_brow_upper"]
LEFT_BROW_LOWER: list[int] = _R["left_brow_lower"]

RIGHT_CHEEK: list[int] = _R["right_cheek"]
LEFT_CHEEK: list[int] = _R["left_cheek"]
FOREHEAD: list[int] = _R["forehead"]
FACE_OVAL: list[int] = _R["face_oval"]

EYES = (
    (RIGHT_EYE_UPPER, RIGHT_EYE_LOWER, RIGHT_BROW_LOWER),
    (LEFT_EYE_UPPER, LEFT_EYE_LOWER, LEFT_BROW_LOWER),
)
BROWS = ((RIGHT_BROW_UPPER, RIGHT_BROW_LOWER), (LEFT_BROW_UPPER, LEFT_BROW_LOWER))
CHEEKS = (RIGHT_CHEEK, LEFT_CHEEK)
