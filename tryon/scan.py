"""Room size from a phone scanner's mesh: the floor plane and the walls' footprint."""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np
import trimesh

BIN = 0.02  # metres: floor-height histogram resolution


@dataclass(frozen=True)
class ScannedRoom:
    """The room a scan shows: floor size, ceiling height and where the floor is."""

    floor_y: float
    width: float  # along the footprint's first axis
    depth: float
    height: float
    angle: float  # degrees the footprint is turned on the plan
    centre: tuple[float, float]  # (x, z)


def room_from_scan(mesh: trimesh.Trimesh) -> ScannedRoom:
    """Floor: the largest horizontal, upward-facing surface (tables are smaller). Walls: the
    vertical faces, whose footprint's minimum-area rectangle, trimmed of stray points, is the room."""
    normals, areas, centres = mesh.face_normals, mesh.area_faces, mesh.triangles_center
    up = normals[:, 1] > 0.9
    if areas[up].sum() <= 0:
        raise ValueError("no floor found: the scan has no upward-facing surface")
    heights = centres[up, 1]
    bins = np.floor((heights - heights.min()) / BIN).astype(int)
    weight = np.bincount(bins, weights=areas[up])
    floor_bin = int(np.argmax(weight))
    near = np.abs(bins - floor_bin) <= 1
    floor_y = float(np.average(heights[near], weights=areas[up][near]))

    walls = np.abs(normals[:, 1]) < 0.3
    if areas[walls].sum() <= 0:
        raise ValueError("no walls found: the scan has no vertical surfaces")
    points = mesh.triangles[walls].reshape(-1, 3)
    plan = points[:, [0, 2]].astype(np.float32)
    (cx, cz), _, angle = cv2.minAreaRect(plan)
    turn = np.radians(angle)
    axes = np.array([[np.cos(turn), np.sin(turn)], [-np.sin(turn), np.cos(turn)]])
    local = (plan - [cx, cz]) @ axes.T
    lo, hi = np.percentile(local, [1, 99], axis=0)
    centre = np.array([cx, cz]) + ((lo + hi) / 2) @ axes
    top = float(np.percentile(points[:, 1], 99))
    return ScannedRoom(
        floor_y,
        float(hi[0] - lo[0]),
        float(hi[1] - lo[1]),
        top - floor_y,
        float(angle),
        (float(centre[0]), float(centre[1])),
    )
