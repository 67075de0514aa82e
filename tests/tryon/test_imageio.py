import io
import struct
import zlib

import cv2
import numpy as np
import pytest
from PIL import Image, ImageOps

from tryon.imageio import EXIF_ORIENTATION, ImageInputError, decode_image, encode_jpeg


def test_round_trip(frame):
    decoded = decode_image(encode_jpeg(frame, 95))
    assert decoded.shape == frame.shape
    assert np.abs(decoded.astype(int) - frame.astype(int)).mean() < 3


def test_png_and_webp_are_accepted(frame):
    for ext in (".png", ".webp"):
        _, data = cv2.imencode(ext, frame)
        assert decode_image(data.tobytes()).shape == frame.shape


@pytest.mark.parametrize(
    "make, code",
    [
        (lambda f: b"definitely not an image", "invalid_image"),
        (lambda f: b"", "invalid_image"),
        (lambda f: encode_jpeg(f)[:5000], "invalid_image"),  # truncated
        (lambda f: encode_jpeg(f)[:200] + bytes(range(256)) * 40 + b"\xff\xd9", "invalid_image"),  # corrupt body
        (lambda f: b"GIF89a" + b"\x00" * 100, "invalid_image"),
        (lambda f: b"\xff" * (10 * 1024 * 1024 + 1), "image_too_large"),
    ],
)
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


def _png_header(width: int, height: int) -> bytes:
    """A PNG that only claims a size: signature, IHDR and IEND, no pixel data."""

    def chunk(kind: bytes, payload: bytes) -> bytes:
        return struct.pack(">I", len(payload)) + kind + payload + struct.pack(">I", zlib.crc32(kind + payload))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IEND", b"")


def test_pixel_bombs_are_too_large_not_invalid():
    # so large that Pillow's own guard fires when reading the header
    with pytest.raises(ImageInputError) as caught:
        decode_image(_png_header(30000, 30000))
    assert caught.value.code == "image_too_large"


def _with_orientation(image_bgr: np.ndarray, orientation: int, kind: str = "PNG") -> bytes:
    exif = Image.Exif()
    exif[EXIF_ORIENTATION] = orientation
    buffer = io.BytesIO()
    Image.fromarray(image_bgr[:, :, ::-1]).save(buffer, kind, exif=exif, **({"quality": 95} if kind == "JPEG" else {}))
    return buffer.getvalue()


@pytest.mark.parametrize("orientation", range(1, 9))
def test_exif_orientation_is_applied_as_pillow_does(frame, orientation):
    data = _with_orientation(frame[:60, :80], orientation)
    expected = np.asarray(ImageOps.exif_transpose(Image.open(io.BytesIO(data))))[:, :, ::-1]
    assert np.array_equal(decode_image(data), expected)


def test_portrait_phone_jpeg_is_turned_upright(frame):
    upright = cv2.resize(frame, (480, 640))
    data = _with_orientation(cv2.rotate(upright, cv2.ROTATE_90_COUNTERCLOCKWISE), 6, "JPEG")
    decoded = decode_image(data, work_side=1600)
    assert decoded.shape == (640, 480, 3)
    assert np.abs(decoded.astype(int) - upright.astype(int)).mean() < 3


@pytest.mark.parametrize("payload", [b"Exif\x00\x00garbage", b"Exif\x00\x00MM\x00\x2a\xff\xff\xff\xff"])
def test_malformed_exif_leaves_the_pixels_as_stored(frame, payload):
    jpeg = encode_jpeg(frame, 95)
    app1 = b"\xff\xe1" + struct.pack(">H", len(payload) + 2) + payload
    assert decode_image(jpeg[:2] + app1 + jpeg[2:]).shape == frame.shape


def test_large_photos_are_decoded_reduced_to_the_working_size(frame):
    big = cv2.resize(frame, (4096, 3072), interpolation=cv2.INTER_CUBIC)
    decoded = decode_image(encode_jpeg(big, 92), work_side=1600)
    assert decoded.shape == (1200, 1600, 3)
    reference = cv2.resize(big, (1600, 1200), interpolation=cv2.INTER_AREA)
    assert np.abs(decoded.astype(int) - reference.astype(int)).mean() < 3


@pytest.mark.parametrize("ext, size", [(".jpg", (1000, 3001)), (".png", (1700, 900)), (".webp", (1601, 1601))])
def test_every_format_fits_the_working_size(frame, ext, size):
    _, data = cv2.imencode(ext, cv2.resize(frame, size))
    decoded = decode_image(data.tobytes(), work_side=1600)
    assert max(decoded.shape[:2]) == 1600
    assert decoded.shape[1] / decoded.shape[0] == pytest.approx(size[0] / size[1], rel=0.01)
    assert decode_image(data.tobytes()).shape[:2] == (size[1], size[0])  # without work_side: as stored
