import io
import json
import zipfile

import numpy as np
import pytest
import trimesh
from PIL import Image
from trimesh.exchange.obj import export_obj

from webapp.store import furniture_catalog, furniture_import, room_plans

from .helpers import fails

ROOM = {"width": 4.2, "depth": 3.6, "height": 2.8, "doors": [{"wall": "north", "offset": 0.2, "width": 0.9}]}
SOFA_AGAINST_SOUTH = {
    "id": "sofa",
    "sku": "FUR-OSLO-3S",
    "variant": "slate",
    "x": 2.1,
    "z": 3.6 - 0.46,
    "rotation": 180,
}


def test_a_good_plan_fits_and_is_quoted(session):
    result = room_plans.check_plan(session, {"room": ROOM, "items": [SOFA_AGAINST_SOUTH], "store": "jingan"})
    assert result["fits"] is True and result["problems"] == []
    line = result["quote"]["lines"][0]
    assert (line["sku"], line["variant"], line["quantity"], line["subtotal"]) == ("FUR-OSLO-3S", "slate", 1, 5999.0)
    assert result["quote"]["delivery_fee"] == 0 and result["quote"]["total"] == 5999.0
    assert line["stock"] is not None and "送货" in result["quote"]["delivery_note"]["zh"]


def test_problems_are_named_in_both_languages(session):
    wardrobe = {"id": "wardrobe", "sku": "FUR-TROMSO-WR", "x": 0.95, "z": 0.35}
    table = {"id": "table", "sku": "FUR-BERGEN-CT", "x": 2.1, "z": 2.9}
    result = room_plans.check_plan(session, {"room": ROOM, "items": [SOFA_AGAINST_SOUTH, wardrobe, table]})
    assert result["fits"] is False
    by_code = {p["code"]: p for p in result["problems"]}
    assert by_code["door_swing"]["items"] == ["wardrobe"]
    assert "挡住了门" in by_code["door_swing"]["message"]["zh"]
    assert by_code["overlap"]["items"] == ["sofa", "table"]
    assert by_code["overlap"]["message"]["en"] == (
        f"Oslo 3-seat sofa / Bergen coffee table overlap by {round(by_code['overlap']['distance_m'] * 100)} cm."
    )


def test_quote_counts_repeats_and_charges_small_orders(session):
    chairs = [{"sku": "FUR-FJORD-CH", "x": 1 + i, "z": 1.5} for i in range(2)]
    quote = room_plans.check_plan(session, {"room": ROOM, "items": chairs})["quote"]
    assert [(line["quantity"], line["subtotal"]) for line in quote["lines"]] == [(2, 1398.0)]
    assert quote["delivery_fee"] == 199 and quote["total"] == 1597.0
    assert quote["lines"][0]["stock"] is None  # no store or position given


def test_what_fits_a_free_rectangle(session):
    found = furniture_catalog.what_fits(session, 1.0, 2.4, origin={"store_code": "jingan"})
    skus = {i["sku"]: i for i in found}
    assert "FUR-OSLO-3S" in skus and skus["FUR-OSLO-3S"]["rotation"] == 90.0  # turned, 0.92 x 2.2 fits
    assert skus["FUR-FJORD-DT"]["rotation"] == 90.0
    assert "FUR-NORD-BED" not in skus  # 1.94 x 2.14 m is too wide either way
    assert "FUR-DUNE-RUG" not in skus  # 3 x 2 m does not fit
    assert all(len(i["variants"]) >= 1 and i["stock"] is not None for i in found)
    low = furniture_catalog.what_fits(session, 2.0, 2.0, height=1.0)
    assert all(i["dimensions_m"]["height"] <= 1.0 for i in low)


