"""Furniture over HTTP: catalog with model URLs, rooms (dimensions or scan), plans, fits."""

import io

import numpy as np
import trimesh

from ..conftest import PUBLIC_URL
from ..staff_session import add_staff, signed_in
from ..store.test_furniture import vendor_files, zipped
from ..tryon.test_scan import synthetic_room

ROOM = {"width": 4.0, "depth": 3.5, "height": 2.7}


def _error(response, status, code):
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.get_json()["error"]["code"] == code


def test_catalog_lists_models_per_variant_and_serves_them(client):
    items = client.get("/api/v1/furniture").get_json()["items"]
    assert len(items) >= 8
    sofa = next(i for i in items if i["sku"] == "FUR-OSLO-3S")
    assert sofa["model_url"] == "/furniture/models/fur-oslo-3s.glb"
    assert [v["model_url"] for v in sofa["variants"]][1] == "/furniture/models/fur-oslo-3s--slate.glb"
    glb = client.get(sofa["variants"][1]["model_url"])
    assert glb.status_code == 200 and glb.mimetype == "model/gltf-binary"
    scene = trimesh.load(io.BytesIO(glb.data), file_type="glb")
    assert abs(scene.extents[0] - 2.2) < 0.01
    assert client.get("/furniture/models/nothing.glb").status_code == 404
    _error(client.get("/api/v1/furniture/LIP-101"), 404, "product_not_found")


def test_rooms_from_dimensions_and_from_a_scan(client):
    room = client.post("/api/v1/rooms", json={**ROOM, "doors": [{"wall": "west", "offset": 1, "width": 0.8}]})
    assert room.status_code == 200 and room.get_json()["doors"][0]["wall"] == "west"
    scan = synthetic_room().export(file_type="ply")
    scanned = client.post("/api/v1/rooms", data={"scan": (io.BytesIO(scan), "living-room.ply")}).get_json()
    assert abs(max(scanned["width"], scanned["depth"]) - 4.0) < 0.1 and abs(scanned["height"] - 2.6) < 0.06
    _error(client.post("/api/v1/rooms", data={"scan": (io.BytesIO(b"not a mesh"), "room.ply")}), 400, "invalid_model")
    _error(client.post("/api/v1/rooms", data={"scan": (io.BytesIO(b"x"), "room.fbx")}), 400, "unsupported_model_format")
    flat = trimesh.Trimesh(vertices=[[0, 0, 0], [1, 0, 0], [0, 0, 1]], faces=[[0, 2, 1]]).export(file_type="ply")
    _error(client.post("/api/v1/rooms", data={"scan": (io.BytesIO(flat), "room.ply")}), 422, "invalid_scan")
    _error(client.post("/api/v1/rooms", data="{", content_type="application/json"), 400, "invalid_json")
    _error(client.post("/api/v1/rooms", json={"width": -1, "depth": 3}), 400, "invalid_field")


def test_plan_check_save_and_open(client):
    items = [
        {"id": "a", "sku": "FUR-OSLO-3S", "x": 2.0, "z": 1.5},
        {"id": "b", "sku": "FUR-BERGEN-CT", "x": 2.0, "z": 1.5},
    ]
    checked = client.post(
        "/api/v1/plans/check", json={"room": ROOM, "items": items}, headers={"Accept-Language": "en"}
    ).get_json()
    assert checked["fits"] is False and checked["problems"][0]["code"] == "overlap"
    saved = client.post("/api/v1/plans", json={"room": ROOM, "items": items}, headers={"Host": "evil.example"})
    assert saved.status_code == 201  # the link and QR code still point at the configured site
    body = saved.get_json()
    assert body["share_url"] == f"{PUBLIC_URL}/planner?plan={body['code']}" and body["qr_svg"].lstrip().startswith("<")
    reopened = client.get(f"/api/v1/plans/{body['code']}").get_json()
    assert [i["id"] for i in reopened["items"]] == ["a", "b"] and reopened["fits"] is False
    _error(client.get("/api/v1/plans/PZZZZZZ"), 404, "plan_not_found")
    _error(
        client.post("/api/v1/plans", json={"room": ROOM, "items": [{"sku": "NOPE", "x": 1, "z": 1}]}),
        404,
        "product_not_found",
    )


def test_what_fits_endpoint(client):
    found = client.get("/api/v1/furniture/fits?width=1.0&depth=2.4&store=jingan").get_json()["items"]
    assert {"FUR-OSLO-3S", "FUR-FJORD-DT"} <= {i["sku"] for i in found}
    assert all(i["stock"] is not None and i["model_url"] for i in found)
    _error(client.get("/api/v1/furniture/fits?width=1.0"), 400, "missing_field")
    _error(client.get("/api/v1/furniture/fits?width=abc&depth=2"), 400, "invalid_field")


