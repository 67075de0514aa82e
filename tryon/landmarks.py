"""Face landmarks from MediaPipe Face Mesh (478 points with the refined iris and lips).

``PhotoLandmarker`` looks at each image on its own (up to 4 faces); ``StreamLandmarker``
tracks one face across video frames and needs one instance per stream.
"""

from __future__ import annotations

import mediapipe as mp
import numpy as np

from .face import Face


class _Landmarker:
    def __init__(self, static: bool, max_faces: int) -> None:
        self._mesh = mp.solutions.face_mesh.FaceMesh(
            static_image_mode=static,
            max_num_faces=max_faces,
            refine_landmarks=True,
            min_detection_confidence=0.5,
            min_tracking_confidence=0.5,
        )

    def detect(self, image_bgr: np.ndarray) -> list[Face]:
        """The faces in a BGR image, with their 478 landmarks in pixels."""
        height, width = image_bgr.shape[:2]
        rgb = np.ascontiguousarray(image_bgr[:, :, ::-1])
        result = self._mesh.process(rgb)
        faces = []
        for landmarks in result.multi_face_landmarks or ():
            xy = np.array([(p.x, p.y) for p in landmarks.landmark], dtype=np.float32)
            faces.append(Face(xy * np.array([width, height], dtype=np.float32)))
        return faces

    def close(self) -> None:
        """Free the MediaPipe graph."""
        self._mesh.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        self.close()


class PhotoLandmarker(_Landmarker):
    """Independent images: every face (up to ``max_faces``) found from scratch."""

    def __init__(self, max_faces: int = 4) -> None:
        super().__init__(static=True, max_faces=max_faces)


class StreamLandmarker(_Landmarker):
    """Consecutive frames of one stream: tracks the face instead of re-detecting it."""

    def __init__(self) -> None:
        super().__init__(static=False, max_faces=1)
