"""Copy a look over HTTP: a made-up reference photo in, the nearest in-stock shades out, nothing
of the photo kept; and group photos in photo try-on (every face's box, one face or all)."""

import base64
import io
import json
import os
import tempfile

import cv2
import numpy as np
import pytest
from sqlalchemy import inspect, text, update

from tryon.imageio import encode_jpeg
from tryon.landmarks import PhotoLandmarker
from tryon.makeup import Application, render_look
from webapp.store.models import Inventory

from ..tryon.conftest import face_frame
from ..tryon.test_group_photos import group_photo

# the reference look: catalog shades rendered on a real face, so the right answer is known (a brow
# pencil tints the face's own brows, so the brow read is the visible blend: ranked, not exact)
REFERENCE = {"lip": "LIP-110", "eye": "EYE-206", "cheek": "CHK-302"}
SHADES = {"LIP-110": ("#9E1B4F", "gloss"), "EYE-206": ("#6B3F5A", "shimmer"), "CHK-302": ("#D9727F", "matte")}


@pytest.fixture(scope="module")
def reference_jpeg():
    image = face_frame()
    with PhotoLandmarker() as landmarker:
        faces = landmarker.detect(image)
    look = [Application(kind, *SHADES[REFERENCE[kind]]) for kind in ("lip", "eye", "cheek")]
    look.append(Application("brow", "#3E2C23", "matte"))
    return encode_jpeg(render_look(image, faces, look), 95)


def _copy(client, image: bytes, **form):
    return client.post("/api/v1/tryon/copy-look", data={"image": (io.BytesIO(image), "ref.jpg"), **form})


def _regions(body: dict) -> dict:
    return {r["region"]: r for r in body["regions"]}


def test_each_region_maps_to_the_shade_that_made_it(client, reference_jpeg):
    response = _copy(client, reference_jpeg)
    assert response.status_code == 200, response.get_data(as_text=True)
    body = response.get_json()
    regions = _regions(body)
    assert set(regions) == {"lip", "eye", "cheek", "brow"} and body["faces"] == 1
    for kind, sku in REFERENCE.items():
        matches = regions[kind]["matches"]
        assert regions[kind]["applied"] and sku in [m["product"]["sku"] for m in matches[:2]], (kind, matches)
        assert all(m["product"]["product_type"] == kind and m["delta_e"] >= 0 for m in matches)
    brows = regions["brow"]["matches"]
    assert brows and [m["delta_e"] for m in brows] == sorted(m["delta_e"] for m in brows)
    assert regions["lip"]["finish"] == "gloss" and regions["lip"]["matches"][0]["finish_match"]
    assert regions["lip"]["color_hex"].startswith("#") and len(regions["lip"]["lab"]) == 3
    assert {i["sku"] for i in body["look"]["items"]} == {regions[k]["matches"][0]["product"]["sku"] for k in regions}


def test_the_suggested_look_renders_on_the_shoppers_own_photo(client, reference_jpeg):
    look = _copy(client, reference_jpeg).get_json()["look"]
    own = encode_jpeg(face_frame(), 90)
    response = client.post(
        "/api/v1/tryon/makeup", data={"image": (io.BytesIO(own), "me.jpg"), "look": json.dumps(look)}
    )
    assert response.status_code == 200 and response.get_json()["image"].startswith("data:image/jpeg;base64,")


def test_out_of_stock_shades_are_not_offered(app, client, reference_jpeg):
    with app.extensions["store_db"].session() as session:
        session.execute(update(Inventory).where(Inventory.sku == "LIP-110").values(quantity=0))
        session.commit()
    lips = _regions(_copy(client, reference_jpeg).get_json())["lip"]["matches"]
    assert lips and "LIP-110" not in [m["product"]["sku"] for m in lips]


def test_nearby_stock_around_a_store_or_a_position(client, reference_jpeg):
    store = client.get("/api/v1/stores").get_json()["stores"][0]
    near_store = _regions(_copy(client, reference_jpeg, store=store["code"]).get_json())
    stock = near_store["lip"]["matches"][0]["stock"]
    assert stock and all(s["quantity"] > 0 and "distance_km" in s for s in stock)
    assert _regions(_copy(client, reference_jpeg).get_json())["lip"]["matches"][0]["stock"] is None
    at = _copy(client, reference_jpeg, lat=str(store["lat"]), lon=str(store["lon"]))
    assert at.status_code == 200 and _regions(at.get_json())["brow"]["matches"][0]["stock"]


