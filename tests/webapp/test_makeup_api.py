"""Try-on over HTTP and the live WebSocket: results, consent, deletion and the error contract."""

import io
import json
import threading

import cv2
import numpy as np
import pytest
from PIL import Image
from simple_websocket import Client
from werkzeug.serving import make_server

from tryon.imageio import encode_jpeg
from tryon.masks import MASCARA_STYLES

from ..conftest import SEED_DIR
from ..tryon.conftest import face_frame

LOOK = {"items": [{"sku": "LIP-103", "intensity": 1.0}, {"sku": "CHK-301", "intensity": 0.6}]}
PRESETS = json.loads((SEED_DIR / "looks.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def face_jpeg():
    return encode_jpeg(face_frame(), 90)


def _post(client, image: bytes, look=LOOK, headers=None):
    data = {"image": (io.BytesIO(image), "face.jpg")}
    if look is not None:
        data["look"] = look if isinstance(look, str) else json.dumps(look)
    return client.post("/api/v1/tryon/makeup", data=data, headers=headers or {})


def _error(response, status, code):
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.get_json()["error"]["code"] == code
    return response.get_json()["error"]["message"]


def test_photo_try_on_returns_the_made_up_image_and_findings(client, face_jpeg):
    response = _post(client, face_jpeg)
    assert response.status_code == 200
    body = response.get_json()
    assert body["faces"] == 1 and body["size"] == {"width": 640, "height": 480}
    jpeg = body["image"].split(",", 1)[1]
    import base64

    made_up = cv2.imdecode(np.frombuffer(base64.b64decode(jpeg), np.uint8), cv2.IMREAD_COLOR)
    assert made_up.shape == (480, 640, 3)
    assert np.abs(made_up.astype(int) - face_frame().astype(int)).mean() > 0.1
    assert body["skin_tone"]["category"] and body["skin_tone"]["undertone"] in ("warm", "neutral", "cool")
    assert {"lip", "eye", "cheek", "liner", "brow"} <= set(body["recommendations"])
    assert all(r["sku"].startswith("LIP-") for r in body["recommendations"]["lip"])
    tone = body["skin_tone"]
    assert tone["undertone_label"]["en"] == tone["undertone"] and tone["category_label"]["zh"]
    reason = body["recommendations"]["lip"][0]["reason"]
    assert reason["zh"].startswith(tone["category_label"]["zh"] + "肤色")
    assert f"{tone['undertone']} undertone" in reason["en"]


def test_skin_analysis_matches_foundation_and_concealer_to_the_skin(client, face_jpeg):
    body = _post(client, face_jpeg).get_json()
    tone, picks = body["skin_tone"], body["recommendations"]
    skin = tone["category_label"]
    for kind, prefix in (("foundation", "FDN-"), ("concealer", "CNC-")):
        assert len(picks[kind]) == 3 and all(p["sku"].startswith(prefix) for p in picks[kind])
        scores = [p["score"] for p in picks[kind]]
        assert scores == sorted(scores)  # best match first
    foundation, concealer = picks["foundation"][0]["reason"], picks["concealer"][0]["reason"]
    assert foundation["zh"] == f"与您的{skin['zh']}肤色、{tone['undertone_label']['zh']}最接近，上脸自然贴肤"
    assert foundation["en"].startswith(f"closest to your {skin['en']} skin and {tone['undertone']} undertone")
    assert concealer["zh"].startswith(f"比您的{skin['zh']}肤色略亮") and "lighter" in concealer["en"]
    assert picks["lip"][0]["reason"] != foundation  # colour products keep their undertone reason


def test_presets_render(client, face_jpeg):
    presets = client.get("/api/v1/tryon/looks").get_json()["looks"]
    assert [p["key"] for p in presets] == [p["key"] for p in PRESETS]
    party = next(p for p in presets if p["key"] == "party")
    assert party["name"] == {"zh": "派对妆", "en": "Party"} and party["smoothing"] == 0
    assert _post(client, face_jpeg, {"preset": "party"}).status_code == 200


def test_a_base_makeup_preset_renders_its_foundation_and_smoothing(client, face_jpeg):
    presets = client.get("/api/v1/tryon/looks").get_json()["looks"]
    base = next(p for p in presets if {"foundation", "concealer"} <= {i["product"]["product_type"] for i in p["items"]})
    assert 0 < base["smoothing"] <= 1
    assert {i["lashes"] for i in base["items"] if i["product"]["product_type"] == "mascara"} <= set(MASCARA_STYLES)
    made_up = _post(client, face_jpeg, {"preset": base["key"]})
    assert made_up.status_code == 200 and made_up.get_json()["faces"] == 1
    plain = _post(client, face_jpeg, {"preset": base["key"], "smoothing": 0})
    assert made_up.get_json()["image"] != plain.get_json()["image"]  # the smoothing shows on the photo


@pytest.mark.parametrize(
    "image, status, code",
    [
        (b"garbage bytes, not a picture", 400, "invalid_image"),
        (None, 400, "invalid_image"),  # truncated JPEG, filled in below
        (b"\xff\xd8" + b"\x00" * (11 * 1024 * 1024), 413, "image_too_large"),
    ],
)
def test_bad_images(client, face_jpeg, image, status, code):
    _error(_post(client, image if image is not None else face_jpeg[: len(face_jpeg) // 2]), status, code)


def test_huge_dimensions_and_no_face(client):
    buffer = io.BytesIO()
    Image.new("RGB", (5000, 20), "white").save(buffer, "PNG")
    _error(_post(client, buffer.getvalue()), 413, "image_too_large")
    blank = encode_jpeg(np.full((480, 640, 3), 200, np.uint8))
    message = _error(_post(client, blank, headers={"Accept-Language": "en"}), 422, "no_face")
    assert "No face" in message
    assert "没有找到人脸" in _error(_post(client, blank), 422, "no_face")


@pytest.mark.parametrize(
    "look, status, code",
    [
        (None, 400, "missing_field"),
        ("{not json", 400, "invalid_field"),
        ({"items": [{"sku": "NOPE"}]}, 404, "product_not_found"),
        ({"items": [{"sku": "FUR-OSLO-3S"}]}, 404, "product_not_found"),
        ({"items": [{"sku": "LIP-101", "intensity": 3}]}, 400, "invalid_field"),
        ({"items": "LIP-101"}, 400, "invalid_field"),
        ({"preset": "clown"}, 400, "invalid_field"),
        ({"items": [], "scene": "moonlight"}, 400, "invalid_field"),
        ([1, 2], 400, "invalid_field"),
        ({"items": [{"sku": "MSC-801", "lashes": "spider"}]}, 400, "invalid_field"),
        ({"items": [], "smoothing": 1.01}, 400, "invalid_field"),
        ({"items": [], "smoothing": "0.5"}, 400, "invalid_field"),
    ],
)
def test_bad_looks(client, face_jpeg, look, status, code):
    _error(_post(client, face_jpeg, look), status, code)


@pytest.mark.parametrize(
    "look, field, zh, en",
    [
        (
            {"items": [{"sku": "MSC-801", "lashes": "spider"}]},
            "look.lashes",
            f"应为以下之一：{', '.join(MASCARA_STYLES)}。",
            f"expected one of: {', '.join(MASCARA_STYLES)}.",
        ),
        (
            {"preset": "party", "smoothing": -1},
            "look.smoothing",
            "应为 0 到 1 之间的数。",
            "expected a number from 0 to 1.",
        ),
    ],
)
def test_bad_lashes_and_smoothing_say_what_they_take(client, face_jpeg, look, field, zh, en):
    assert _error(_post(client, face_jpeg, look), 400, "invalid_field") == f"字段 {field} 的值无效：{zh}"
    english = _error(_post(client, face_jpeg, look, {"Accept-Language": "en"}), 400, "invalid_field")
    assert english == f"Invalid value for {field}: {en}"


def test_a_saved_look_keeps_smoothing_and_lash_styles(client, member):
    items = [{"sku": "MSC-802", "intensity": 0.8, "lashes": "length"}, {"sku": "FDN-602", "intensity": 0.6}]
    saved = client.post("/api/v1/looks", json={"items": items, "smoothing": 0.45, "consent": True}, headers=member)
    assert saved.status_code == 201
    code = saved.get_json()["look"]["share_code"]
    for shown in (
        client.get(f"/api/v1/looks/{code}").get_json(),
        client.get("/api/v1/looks", headers=member).get_json()["looks"][0],
    ):
        assert shown["smoothing"] == 0.45
        assert [(i["sku"], i["lashes"]) for i in shown["items"]] == [("MSC-802", "length"), ("FDN-602", "natural")]


@pytest.mark.parametrize(
    "body, field, en",
    [
        ({"smoothing": 5}, "smoothing", "expected a number from 0 to 1."),
        ({"items": [{"sku": "MSC-801", "lashes": "spider"}]}, "items.0.lashes", "expected one of: natural"),
    ],
)
def test_saving_refuses_bad_lashes_and_smoothing(client, member, body, field, en):
    look = {**LOOK, "consent": True, **body}
    message = _error(
        client.post("/api/v1/looks", json=look, headers={**member, "Accept-Language": "en"}), 400, "invalid_field"
    )
    assert message.startswith(f"Invalid value for {field}: {en}")
    assert "的值无效" in _error(client.post("/api/v1/looks", json=look, headers=member), 400, "invalid_field")
    assert client.get("/api/v1/looks", headers=member).get_json()["looks"] == []


def test_missing_image(client):
    _error(client.post("/api/v1/tryon/makeup", data={"look": json.dumps(LOOK)}), 400, "missing_field")


def test_saving_needs_consent_and_deletion_erases(client, member):
    body = {**LOOK, "skin_tone": {"ita": 45.0, "category": "light", "undertone": "warm"}}
    _error(client.post("/api/v1/looks", json=body, headers=member), 422, "consent_required")
    _error(client.post("/api/v1/looks", json={**body, "consent": "yes"}, headers=member), 422, "consent_required")
    assert client.post("/api/v1/looks", json={**body, "consent": True}, headers=member).status_code == 201
    again = client.post("/api/v1/looks", json={"items": [{"sku": "LIP-110"}], "consent": True}, headers=member)
    assert again.status_code == 201 and "member_token" not in again.get_json()
    mine = client.get("/api/v1/looks", headers=member).get_json()
    assert len(mine["looks"]) == 2 and mine["skin_analyses"][0]["category"] == "light"
    deleted = client.delete("/api/v1/privacy/me", headers=member).get_json()
    assert (deleted["deleted_looks"], deleted["deleted_skin_analyses"]) == (2, 1)
    _error(client.get("/api/v1/looks", headers=member), 401, "sign_in_required")


def test_privacy_endpoints_need_a_signed_in_member(client, member):
    _error(client.delete("/api/v1/privacy/me"), 401, "sign_in_required")
    _error(client.delete("/api/v1/privacy/me", headers={"X-Member-Token": "guess"}), 401, "sign_in_required")
    _error(
        client.post("/api/v1/looks", json={**LOOK, "consent": True, "phone": "13800138000"}), 401, "sign_in_required"
    )
    _error(client.post("/api/v1/looks", json={"items": [], "consent": True}, headers=member), 400, "invalid_field")
    _error(
        client.post("/api/v1/looks", json={**LOOK, "consent": True, "skin_tone": {"ita": "pale"}}, headers=member),
        400,
        "invalid_field",
    )


def test_makeup_page_asks_consent_first(client):
    page = client.get("/makeup").get_data(as_text=True)
    assert 'id="consent"' in page and "不会被保存" in page and "删除我的数据" in page
    english = client.get("/makeup?lang=en&kiosk=1").get_data(as_text=True)
    assert "never stored" in english and 'class="kiosk"' in english


# --- WebSocket ----------------------------------------------------------------------------


@pytest.fixture
def server(app):
    httpd = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"ws://127.0.0.1:{httpd.server_port}"
    httpd.shutdown()


def _frame_reply(ws):
    meta = json.loads(ws.receive(timeout=10))
    if meta["type"] == "error":
        return meta, None
    return meta, ws.receive(timeout=10)


def test_stream_returns_made_up_frames(server, face_jpeg):
    ws = Client.connect(f"{server}/makeup/stream?lang=en")
    try:
        ws.send(json.dumps({"type": "look", "look": LOOK}))
        for _ in range(3):
            ws.send(face_jpeg)
            meta, jpeg = _frame_reply(ws)
            assert meta["type"] == "frame" and meta["faces"] == 1
            image = cv2.imdecode(np.frombuffer(jpeg, np.uint8), cv2.IMREAD_COLOR)
            assert image.shape == (480, 640, 3)
    finally:
        ws.close()


def test_stream_reports_bad_input_and_keeps_going(server, face_jpeg):
    ws = Client.connect(f"{server}/makeup/stream?lang=en")
    try:
        ws.send(b"not a jpeg at all")
        meta, _ = _frame_reply(ws)
        assert meta["error"]["code"] == "invalid_image"
        ws.send(face_jpeg[:2000])
        assert _frame_reply(ws)[0]["error"]["code"] == "invalid_image"
        ws.send(json.dumps({"type": "look", "look": {"items": [{"sku": "LIP-999"}]}}))
        assert json.loads(ws.receive(timeout=10))["error"]["code"] == "product_not_found"
        ws.send("{broken json")
        assert json.loads(ws.receive(timeout=10))["error"]["code"] == "invalid_json"
        ws.send(json.dumps({"type": "dance"}))
        assert json.loads(ws.receive(timeout=10))["error"]["code"] == "invalid_field"
        ws.send(face_jpeg)  # still serving
        meta, jpeg = _frame_reply(ws)
        assert meta["type"] == "frame" and jpeg
    finally:
        ws.close()


def test_stream_drops_frames_instead_of_queueing(server, face_jpeg):
    ws = Client.connect(f"{server}/makeup/stream")
    try:
        for _ in range(8):  # a burst, faster than the server renders
            ws.send(face_jpeg)
        replies, dropped = 0, 0
        while replies + dropped < 8:
            meta, _ = _frame_reply(ws)
            replies += 1
            dropped += meta["dropped"]
        assert dropped >= 1 and replies < 8
    finally:
        ws.close()
