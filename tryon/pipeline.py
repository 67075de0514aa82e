"""The try-on frame pipeline: bytes in, made-up JPEG out (decode, landmarks, render, encode).

The caller supplies what the look is (``Application`` colours and finishes, a scene, skin
smoothing) and which landmarker to use; nothing here knows about products, stores or requests.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass

from .imageio import decode_image, encode_jpeg
from .landmarks import PhotoLandmarker, StreamLandmarker
from .makeup import Application, render_look
from .scenes import apply_scene
from .skin import SkinTone, analyse_skin
from .smoothing import LandmarkSmoother

# a face needs no more than this, and a 4096 px photo decoded at full size would take ~40 MB per copy
WORK_SIDE = 1600


@dataclass(frozen=True)
class PhotoResult:
    """A made-up photo: the JPEG, how many faces, the working size, the skin tone of the face made
    up (the largest when all are), and every face's box (x, y, w, h), left to right."""

    jpeg: bytes
    faces: int
    width: int
    height: int
    skin_tone: SkinTone | None
    boxes: tuple[tuple[int, int, int, int], ...] = ()


def render_photo(
    landmarker: PhotoLandmarker,
    data: bytes,
    applications: Sequence[Application],
    scene: str | None,
    face: int | None = None,
    smoothing: float = 0.0,
) -> PhotoResult:
    """Decode untrusted bytes (``ImageInputError`` if unusable), make up every face (or only the
    ``face``-th from the left when it exists) and analyse the largest made-up one."""
    image = decode_image(data, work_side=WORK_SIDE)
    faces = landmarker.detect(image)
    chosen = [faces[face]] if face is not None and 0 <= face < len(faces) else faces
    tone = analyse_skin(image, max(chosen, key=lambda f: f.width)) if chosen else None
    jpeg = encode_jpeg(apply_scene(render_look(image, chosen, applications, smoothing), scene)) if faces else b""
    return PhotoResult(jpeg, len(faces), image.shape[1], image.shape[0], tone, tuple(f.box for f in faces))


class LiveFrames:
    """One camera stream: its own face tracker (made on the first frame, so idle streams cost no
    graph) and landmark smoother."""

    def __init__(self) -> None:
        self.tracker: StreamLandmarker | None = None
        self.smoother = LandmarkSmoother()

    def render(
        self, data: bytes, applications: Sequence[Application], scene: str | None, smoothing: float = 0.0
    ) -> tuple[bytes, int]:
        """The made-up JPEG of one frame and the number of faces seen (the first one is smoothed)."""
        image = decode_image(data, work_side=WORK_SIDE)
        if self.tracker is None:
            self.tracker = StreamLandmarker()
        faces = self.tracker.detect(image)
        if faces:
            faces = [self.smoother(faces[0], time.monotonic())]
        else:
            self.smoother.reset()
        return encode_jpeg(apply_scene(render_look(image, faces, applications, smoothing), scene)), len(faces)

    def close(self) -> None:
        """Free the stream's face tracker."""
        if self.tracker is not None:
            self.tracker.close()