@pytest.mark.parametrize(
    ("form", "status", "code"),
    [
        ({"lat": "north", "lon": "1"}, 400, "invalid_field"),
        ({"lat": "91", "lon": "1"}, 400, "invalid_field"),
        ({"store": "nowhere"}, 404, "store_not_found"),
    ],
)
def test_bad_places_are_refused_in_the_callers_language(client, reference_jpeg, form, status, code):
    response = client.post(
        "/api/v1/tryon/copy-look?lang=en", data={"image": (io.BytesIO(reference_jpeg), "r.jpg"), **form}
    )
    assert response.status_code == status and response.get_json()["error"]["code"] == code


def test_unusable_photos_are_clear_errors(client):
    assert _copy(client, b"not an image").status_code == 400
    blank = encode_jpeg(np.full((200, 200, 3), 128, np.uint8))
    response = _copy(client, blank)
    assert response.status_code == 422 and response.get_json()["error"]["code"] == "no_face"
    missing = client.post("/api/v1/tryon/copy-look", data={})
    assert missing.status_code == 400 and missing.get_json()["error"]["code"] == "missing_field"


def _database_text(app) -> str:
    with app.extensions["store_db"].session() as session:
        tables = inspect(session.get_bind()).get_table_names()
        rows = [session.execute(text(f'SELECT * FROM "{name}"')).all() for name in tables]  # noqa: S608
    return repr(rows)


def test_the_reference_photo_is_never_stored(app, client, reference_jpeg, monkeypatch):
    before = _database_text(app)
    temp_before = set(os.listdir(tempfile.gettempdir()))
    created = []
    real_mkstemp, real_named = tempfile.mkstemp, tempfile.NamedTemporaryFile
    monkeypatch.setattr(tempfile, "mkstemp", lambda *a, **k: created.append(a) or real_mkstemp(*a, **k))
    monkeypatch.setattr(tempfile, "NamedTemporaryFile", lambda *a, **k: created.append(a) or real_named(*a, **k))
    assert _copy(client, reference_jpeg).status_code == 200
    assert created == [] and set(os.listdir(tempfile.gettempdir())) <= temp_before
    after = _database_text(app)
    assert after == before
    assert base64.b64encode(reference_jpeg[:64]).decode() not in after


def test_group_photo_try_on_reports_every_face_and_makes_up_the_one_picked(client):
    photo, _places = group_photo()
    jpeg = encode_jpeg(photo, 95)
    look = '{"items": [{"sku": "LIP-103", "intensity": 1.0}]}'

    def try_on(face=None):
        data = {"image": (io.BytesIO(jpeg), "group.jpg"), "look": look}
        if face is not None:
            data["face"] = face
        return client.post("/api/v1/tryon/makeup", data=data)

    every = try_on().get_json()
    assert every["faces"] == 6 and len(every["face_boxes"]) == 6 and every["face"] == "all"
    assert [b["x"] for b in every["face_boxes"]] == sorted(b["x"] for b in every["face_boxes"])
    one = try_on("2").get_json()
    assert one["face"] == 2
    made_up = cv2.imdecode(np.frombuffer(base64.b64decode(one["image"].split(",", 1)[1]), np.uint8), 1)
    sent = cv2.imdecode(np.frombuffer(jpeg, np.uint8), 1)
    changed = [_changed(made_up, sent, box) for box in one["face_boxes"]]
    assert changed[2] > 0.02 and max(changed[:2] + changed[3:]) < 0.002, changed
    assert try_on("6").status_code == 400 and try_on("-1").status_code == 400


def _changed(made_up: np.ndarray, original: np.ndarray, box: dict) -> float:
    """Share of the lower third of a face box (its mouth) changed far beyond JPEG noise."""
    x, y, w, h = box["x"], box["y"], box["width"], box["height"]
    mouth = (slice(y + 2 * h // 3, y + h), slice(x, x + w))
    return float((np.abs(made_up[mouth].astype(int) - original[mouth].astype(int)).sum(axis=2) > 60).mean())
