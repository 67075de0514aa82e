"""Furniture speed: catalog GLB generation, vendor import per model, whole-room scene export, fit
check by item count, what-fits.

Target: fit check of a 30-item plan <= 50 ms. Prints how the check grows with item count
(pairwise overlap and walkway tests make it quadratic), the import time of ten vendor-like models
(standard units, catalog-tool units, Z-up, a 650k-face one) and the export of a 30-item room as
one GLB.

    .venv/bin/python bench/furniture_bench.py
"""

from __future__ import annotations

import json
import random
import sys
import tempfile
import time
from pathlib import Path

import trimesh

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from timing import median_ms  # noqa: E402

from tryon import floorplan, model_import, parametric  # noqa: E402
from webapp.store import Database, furniture_catalog, migrate, room_plans, seed  # noqa: E402


def random_plan(count: int, rng: random.Random, products: list[dict]) -> tuple[dict, list[dict]]:
    side = max(4.0, (count * 2.5) ** 0.5)  # about 2.5 m² of floor per item
    room = {"width": side, "depth": side, "height": 2.8, "doors": [{"wall": "north", "offset": 0.3, "width": 0.9}]}
    items = [
        {
            "id": f"i{i}",
            "sku": rng.choice(products)["sku"],
            "x": rng.uniform(0.5, side - 0.5),
            "z": rng.uniform(0.5, side - 0.5),
            "rotation": rng.choice([0, 90, 180, 270, 45]),
        }
        for i in range(count)
    ]
    return room, items


def vendor_models(products: list[dict], specs: dict) -> list[tuple[str, bytes, str, tuple[float, float, float]]]:
    """Ten models the way furniture brands export them: (label, bytes, type, declared w, d, h in m)."""
    odd_units = [("m", 1.0, "glb"), ("cm", 100.0, "obj"), ("mm", 1000.0, "stl"), ("inch", 1 / 0.0254, "ply")]
    odd_units += [("tool unit 37.1", 37.1, "obj"), ("tool unit 0.42", 0.42, "stl"), ("tool unit 250", 250.0, "glb")]
    models = []
    for (label, scale, file_type), product in zip(odd_units, products, strict=False):
        spec = specs[product["sku"]]
        params = {k: v for k, v in spec.items() if k != "kind"}
        size = (product["width_m"], product["depth_m"], product["height_m"])
        scene = parametric.build(spec["kind"], *size, product["variants"][0]["color_hex"], **params)
        scene.apply_scale(scale)
        data = (
            scene.export(file_type=file_type) if file_type == "glb" else scene.to_geometry().export(file_type=file_type)
        )
        models.append(
            (f"{product['sku']} ({label})", data.encode() if isinstance(data, str) else data, file_type, size)
        )
    z_up = parametric.build("wardrobe", 1.8, 0.6, 2.1, "#8A6F55").to_geometry()
    z_up.apply_transform(trimesh.transformations.rotation_matrix(1.5708, [1, 0, 0]))
    z_up.apply_scale(1000)
    models.append(("wardrobe (mm, Z-up)", z_up.export(file_type="stl"), "stl", (1.8, 0.6, 2.1)))
    sphere = trimesh.creation.icosphere(subdivisions=7)  # 327,680 faces
    big = trimesh.util.concatenate([sphere, sphere.copy().apply_translation([0, 0, 0.01])])
    big.apply_scale([1100, 410, 460])  # a 2.2 m sofa-sized blob, exported in millimetres
    models.append(("blob (mm, 655k faces)", big.export(file_type="ply"), "ply", (2.2, 0.92, 0.82)))
    models.append(("scan (cm, 1.3M faces)", _dense(), "ply", (2.0, 2.0, 2.0)))
    return models[:10]


def _dense() -> bytes:
    sphere = trimesh.creation.icosphere(subdivisions=8)
    sphere.apply_scale(100)
    return sphere.export(file_type="ply")


def main() -> None:
    rng = random.Random(11)
    products = [p for p in json.loads((ROOT / "assets/seed/products.json").read_text()) if p["category"] == "furniture"]
    specs = json.loads((ROOT / "assets/models/parametric.json").read_text())

    print("GLB generation per catalog item (median of 10, first variant)")
    for product in products:
        spec = specs[product["sku"]]
        params = {k: v for k, v in spec.items() if k != "kind"}
        ms = median_ms(
            lambda: parametric.to_glb(
                parametric.build(
                    spec["kind"],
                    product["width_m"],
                    product["depth_m"],
                    product["height_m"],
                    product["variants"][0]["color_hex"],
                    **params,
                )
            ),
            10,
        )
        print(f"  {product['sku']:16s} {ms:6.1f} ms")

    print("\nvendor import per model (one run each)")
    print("  model                         faces in -> out        kB in -> out    ms   what was done")
    for label, data, file_type, size in vendor_models(products, specs):
        start = time.perf_counter()
        glb, report = model_import.import_model(data, file_type, *size)
        ms = (time.perf_counter() - start) * 1000
        done = f"read as {report.unit}" if report.unit else f"scaled x{report.scale:.4g}"
        print(
            f"  {label:28s} {report.faces_in:>9,} -> {report.faces_out:<9,} {len(data) // 1024:>7,} -> "
            f"{len(glb) // 1024:<7,} {ms:6.0f}   {done}{', Z-up' if report.z_up else ''}, "
            f"off {report.deviation_m * 100:.1f} cm on {report.deviation_axis}"
        )

    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{Path(tmp) / 'bench.db'}"
        migrate.upgrade(url)
        db = Database(url)
        with db.session() as session:
            seed.seed(session, ROOT / "assets" / "seed")
            print("\nfit check (median of 20)          geometry only   with catalog + quote")
            for count in (5, 30, room_plans.MAX_ITEMS):
                room, items = random_plan(count, rng, products)
                parsed = room_plans.parse_room(room)
                placed = [
                    floorplan.Item(i["id"], p["width_m"], p["depth_m"], p["height_m"], i["x"], i["z"], i["rotation"])
                    for i in items
                    for p in products
                    if p["sku"] == i["sku"]
                ]
                geometry = median_ms(lambda: floorplan.check(parsed, placed), 20)
                service = median_ms(lambda: room_plans.check_plan(session, {"room": room, "items": items}), 20)
                print(f"  {count:3d} items                        {geometry:8.2f} ms      {service:8.2f} ms")
            with tempfile.TemporaryDirectory() as models:
                furniture_catalog.build_catalog_models(session, ROOT / "assets/models/parametric.json", Path(models))
                room, items = random_plan(30, rng, products)
                code = room_plans.save_plan(session, {"room": room, "items": items})["code"]
                for walls in (False, True):
                    glb = room_plans.plan_scene(session, code, Path(models), walls)
                    ms = median_ms(lambda w=walls: room_plans.plan_scene(session, code, Path(models), w), 5)
                    print(
                        f"\nwhole-room scene, 30 items{' with walls' if walls else ''}: {ms:.0f} ms "
                        f"(median of 5), {len(glb) // 1024:,} kB GLB"
                    )
            ms = median_ms(lambda: furniture_catalog.what_fits(session, 1.2, 2.4, origin={"store_code": "jingan"}), 20)
            print(f"\nwhat fits 1.2 x 2.4 m over the catalog, with stock near a store: {ms:.2f} ms")
        db.dispose()


if __name__ == "__main__":
    main()
