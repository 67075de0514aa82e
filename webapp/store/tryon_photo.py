"""Make-up on a photo or a stream frame: decode, find faces, render the look, analyse skin."""
from __future__ import annotations

import numpy as np
from sqlalchemy.orm import Session

from tryon.face import Face
from tryon.imageio import ImageInputError, decode_image, encode_jpeg
from tryon.makeup import Application, render_look
from tryon.scenes import apply_scene
from tryon.skin import analyse_skin, recommend

from . import looks
from .errors import StoreError

STATUS = {"invalid_image": 400, "image_too_large": 413}


def decode(data: bytes) -> np.ndarray:
    try:
        return decode_image(data)
    except ImageInputError as error:
        raise StoreError(error.code, STATUS[error.code], reason=error.reason) from None


def made_up(image: np.ndarray, faces: list[Face], applications: list[Application], scene: str | None) -> bytes:
    return encode_jpeg(apply_scene(render_look(image, faces, applications), scene))


def try_on_photo(session: Session, data: bytes, spec: object, landmarker) -> tuple[bytes, dict]:
    """The rendered JPEG and what was found: faces, skin tone of the largest face, shade picks."""
    applications, scene = looks.resolve(session, spec)
    image = decode(data)
    faces = landmarker.detect(image)
    if not faces:
        raise StoreError("no_face", 422)
    tone = analyse_skin(image, max(faces, key=lambda f: f.width))
    return made_up(image, faces, applications, scene), {
        "faces": len(faces),
        "size": {"width": image.shape[1], "height": image.shape[0]},
        "skin_tone": tone.to_dict() if tone else None,
        "recommendations": recommend(tone, looks.shades(session)) if tone else {},
    }
