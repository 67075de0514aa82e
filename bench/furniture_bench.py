"""Furniture speed: catalog GLB generation, vendor import, fit check by item count, what-fits.

Target: fit check of a 30-item plan <= 50 ms. Prints how the check grows with item count
(pairwise overlap and walkway tests make it quadratic).

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

    sphere = trimesh.creation.icosphere(subdivisions=7)  # 327,680 faces
    big = trimesh.util.concatenate([sphere, sphere.copy().apply_translation([0, 0, 0.01])])
    big = big.subdivide_to_size(max_edge=big.scale / 900, max_iter=1) if len(big.faces) < 500_000 else big
    big.apply_scale([1100, 410, 460])  # a 2.2 m sofa-sized blob, exported in millimetres
    data = big.export(file_type="ply")
    start = time.perf_counter()
    _, report = model_import.import_model(data, "ply", 2.2, 0.92, 0.82)
    print(
        f"\nimport of a {report.faces_in:,}-face PLY (mm): {(time.perf_counter() - start) * 1000:.0f} ms "
        f"-> {report.faces_out:,} faces, read as {report.unit}"
    )

    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{Path(tmp) / 'bench.db'}"
        migrate.upgrade(url)
        db = Database(url)
        with db.session() as session:
            seed.seed(session, ROOT / "assets" / "seed")
            print("\nfit check (median of 20)          geometry only   with catalog + quote")
            for count in (5, 30, 100):
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
            ms = median_ms(lambda: furniture_catalog.what_fits(session, 1.2, 2.4, origin={"store_code": "jingan"}), 20)
            print(f"\nwhat fits 1.2 x 2.4 m over the catalog, with stock near a store: {ms:.2f} ms")
        db.dispose()


if __name__ == "__main__":
    main()
