import io

import numpy as np
import pytest
import trimesh

from webapp.store import furniture_catalog, room_plans

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


def test_vendor_import_writes_every_variant(session, tmp_path):
    box = trimesh.creation.box(extents=[880, 800, 860])  # an armchair exported in millimetres
    report = furniture_catalog.import_vendor_model(session, "FUR-OSLO-AC", box.export(file_type="stl"), "stl", tmp_path)
    assert report["unit"] == "mm" and len(report["files"]) == 4  # 3 variants + the default file
    loaded = trimesh.load(io.BytesIO((tmp_path / "fur-oslo-ac.glb").read_bytes()), file_type="glb")
    assert np.allclose(loaded.extents, [0.88, 0.8, 0.86], atol=0.01)
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