def test_plans_are_saved_and_reopened_by_code(session):
    saved = room_plans.save_plan(session, {"room": ROOM, "items": [SOFA_AGAINST_SOUTH]})
    assert saved["code"].startswith("P") and len(saved["code"]) == 7
    reopened = room_plans.get_plan(session, saved["code"].lower())
    assert reopened["items"][0]["sku"] == "FUR-OSLO-3S" and reopened["fits"] is True
    fails("plan_not_found", 404, room_plans.get_plan, session, "PNOPE99")


@pytest.mark.parametrize(
    "body, code",
    [
        ({"room": {"width": 0.1, "depth": 3}}, "invalid_field"),
        ({"room": {"width": 4}}, "missing_field"),
        ({"room": "big"}, "invalid_field"),
        ({"room": {**ROOM, "doors": [{"wall": "ceiling", "offset": 0, "width": 0.9}]}}, "invalid_field"),
        ({"room": ROOM, "items": [{"sku": "FUR-OSLO-3S", "x": "left", "z": 1}]}, "invalid_field"),
        ({"room": ROOM, "items": [{"sku": "FUR-OSLO-3S", "variant": "gold", "x": 1, "z": 1}]}, "invalid_field"),
        ({"room": ROOM, "items": "sofa"}, "invalid_field"),
        ({"room": ROOM, "walkway": 9}, "invalid_field"),
    ],
)
def test_bad_plans_are_refused(session, body, code):
    fails(code, 400, room_plans.check_plan, session, body)


def test_lipstick_is_not_furniture(session):
    fails(
        "product_not_found",
        404,
        room_plans.check_plan,
        session,
        {"room": ROOM, "items": [{"sku": "LIP-101", "x": 1, "z": 1}]},
    )


def _colours(path) -> set[tuple[int, int, int]]:
    scene = trimesh.load_scene(io.BytesIO(path.read_bytes()), file_type="glb")
    return {tuple(int(c) for c in g.visual.material.baseColorFactor[:3]) for g in scene.geometry.values()}


def test_vendor_import_writes_every_variant_in_its_colour(session, tmp_path):
    box = trimesh.creation.box(extents=[880, 800, 860])  # an armchair exported in millimetres
    report = furniture_catalog.import_vendor_model(session, "FUR-OSLO-AC", box.export(file_type="stl"), "stl", tmp_path)
    assert report["unit"] == "mm" and len(report["files"]) == 4  # 3 variants + the default file
    assert report["note"]["en"].startswith("read as mm")
    loaded = trimesh.load(io.BytesIO((tmp_path / "fur-oslo-ac.glb").read_bytes()), file_type="glb")
    assert np.allclose(loaded.extents, [0.88, 0.8, 0.86], atol=0.01)
    variants = {v["id"]: v["color_hex"] for v in furniture_catalog.get_furniture(session, "FUR-OSLO-AC")["variants"]}
    for variant, colour in variants.items():  # each variant's file is that variant, not one shared model
        wanted = tuple(int(colour[i : i + 2], 16) for i in (1, 3, 5))
        assert _colours(tmp_path / furniture_catalog.model_name("FUR-OSLO-AC", variant)) == {wanted}
    fails(
        "model_size_mismatch",
        422,
        furniture_catalog.import_vendor_model,
        session,
        "FUR-OSLO-AC",
        trimesh.creation.box(extents=[5, 5, 5]).export(file_type="stl"),
        "stl",
        tmp_path,
    )
    fails("invalid_model", 400, furniture_catalog.import_vendor_model, session, "FUR-OSLO-AC", b"junk", "glb", tmp_path)


