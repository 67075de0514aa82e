"""The frame pipeline end to end: bytes in, a made-up JPEG and what was found out."""

import cv2
import numpy as np
import pytest

from tryon.imageio import ImageInputError, encode_jpeg
from tryon.makeup import Application
from tryon.pipeline import LiveFrames, render_photo

LIPSTICK = [Application("lip", "#B03A48", "satin", 1.0)]


def _decoded(jpeg: bytes) -> np.ndarray:
    return cv2.imdecode(np.frombuffer(jpeg, np.uint8), cv2.IMREAD_COLOR)


def test_a_photo_is_made_up_and_its_skin_read(frame, photo_landmarker):
    result = render_photo(photo_landmarker, encode_jpeg(frame), LIPSTICK, "daylight")
    assert (result.faces, result.width, result.height) == (1, frame.shape[1], frame.shape[0])
    assert result.skin_tone is not None and _decoded(result.jpeg).shape == frame.shape
    assert np.abs(_decoded(result.jpeg).astype(int) - frame.astype(int)).mean() > 0.1


def test_a_photo_without_a_face_renders_nothing(photo_landmarker):
    blank = encode_jpeg(np.full((480, 640, 3), 200, np.uint8))
    result = render_photo(photo_landmarker, blank, LIPSTICK, None)
    assert (result.faces, result.jpeg, result.skin_tone) == (0, b"", None)


def test_live_frames_track_and_refuse_garbage(frame):
    live = LiveFrames()
    try:
        jpeg, faces = live.render(encode_jpeg(frame), LIPSTICK, None)
        assert faces == 1 and _decoded(jpeg).shape == frame.shape
        with pytest.raises(ImageInputError):
            live.render(b"not a jpeg", LIPSTICK, None)
    finally:
        live.close()
