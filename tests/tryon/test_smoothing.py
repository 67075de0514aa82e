"""Stream smoothing measured on real tracking: less jitter when still, little lag when moving."""

import cv2
import numpy as np

from tryon.landmarks import StreamLandmarker
from tryon.smoothing import LandmarkSmoother, OneEuroFilter

FPS = 30.0


def _track(frames):
    raw, smooth = [], []
    smoother = LandmarkSmoother()
    with StreamLandmarker() as tracker:
        for i, image in enumerate(frames):
            faces = tracker.detect(image)
            assert len(faces) == 1
            raw.append(faces[0].points)
            smooth.append(smoother(faces[0], i / FPS).points)
    return np.array(raw), np.array(smooth)


def test_still_face_jitters_less_with_the_filter(frame):
    rng = np.random.default_rng(1)
    noisy = [np.clip(frame + rng.normal(0, 6, frame.shape), 0, 255).astype(np.uint8) for _ in range(40)]
    raw, smooth = _track(noisy)

    def jitter(points):  # px per frame
        return float(np.linalg.norm(np.diff(points[10:], axis=0), axis=2).mean())

    assert jitter(smooth) < 0.5 * jitter(raw), (jitter(raw), jitter(smooth))


def test_moving_face_lags_little(frame):
    h, w = frame.shape[:2]
    step = 4.0  # px per frame: 120 px/s, a brisk head turn
    moving = [
        cv2.warpAffine(frame, np.float32([[1, 0, step * i - 60], [0, 1, 0]]), (w, h), borderMode=cv2.BORDER_REPLICATE)
        for i in range(30)
    ]
    raw, smooth = _track(moving)
    lag = np.abs(smooth[10:, :, 0] - raw[10:, :, 0]).mean()
    assert lag < 0.75 * step, lag  # under one frame of motion behind


def test_filter_passes_constant_signal_and_resets():
    one_euro = OneEuroFilter(min_cutoff=1.0, beta=0.1)
    value = np.full((3, 2), 5.0)
    for i in range(5):
        assert np.allclose(one_euro(value, i / FPS), 5.0)
    one_euro.reset()
    assert np.allclose(one_euro(np.zeros((3, 2)), 10.0), 0.0)
