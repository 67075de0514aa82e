"""Make-up on a photo: the look resolved from the catalog, the CV done by ``tryon.pipeline`` wherever
the caller runs it, and its findings (faces, skin tone, shade picks) as an answer."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

from sqlalchemy.orm import Session

from tryon.imageio import ImageInputError
from tryon.pipeline import PhotoResult, render_photo
from tryon.skin import BASE_TYPES, SkinTone, recommend

from ..text import both
from . import looks
from .errors import StoreError

STATUS = {"invalid_image": 400, "image_too_large": 413}

# ``run(work, *args)`` calls ``work(landmarker, *args)`` wherever the caller does its CV work
PhotoRunner = Callable[..., PhotoResult]


@contextmanager
def image_errors() -> Iterator[None]:
    """Unusable image bytes (from a photo or a stream frame) as a StoreError the caller can show."""
    try:
        yield
    except ImageInputError as error:
        raise StoreError(error.code, STATUS[error.code], reason=error.reason) from None


def face_choice(value: object) -> int | None:
    """Whose face to make up in a group photo: "all" (or nothing) → None, else a 0-based index."""
    if value in (None, "", "all"):
        return None
    if isinstance(value, str) and value.isdigit() and int(value) < 100:
        return int(value)
    raise StoreError("invalid_field", field="face", reason="a face number from 0, or 'all'")


def try_on_photo(
    session: Session, data: bytes, spec: object, run: PhotoRunner, face: object = None
) -> tuple[bytes, dict]:
    """The rendered JPEG and what was found: faces and their boxes, skin tone of the largest face
    made up, shade picks."""
    look = looks.resolve(session, spec)
    chosen = face_choice(face)
    with image_errors():
        result = run(render_photo, data, look.applications, look.scene, chosen, look.smoothing)
    if not result.faces:
        raise StoreError("no_face", 422)
    if chosen is not None and chosen >= result.faces:
        raise StoreError("invalid_field", field="face", reason=f"the photo has {result.faces} faces")
    tone = result.skin_tone
    return result.jpeg, {
        "faces": result.faces,
        "face_boxes": [dict(zip(("x", "y", "width", "height"), box, strict=True)) for box in result.boxes],
        "face": "all" if chosen is None else chosen,
        "size": {"width": result.width, "height": result.height},
        "skin_tone": skin_tone_dict(tone) if tone else None,
        "recommendations": _with_reasons(recommend(tone, looks.shades(session)), tone) if tone else {},
    }


def skin_tone_dict(tone: SkinTone) -> dict:
    """The tone with the words a shopper reads for its category and undertone."""
    return {
        **tone.to_dict(),
        "category_label": both(f"skin_{tone.category}"),
        "undertone_label": both(f"undertone_{tone.undertone}"),
    }


def _with_reasons(picks: dict[str, list[dict]], tone: SkinTone) -> dict[str, list[dict]]:
    skin = tuple(both(f"skin_{tone.category}").values())
    undertone = tuple(both(f"undertone_{tone.undertone}").values())
    colour = both(f"shade_reason_{tone.undertone}", skin=skin)
    # base makeup is matched to the skin itself, so its reasons speak of the skin, not of colours
    reasons = {kind: both(f"shade_reason_{kind}", skin=skin, undertone=undertone) for kind in BASE_TYPES}
    return {kind: [{**pick, "reason": reasons.get(kind, colour)} for pick in shades] for kind, shades in picks.items()}
