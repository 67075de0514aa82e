import io

import cv2
import numpy as np
import pytest
from PIL import Image

from tryon.imageio import ImageInputError, decode_image, encode_jpeg


def test_round_trip(frame):
    decoded = decode_image(encode_jpeg(frame, 95))
    assert decoded.shape == frame.shape
    assert np.abs(decoded.astype(int) - frame.astype(int)).mean() < 3


def test_png_and_webp_are_accepted(frame):
    for ext in (".png", ".webp"):
        ok, data = cv2.imencode(ext, frame)
        assert decode_image(data.tobytes()).shape == frame.shape


@pytest.mark.parametrize("make, code", [
    (lambda f: b"definitely not an image", "invalid_image"),
    (lambda f: b"", "invalid_image"),
    (lambda f: encode_jpeg(f)[:5000], "invalid_image"),  # truncated
    (lambda f: encode_jpeg(f)[:200] + bytes(range(256)) * 40 + b"\xff\xd9", "invalid_image"),  # corrupt body
    (lambda f: b"GIF89a" + b"\x00" * 100, "invalid_image"),
    (lambda f: b"\xff" * (10 * 1024 * 1024 + 1), "image_too_large"),
])
def test_bad_bytes_are_refused(frame, make, code):
    with pytest.raises(ImageInputError) as caught:
        decode_image(make(frame))
    assert caught.value.code == code


def test_huge_dimensions_are_refused_before_decoding():
    buffer = io.BytesIO()
    Image.new("RGB", (5000, 16)).save(buffer, "PNG")
    with pytest.raises(ImageInputError) as caught:
        decode_image(buffer.getvalue())
    assert caught.value.code == "image_too_large"
