import cv2
import numpy as np
import pytest
from skimage import data

from tryon.landmarks import PhotoLandmarker


def face_frame() -> np.ndarray:
    """A real face (scikit-image's astronaut, smiling with teeth showing) as a 640x480 BGR frame."""
    image = data.astronaut()[20:260, 60:380, ::-1]
    return cv2.resize(image, (640, 480), interpolation=cv2.INTER_CUBIC)


@pytest.fixture(scope="session")
def frame():
    return face_frame()


@pytest.fixture(scope="session")
def photo_landmarker():
    with PhotoLandmarker() as landmarker:
        yield landmarker


@pytest.fixture(scope="session")
def face(frame, photo_landmarker):
    faces = photo_landmarker.detect(frame)
    assert len(faces) == 1
    return faces[0]
