"""Decoding untrusted image bytes (uploads, WebSocket frames) and encoding results."""

from __future__ import annotations

import io
import warnings
from collections.abc import Callable

import cv2
import numpy as np
from PIL import Image

MAX_BYTES = 10 * 1024 * 1024
MAX_SIDE = 4096
FORMATS = ("JPEG", "PNG", "WEBP")
EXIF_ORIENTATION = 0x0112

# EXIF orientation -> what turns the stored pixels upright (as Pillow's ImageOps.exif_transpose)
_UPRIGHT: dict[int, Callable[[np.ndarray], np.ndarray]] = {
    2: lambda p: cv2.flip(p, 1),
    3: lambda p: cv2.rotate(p, cv2.ROTATE_180),
    4: lambda p: cv2.flip(p, 0),
    5: cv2.transpose,
    6: lambda p: cv2.rotate(p, cv2.ROTATE_90_CLOCKWISE),
    7: lambda p: cv2.flip(cv2.transpose(p), -1),
    8: lambda p: cv2.rotate(p, cv2.ROTATE_90_COUNTERCLOCKWISE),
}
# JPEG can be decoded at 1/2, 1/4 or 1/8 scale straight from its DCT blocks, never holding full size
_REDUCED = {
    1: cv2.IMREAD_COLOR,
    2: cv2.IMREAD_REDUCED_COLOR_2,
    4: cv2.IMREAD_REDUCED_COLOR_4,
    8: cv2.IMREAD_REDUCED_COLOR_8,
}


class ImageInputError(ValueError):
    """An image that cannot be used; ``code`` is ``invalid_image`` or ``image_too_large``."""

    def __init__(self, code: str, reason: str) -> None:
        super().__init__(reason)
        self.code = code
        self.reason = reason


def decode_image(
    data: bytes, max_bytes: int = MAX_BYTES, max_side: int = MAX_SIDE, work_side: int | None = None
) -> np.ndarray:
    """BGR uint8 pixels, turned upright by the EXIF orientation and, with ``work_side``, scaled
    down to at most that many px on the long side; refuses non-images, truncated files and
    oversize ones before decoding."""
    if len(data) > max_bytes:
        raise ImageInputError("image_too_large", f"over {max_bytes // (1024 * 1024)} MB")
    kind, (width, height), orientation = _probe(data, max_side)
    if kind not in FORMATS:
        raise ImageInputError("invalid_image", "not a JPEG, PNG or WebP image")
    if max(width, height) > max_side:
        raise ImageInputError("image_too_large", f"larger than {max_side} px")
    if kind == "JPEG" and not data.rstrip(b"\x00").endswith(b"\xff\xd9"):
        raise ImageInputError("invalid_image", "the JPEG is truncated")
    scale = _jpeg_scale(max(width, height), work_side) if kind == "JPEG" else 1
    # the orientation is applied below, from the EXIF read above, for every format alike
    pixels = cv2.imdecode(np.frombuffer(data, np.uint8), _REDUCED[scale] | cv2.IMREAD_IGNORE_ORIENTATION)
    # a reduced JPEG has its sizes divided and rounded up
    if pixels is None or pixels.shape[:2] != (-(-height // scale), -(-width // scale)):
        raise ImageInputError("invalid_image", "the image data is corrupt")
    if work_side is not None:
        pixels = _fit_within(pixels, work_side)
    return _UPRIGHT.get(orientation, lambda p: p)(pixels)


def _probe(data: bytes, max_side: int) -> tuple[str, tuple[int, int], object]:
    """Format, stored size and EXIF orientation, from the header alone."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            header = Image.open(io.BytesIO(data))
    except (Image.DecompressionBombWarning, Image.DecompressionBombError):
        # Pillow's own pixel-count guard fires only far beyond max_side, so this is "too large" too
        raise ImageInputError("image_too_large", f"larger than {max_side} px") from None
    except (OSError, ValueError):
        raise ImageInputError("invalid_image", "not a JPEG, PNG or WebP image") from None
    # only the EXIF block read with the header: getexif() would decode a PNG to look past its pixels
    exif = Image.Exif()
    try:
        exif.load(header.info.get("exif") or b"")
    except Exception:  # noqa: BLE001 - malformed metadata (any parser error): keep the pixels as stored
        return header.format, header.size, 1
    return header.format, header.size, exif.get(EXIF_ORIENTATION, 1)


def _jpeg_scale(long_side: int, work_side: int | None) -> int:
    """The largest JPEG decoding reduction that still leaves at least ``work_side`` px."""
    if work_side is None:
        return 1
    return max(s for s in _REDUCED if s == 1 or long_side // s >= work_side)


def _fit_within(image: np.ndarray, side: int) -> np.ndarray:
    """``image`` scaled down (area averaging) so that its long side is at most ``side`` px."""
    height, width = image.shape[:2]
    if max(height, width) <= side:
        return image
    factor = side / max(height, width)
    size = (max(1, round(width * factor)), max(1, round(height * factor)))
    return cv2.resize(image, size, interpolation=cv2.INTER_AREA)


def encode_jpeg(image_bgr: np.ndarray, quality: int = 85) -> bytes:
    """A BGR image as JPEG bytes."""
    ok, buffer = cv2.imencode(".jpg", image_bgr, [cv2.IMWRITE_JPEG_QUALITY, quality])
    if not ok:
        raise ValueError("JPEG encoding failed")
    return buffer.tobytes()
