"""Make-up on a photo or a stream frame: decode, find faces, render the look, analyse skin.

The CV steps (``decode``, ``made_up``, ``render_photo``) take no database session, so the web
app can run them on its render threads while the session stays with the request.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from sqlalchemy.orm import Session

from tryon.face import Face
from tryon.imageio import ImageInputError, decode_image, encode_jpeg
from tryon.landmarks import PhotoLandmarker
from tryon.makeup import Application, render_look
from tryon.scenes import apply_scene
from tryon.skin import SkinTone, analyse_skin, recommend

from . import looks
from .errors import StoreError

STATUS = {"invalid_image": 400, "image_too_large": 413}
# a face needs no more than this, and a 4096 px photo decoded at full size would take ~40 MB per copy
WORK_SIDE = 1600

# ``run(work, *args)`` calls ``work(landmarker, *args)`` wherever the caller does its CV work
PhotoRunner = Callable[..., tuple[bytes, dict, SkinTone | None]]


def decode(data: bytes) -> np.ndarray:
    try:
        return decode_image(data, work_side=WORK_SIDE)
    except ImageInputError as error:
        raise StoreError(error.code, STATUS[error.code], reason=error.reason) from None


def made_up(image: np.ndarray, faces: list[Face], applications: list[Application], scene: str | None) -> bytes:
    return encode_jpeg(apply_scene(render_look(image, faces, applications), scene))


def render_photo(
    landmarker: PhotoLandmarker, data: bytes, applications: list[Application], scene: str | None
) -> tuple[bytes, dict, SkinTone | None]:
    """The made-up JPEG, the findings and the skin tone of the largest face."""
    image = decode(data)
    faces = landmarker.detect(image)
    if not faces:
        raise StoreError("no_face", 422)
    tone = analyse_skin(image, max(faces, key=lambda f: f.width))
    return (
        made_up(image, faces, applications, scene),
        {
            "faces": len(faces),
            "size": {"width": image.shape[1], "height": image.shape[0]},
            "skin_tone": tone.to_dict() if tone else None,
        },
        tone,
    )


def try_on_photo(session: Session, data: bytes, spec: object, run: PhotoRunner) -> tuple[bytes, dict]:
    """The rendered JPEG and what was found: faces, skin tone of the largest face, shade picks."""
    applications, scene = looks.resolve(session, spec)
    jpeg, found, tone = run(render_photo, data, applications, scene)
    found["recommendations"] = recommend(tone, looks.shades(session)) if tone else {}
    return jpeg, found