def vendor_files() -> dict[str, bytes]:
    """A vendor's catalog export: a manifest and models in centimetres, in an odd unit, of the wrong
    shape, broken, and one the manifest names but is missing."""
    sofa = trimesh.creation.box(extents=[180, 85, 90])  # centimetres, with a fabric texture
    sofa.visual = trimesh.visual.TextureVisuals(
        uv=np.random.default_rng(2).random((len(sofa.vertices), 2)),
        material=trimesh.visual.material.SimpleMaterial(
            name="Fabric", image=Image.new("RGB", (32, 32), (190, 170, 140))
        ),
    )
    obj, side_files = export_obj(sofa, include_texture=True, return_texture=True, mtl_name="sofa.mtl")
    odd = trimesh.creation.box(extents=[120 * 0.37, 75 * 0.37, 80 * 0.37])  # a catalog tool's unit: 0.37 per cm
    wrong = trimesh.creation.box(extents=[100, 100, 100])
    manifest = {
        "items": [
            {
                "file": "models/sofa.obj",
                "sku": "VEN-SOFA-1",
                "name_zh": "云朵沙发",
                "name_en": "Cloud sofa",
                "size_cm": [180, 90, 85],
                "price": 4999,
                "variants": [
                    {"id": "grey-linen", "name_zh": "灰色亚麻", "name_en": "Grey linen", "color_hex": "#8A8A8A"},
                    {"id": "green-velvet", "name_zh": "绿色丝绒", "name_en": "Green velvet", "color_hex": "#2F5D3A"},
                ],
            },
            {"file": "desk.ply", "sku": "VEN-DESK-1", "name": "Desk", "size_cm": [120, 80, 75], "price": 999},
            {"file": "cube.stl", "sku": "VEN-CUBE-1", "name": "Cube", "size_cm": [200, 50, 90], "price": 10},
            {"file": "broken.glb", "sku": "VEN-BROKEN", "name": "Broken", "size_cm": [50, 50, 50], "price": 10},
            {"file": "gone.obj", "sku": "VEN-GONE", "name": "Gone", "size_cm": [50, 50, 50], "price": 10},
        ]
    }
    return {
        "manifest.json": json.dumps(manifest).encode(),
        "models/sofa.obj": obj.encode(),
        **{f"models/{name}": data for name, data in side_files.items()},
        "desk.ply": odd.export(file_type="ply"),
        "cube.stl": wrong.export(file_type="stl"),
        "broken.glb": b"glTF not really",
    }


