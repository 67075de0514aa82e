"""Decoding untrusted image bytes (uploads, WebSocket frames) and encoding results."""
from __future__ import annotations

import io
import warnings

import cv2
import numpy as np
from PIL import Image

MAX_BYTES = 10 * 1024 * 1024
MAX_SIDE = 4096
FORMATS = ("JPEG", "PNG", "WEBP")


class ImageInputError(ValueError):
    """An image that cannot be used; ``code`` is ``invalid_image`` or ``image_too_large``."""

    def __init__(self, code: str, reason: str) -> None:
        super().__init__(reason)
        self.code = code
        self.reason = reason


def decode_image(data: bytes, max_bytes: int = MAX_BYTES, max_side: int = MAX_SIDE) -> np.ndarray:
    """BGR uint8 pixels; refuses non-images, truncated files and oversize ones before decoding."""
    if len(data) > max_bytes:
        raise ImageInputError("image_too_large", f"over {max_bytes // (1024 * 1024)} MB")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            header = Image.open(io.BytesIO(data))
            kind, (width, height) = header.format, header.size
    except (OSError, ValueError, Image.DecompressionBombWarning, Image.DecompressionBombError):
        raise ImageInputError("invalid_image", "not a JPEG, PNG or WebP image") from None
    if kind not in FORMATS:
        raise ImageInputError("invalid_image", "not a JPEG, PNG or WebP image")
    if max(width, height) > max_side:
        raise ImageInputError("image_too_large", f"larger than {max_side} px")
    if kind == "JPEG" and not data.rstrip(b"\x00").endswith(b"\xff\xd9"):
        raise ImageInputError("invalid_image", "the JPEG is truncated")
    pixels = cv2.imdecode(np.frombuffer(data, np.uint8), cv2.IMREAD_COLOR)
    if pixels is None or pixels.shape[:2] != (height, width):
        raise ImageInputError("invalid_image", "the image data is corrupt")
    return pixels


def encode_jpeg(image_bgr: np.ndarray, quality: int = 85) -> bytes:
    ok, buffer = cv2.imencode(".jpg", image_bgr, [cv2.IMWRITE_JPEG_QUALITY, quality])
    if not ok:
        raise ValueError("JPEG encoding failed")
    return buffer.tobytes()
