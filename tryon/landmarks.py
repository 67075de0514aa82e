"""Face landmarks from MediaPipe Face Mesh (478 points with the refined iris and lips).

``PhotoLandmarker`` looks at each image on its own and finds every face, small and distant ones
too (group photos); ``StreamLandmarker`` tracks one face across video frames and needs one
instance per stream.
"""

from __future__ import annotations

import cv2
import mediapipe as mp
import numpy as np

from .face import Face

# The full-range detector sees a 192 px square: tiles this large keep a 40 px face ~20 px there
TILE = 400
CROP_SIDE = 384  # each found face is meshed on its own crop at this size, so small faces get detail
CROP_MARGIN = 0.6  # of the detector box, on every side: the mesh needs the whole head in view
OVERLAP = 0.3  # boxes overlapping more than this (IoU) are one face seen from two tiles


def _points(landmarks, width: int, height: int) -> np.ndarray:
    xy = np.array([(p.x, p.y) for p in landmarks.landmark], dtype=np.float32)
    return xy * np.array([width, height], dtype=np.float32)


class _Landmarker:
    def __init__(self, static: bool, max_faces: int) -> None:
        self._mesh = mp.solutions.face_mesh.FaceMesh(
            static_image_mode=static,
            max_num_faces=max_faces,
            refine_landmarks=True,
            min_detection_confidence=0.5,
            min_tracking_confidence=0.5,
        )

    def _meshes(self, image_bgr: np.ndarray) -> list[Face]:
        height, width = image_bgr.shape[:2]
        result = self._mesh.process(np.ascontiguousarray(image_bgr[:, :, ::-1]))
        return [Face(_points(found, width, height)) for found in result.multi_face_landmarks or ()]

    def detect(self, image_bgr: np.ndarray) -> list[Face]:
        """The faces in a BGR image, with their 478 landmarks in pixels."""
        return self._meshes(image_bgr)

    def close(self) -> None:
        """Free the MediaPipe graphs."""
        self._mesh.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def _tiles(height: int, width: int, side: int) -> list[tuple[int, int, int]]:
    """Overlapping squares (x, y, side) covering the image, half a tile apart."""
    side = min(side, height, width)
    step = max(side // 2, 1)
    ys = sorted({*range(0, height - side + 1, step), height - side})
    xs = sorted({*range(0, width - side + 1, step), width - side})
    return [(x, y, side) for y in ys for x in xs]


def _iou(a: np.ndarray, b: np.ndarray) -> float:
    x0, y0 = np.maximum(a[:2], b[:2])
    x1, y1 = np.minimum(a[:2] + a[2:], b[:2] + b[2:])
    inter = max(x1 - x0, 0) * max(y1 - y0, 0)
    return float(inter / (a[2] * a[3] + b[2] * b[3] - inter + 1e-6))


class PhotoLandmarker(_Landmarker):
    """Independent images: every face (up to ``max_faces``, left to right) found from scratch.

    MediaPipe's full-range face detector (bundled in the wheel) runs on the whole image and on
    overlapping tiles, so a face of 40 px in a group photo is found; each face is then meshed on
    its own enlarged crop.
    """

    def __init__(self, max_faces: int = 12) -> None:
        super().__init__(static=True, max_faces=1)
        self.max_faces = max_faces
        self._detector = mp.solutions.face_detection.FaceDetection(model_selection=1, min_detection_confidence=0.5)

    def boxes(self, image_bgr: np.ndarray) -> list[np.ndarray]:
        """Face boxes (x, y, w, h) in pixels, most confident first, one per face."""
        height, width = image_bgr.shape[:2]
        found: list[tuple[float, np.ndarray]] = []
        views = [(0, 0, width, height)] + [(x, y, s, s) for x, y, s in _tiles(height, width, TILE)]
        for x, y, w, h in views:
            result = self._detector.process(np.ascontiguousarray(image_bgr[y : y + h, x : x + w, ::-1]))
            for detection in result.detections or ():
                box = detection.location_data.relative_bounding_box
                xywh = np.array([x + box.xmin * w, y + box.ymin * h, box.width * w, box.height * h], np.float32)
                found.append((float(detection.score[0]), xywh))
        kept: list[np.ndarray] = []
        for _score, box in sorted(found, key=lambda f: -f[0]):
            if all(_iou(box, other) <= OVERLAP for other in kept):
                kept.append(box)
        return kept

    def _mesh_in(self, image_bgr: np.ndarray, box: np.ndarray) -> Face | None:
        height, width = image_bgr.shape[:2]
        side = float(max(box[2], box[3])) * (1 + 2 * CROP_MARGIN)
        cx, cy = box[0] + box[2] / 2, box[1] + box[3] / 2
        x0, y0 = int(max(cx - side / 2, 0)), int(max(cy - side / 2, 0))
        x1, y1 = int(min(cx + side / 2, width)), int(min(cy + side / 2, height))
        if x1 - x0 < 8 or y1 - y0 < 8:
            return None
        scale = CROP_SIDE / max(x1 - x0, y1 - y0)
        crop = cv2.resize(image_bgr[y0:y1, x0:x1], None, fx=scale, fy=scale, interpolation=cv2.INTER_CUBIC)
        faces = self._meshes(crop)
        if not faces:
            return None
        return Face(faces[0].points / scale + np.array([x0, y0], np.float32))

    def detect(self, image_bgr: np.ndarray) -> list[Face]:
        faces: list[Face] = []
        for box in self.boxes(image_bgr):
            face = self._mesh_in(image_bgr, box)
            centre = face.points.mean(axis=0) if face else None
            if face and all(np.linalg.norm(centre - f.points.mean(axis=0)) > 0.3 * f.width for f in faces):
                faces.append(face)
            if len(faces) == self.max_faces:
                break
        if not faces:  # a face the detector missed (cut off, very close): the mesh's own look
            faces = self._meshes(image_bgr)
        return sorted(faces, key=lambda f: float(f.points[:, 0].mean()))

    def close(self) -> None:
        super().close()
        self._detector.close()


class StreamLandmarker(_Landmarker):
    """Consecutive frames of one stream: tracks the face instead of re-detecting it."""

    def __init__(self) -> None:
        super().__init__(static=False, max_faces=1)
