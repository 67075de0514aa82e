"""Group photos and small faces: every face is found (full-range detection on tiles), left to
right, and a look can go on one face or on all."""

import cv2
import numpy as np

from tryon.makeup import Application, render_look

from .conftest import face_frame

# (scale of the 640x480 portrait, x, y): faces from ~40 px to ~110 px wide, as in a selfie with friends
PLACES = ((0.25, 20, 60), (0.3, 260, 300), (0.35, 500, 70), (0.2, 760, 320), (0.4, 1000, 80), (0.25, 1260, 320))


def group_photo() -> tuple[np.ndarray, list[tuple[int, int, int, int]]]:
    """Six copies of a real face at different sizes on a plain wall, and where each portrait sits."""
    canvas = np.full((560, 1460, 3), (190, 200, 205), np.uint8)
    places = []
    portrait = face_frame()
    for scale, x, y in PLACES:
        small = cv2.resize(portrait, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
        canvas[y : y + small.shape[0], x : x + small.shape[1]] = small
        places.append((x, y, small.shape[1], small.shape[0]))
    return canvas, places


def test_every_face_of_a_group_photo_is_found_left_to_right(photo_landmarker):
    photo, places = group_photo()
    faces = photo_landmarker.detect(photo)
    assert len(faces) == len(places)
    for face, (x, y, w, h) in zip(faces, places, strict=True):
        cx, cy = face.points.mean(axis=0)
        assert x < cx < x + w and y < cy < y + h
    assert min(face.width for face in faces) < 50  # the smallest face is about 40 px across


def test_a_small_distant_face_alone_is_found(photo_landmarker):
    wall = np.full((900, 1200, 3), (180, 190, 200), np.uint8)
    small = cv2.resize(face_frame(), None, fx=0.22, fy=0.22, interpolation=cv2.INTER_AREA)
    wall[500 : 500 + small.shape[0], 830 : 830 + small.shape[1]] = small
    faces = photo_landmarker.detect(wall)
    assert len(faces) == 1
    x, y, w, h = faces[0].box
    assert 830 <= x and x + w <= 830 + small.shape[1] and w >= 30


def test_landmarks_of_a_small_face_match_the_large_ones(photo_landmarker, face):
    scale = 0.3
    small = cv2.resize(face_frame(), None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
    wall = np.full((600, 800, 3), 200, np.uint8)
    wall[100 : 100 + small.shape[0], 300 : 300 + small.shape[1]] = small
    (found,) = photo_landmarker.detect(wall)
    expected = face.points * scale + np.array([300, 100])
    assert float(np.median(np.linalg.norm(found.points - expected, axis=1))) < 0.04 * found.width


def test_a_look_goes_on_the_chosen_face_only(photo_landmarker):
    photo, _ = group_photo()
    faces = photo_landmarker.detect(photo)
    made_up = render_look(photo, [faces[4]], [Application("lip", "#C1121F", "satin")])
    changed = np.any(made_up != photo, axis=2)
    for index, face in enumerate(faces):
        x, y, w, h = face.box
        assert changed[y : y + h, x : x + w].any() == (index == 4)
