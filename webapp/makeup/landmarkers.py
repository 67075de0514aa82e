"""One photo landmarker per server thread: Face Mesh graphs are not thread-safe, and
building one per request would cost more than the detection itself."""
from __future__ import annotations

import threading

from tryon.landmarks import PhotoLandmarker

_local = threading.local()


def photo_landmarker() -> PhotoLandmarker:
    if not hasattr(_local, "landmarker"):
        _local.landmarker = PhotoLandmarker()
    return _local.landmarker