def test_pages_render(client):
    viewer = client.get("/furniture/FUR-OSLO-3S").get_data(as_text=True)
    assert 'ar-modes="webxr scene-viewer quick-look"' in viewer and 'ar-scale="fixed"' in viewer
    assert "/static/vendor/model-viewer.min.js" in viewer and "宽 220 厘米" in viewer
    assert client.get("/furniture/NOPE").status_code == 404
    planner = client.get("/planner?lang=en&kiosk=1").get_data(as_text=True)
    assert "Room planner" in planner and 'class="kiosk"' in planner


def test_cli_builds_and_imports_models(app, tmp_path):
    runner = app.test_cli_runner()
    app.config["MODELS_DIR"] = str(tmp_path / "models")
    built = runner.invoke(args=["build-models"])
    assert built.exit_code == 0 and "Built 33 model files" in built.output
    vendor = tmp_path / "chair.obj"
    vendor.write_text(trimesh.creation.box(extents=[46, 80, 52]).export(file_type="obj"))  # centimetres
    imported = runner.invoke(args=["import-model", "FUR-FJORD-CH", str(vendor)])
    assert imported.exit_code == 0 and "read as cm" in imported.output
    broken = tmp_path / "broken.stl"
    broken.write_bytes(b"solid x\nendsolid x\n")
    failed = runner.invoke(args=["import-model", "FUR-FJORD-CH", str(broken)])
    assert failed.exit_code == 1 and "no faces" in failed.output


def test_staff_import_vendor_models_from_an_archive(app, client, tmp_path):
    app.config["MODELS_DIR"] = str(tmp_path / "models")
    upload = lambda: {"archive": (io.BytesIO(zipped(vendor_files())), "vendor.zip")}  # noqa: E731
    assert client.post("/api/v1/furniture/imports", data=upload()).status_code == 401
    add_staff(app, "li.na")
    staff = signed_in(client, "li.na")
    response = client.post("/api/v1/furniture/imports?lang=en", data=upload(), headers=staff)
    assert response.status_code == 200, response.get_data(as_text=True)
    report = response.get_json()
    assert (report["imported"], report["scaled"], report["refused"]) == (1, 1, 3)
    assert [r["status"] for r in report["rows"]] == ["imported", "scaled", "refused", "refused", "refused"]
    sofa = client.get("/api/v1/furniture/VEN-SOFA-1").get_json()
    assert [v["id"] for v in sofa["variants"]] == ["grey-linen", "green-velvet"]
    served = client.get(sofa["variants"][1]["model_url"])
    assert served.status_code == 200 and served.mimetype == "model/gltf-binary"
    _error(
        client.post("/api/v1/furniture/imports", data={"archive": (io.BytesIO(b"no"), "x.zip")}, headers=staff),
        400,
        "invalid_archive",
    )
    _error(client.post("/api/v1/furniture/imports", data={}, headers=staff), 400, "missing_field")


def test_the_whole_room_as_one_scene_by_share_code(client):
    plan = {"room": ROOM, "items": [{"sku": "FUR-OSLO-3S", "variant": "moss", "x": 2.0, "z": 3.0, "rotation": 180}]}
    code = client.post("/api/v1/plans", json=plan).get_json()["code"]
    glb = client.get(f"/api/v1/plans/{code}/scene.glb?walls=true")
    assert glb.status_code == 200 and glb.mimetype == "model/gltf-binary"
    scene = trimesh.load_scene(io.BytesIO(glb.data), file_type="glb")
    assert np.allclose(scene.extents, [ROOM["width"], ROOM["height"], ROOM["depth"]], atol=1e-3)
    page = client.get(f"/room/{code}?lang=en").get_data(as_text=True)
    assert f"/api/v1/plans/{code}/scene.glb" in page and 'ar-modes="webxr scene-viewer quick-look"' in page
    assert 'ar-scale="fixed"' in page and "The whole room in AR" in page
    _error(client.get("/api/v1/plans/PNOPE/scene.glb"), 404, "plan_not_found")
    assert client.get("/room/PNOPE").status_code == 404


def test_cli_imports_a_vendor_folder_with_a_report(app, tmp_path):
    folder = tmp_path / "vendor"
    for name, data in vendor_files().items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_bytes(data)
    app.config["MODELS_DIR"] = str(tmp_path / "models")
    result = app.test_cli_runner().invoke(args=["furniture", "import", str(folder), "--lang", "en"])
    assert result.exit_code == 1  # some rows were refused
    lines = result.output.splitlines()
    assert "imported" in lines[1] and "VEN-SOFA-1" in lines[1] and "read as cm" in lines[1]
    assert "scaled" in lines[2] and "scaled ×0.027" in lines[2]
    assert "refused" in lines[3] and "200 × 50 × 90" in lines[3]
    assert lines[-1] == "1 imported, 1 scaled, 3 refused"