def zipped(files: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def _write(folder, files: dict[str, bytes]):
    for name, data in files.items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_bytes(data)
    return folder


def test_a_vendor_folder_is_imported_scaled_or_refused_row_by_row(session, tmp_path):
    source = furniture_import.folder_source(_write(tmp_path / "vendor", vendor_files()))
    report = furniture_import.import_batch(session, source, tmp_path / "models")
    by_sku = {row["sku"]: row for row in report["rows"]}
    assert (report["imported"], report["scaled"], report["refused"]) == (1, 1, 3)
    sofa, desk = by_sku["VEN-SOFA-1"], by_sku["VEN-DESK-1"]
    assert sofa["status"] == "imported" and sofa["unit"] == "cm" and sofa["faces_out"] == 12
    assert desk["status"] == "scaled" and desk["scale"] == pytest.approx(0.01 / 0.37, rel=1e-4)
    assert desk["note"]["en"].startswith("scaled ×0.027") and "largest deviation 0.0 cm" in desk["note"]["en"]
    assert "统一缩放" in desk["note"]["zh"]
    assert (
        by_sku["VEN-CUBE-1"]["code"] == "model_size_mismatch" and "200 × 50 × 90" in by_sku["VEN-CUBE-1"]["note"]["en"]
    )
    assert by_sku["VEN-BROKEN"]["code"] == "invalid_model" and "GLB" in by_sku["VEN-BROKEN"]["note"]["zh"]
    assert by_sku["VEN-GONE"]["code"] == "import_file_missing"
    # refused rows wrote nothing; taken rows wrote every variant, each in its own colour
    written = sorted(p.name for p in (tmp_path / "models").iterdir())
    assert written == [
        "ven-desk-1--original.glb",
        "ven-desk-1.glb",
        "ven-sofa-1--green-velvet.glb",
        "ven-sofa-1--grey-linen.glb",
        "ven-sofa-1.glb",
    ]
    assert _colours(tmp_path / "models" / "ven-sofa-1--green-velvet.glb") == {(0x2F, 0x5D, 0x3A)}
    assert _colours(tmp_path / "models" / "ven-sofa-1--grey-linen.glb") == {(0x8A, 0x8A, 0x8A)}
    product = furniture_catalog.get_furniture(session, "VEN-SOFA-1")
    assert product["dimensions_m"] == {"width": 1.8, "depth": 0.9, "height": 0.85}
    assert [v["id"] for v in product["variants"]] == ["grey-linen", "green-velvet"]
    fails("product_not_found", 404, furniture_catalog.get_furniture, session, "VEN-CUBE-1")


def test_a_csv_manifest_and_its_refusals(session, tmp_path):
    box = trimesh.creation.box(extents=[46, 80, 52])
    files = {
        "manifest.csv": (
            "file,sku,name_zh,name_en,width_cm,depth_cm,height_cm,variants,price\n"
            "chair.obj,FUR-FJORD-CH,椅,Chair,46,52,80,ash:#C8B090:浅木:Ash|black:#202020:黑:Black,\n"
            "chair.obj,VEN-NEW-1,新,New,46,52,80,,\n"
            "chair.obj,LIP-101,口红,Lipstick,46,52,80,,5\n"
            "chair.obj,VEN-BAD-1,坏,Bad,46,52,eighty,,5\n"
            "chair.obj,VEN-MAT-1,材,Mat,46,52,80,red:#AA0000:红:Red:Leather,5\n"
        ).encode(),
        "chair.obj": box.export(file_type="obj").encode(),
    }
    report = furniture_import.import_batch(
        session, furniture_import.folder_source(_write(tmp_path / "v", files)), tmp_path / "m"
    )
    codes = [row.get("code", row["status"]) for row in report["rows"]]
    assert codes == ["imported", "import_needs_price", "not_furniture", "invalid_field", "unknown_material"]
    chair = furniture_catalog.get_furniture(session, "FUR-FJORD-CH")
    assert chair["price"] == 699 and [v["id"] for v in chair["variants"]] == ["ash", "black"]


def test_archives_are_read_in_memory_and_never_outside(session, tmp_path):
    read = furniture_import.zip_source(zipped(vendor_files()))
    assert read("models/../manifest.json").startswith(b"{")
    with pytest.raises(KeyError):
        read("../../etc/passwd")
    fails("invalid_archive", 400, furniture_import.zip_source, zipped({"../escape.txt": b"x"}))
    fails("invalid_archive", 400, furniture_import.zip_source, b"not a zip")
    fails("manifest_missing", 400, furniture_import.import_batch, session, lambda name: {}[name], tmp_path)
    fails(
        "invalid_manifest",
        400,
        furniture_import.read_manifest,
        lambda name: b"{" if name == "manifest.json" else {}[name],
    )


def test_a_saved_plan_is_one_scene_the_size_of_the_room(session, models_dir):
    plan = room_plans.save_plan(session, {"room": ROOM, "items": [SOFA_AGAINST_SOUTH]})
    glb = room_plans.plan_scene(session, plan["code"], models_dir, with_walls=True)
    scene = trimesh.load_scene(io.BytesIO(glb), file_type="glb")
    assert np.allclose(scene.extents, [4.2, 2.8, 3.6], atol=1e-3)
    slate = {tuple(int(c) for c in g.visual.material.baseColorFactor[:3]) for g in scene.geometry.values()}
    assert (0x5E, 0x64, 0x6B) in slate  # the plan's "slate" variant
    bare = trimesh.load_scene(io.BytesIO(room_plans.plan_scene(session, plan["code"], models_dir)), file_type="glb")
    assert np.allclose(bare.extents[[0, 2]], [4.2, 3.6], atol=1e-3) and bare.extents[1] == pytest.approx(0.82, abs=0.01)
    fails("plan_not_found", 404, room_plans.plan_scene, session, "PNOPE", models_dir)
