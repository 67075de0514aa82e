"""Nearby-stock latency over a generated chain: 10,000 stores x 2,000 SKUs.

Prints p50/p95 of the service call and of the HTTP endpoint (a real server on loopback).
Target: service p95 <= 20 ms.

    .venv/bin/python bench/api_bench.py [--stores 10000 --skus 2000 --density 0.1]
"""

from __future__ import annotations

import argparse
import logging
import random
import sys
import tempfile
import threading
import time
from datetime import datetime, timedelta
from decimal import Decimal
from pathlib import Path

import requests
from sqlalchemy import insert
from werkzeug.serving import make_server

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from timing import p50_p95  # noqa: E402

from webapp import create_app  # noqa: E402
from webapp.store import Database, migrate, stock  # noqa: E402
from webapp.store.models import Inventory, Product, Store  # noqa: E402

SHANGHAI_BOX = ((30.90, 31.40), (121.10, 121.80))


def generate(url: str, stores: int, skus: int, density: float, rng: random.Random) -> None:
    migrate.upgrade(url)
    db = Database(url)
    now = datetime(2026, 11, 1, 12, 0)
    (lat0, lat1), (lon0, lon1) = SHANGHAI_BOX
    with db.engine.begin() as conn:
        conn.execute(
            insert(Store),
            [
                dict(
                    id=i,
                    code=f"s{i:05d}",
                    name_zh=f"门店{i}",
                    name_en=f"Store {i}",
                    address_zh="",
                    address_en="",
                    district_zh="",
                    district_en="",
                    lat=rng.uniform(lat0, lat1),
                    lon=rng.uniform(lon0, lon1),
                    opens_at="10:00",
                    closes_at="22:00",
                    phone="",
                )
                for i in range(1, stores + 1)
            ],
        )
        conn.execute(
            insert(Product),
            [
                dict(
                    sku=f"SKU-{j:05d}",
                    category="makeup",
                    brand="bench",
                    name_zh=f"商品{j}",
                    name_en=f"Item {j}",
                    price=Decimal("99.00"),
                    product_type="lip",
                    shade_hex="#aa3344",
                    finish="matte",
                    variants=[],
                )
                for j in range(skus)
            ],
        )
        per_store = max(1, int(skus * density))
        batch = []
        for i in range(1, stores + 1):
            for j in rng.sample(range(skus), per_store):
                batch.append(
                    dict(
                        store_id=i,
                        sku=f"SKU-{j:05d}",
                        quantity=rng.randint(0, 30),
                        updated_at=now - timedelta(minutes=rng.randint(0, 3000)),
                    )
                )
            if len(batch) >= 50_000:
                conn.execute(insert(Inventory), batch)
                batch = []
        if batch:
            conn.execute(insert(Inventory), batch)
    db.dispose()


def queries(count: int, skus: int, rng: random.Random) -> list[tuple[str, float, float]]:
    (lat0, lat1), (lon0, lon1) = SHANGHAI_BOX
    return [
        (f"SKU-{rng.randrange(skus):05d}", rng.uniform(lat0 + 0.05, lat1 - 0.05), rng.uniform(lon0 + 0.05, lon1 - 0.05))
        for _ in range(count)
    ]


def time_service(url: str, work: list[tuple[str, float, float]]) -> tuple[list[float], float]:
    db = Database(url)
    timings, found = [], 0
    with db.session() as session:
        for sku, lat, lon in work:
            start = time.perf_counter()
            found += len(stock.nearby_stock(session, sku, lat=lat, lon=lon)["results"])
            timings.append((time.perf_counter() - start) * 1000)
    db.dispose()
    return timings, found / len(work)


def time_http(url: str, work: list[tuple[str, float, float]]) -> list[float]:
    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # no access log per request
    app = create_app({"DATABASE_URL": url, "SECRET_KEY": "bench"})
    server = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_port}/api/v1/stock/nearby"
    timings = []
    with requests.Session() as http:
        for sku, lat, lon in work:
            start = time.perf_counter()
            response = http.get(base, params={"sku": sku, "lat": lat, "lon": lon})
            response.raise_for_status()
            timings.append((time.perf_counter() - start) * 1000)
    server.shutdown()
    return timings


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--stores", type=int, default=10_000)
    parser.add_argument("--skus", type=int, default=2_000)
    parser.add_argument("--density", type=float, default=0.1, help="share of the SKUs each store carries")
    parser.add_argument("--queries", type=int, default=500)
    parser.add_argument("--database-url", help="an empty database to fill (default: a temporary SQLite file)")
    args = parser.parse_args()
    rng = random.Random(7)

    with tempfile.TemporaryDirectory() as tmp:
        url = args.database_url or f"sqlite:///{Path(tmp) / 'bench.db'}"
        start = time.perf_counter()
        generate(url, args.stores, args.skus, args.density, rng)
        rows = int(args.stores * max(1, int(args.skus * args.density)))
        print(
            f"data: {args.stores} stores x {args.skus} SKUs, {rows:,} inventory rows "
            f"({time.perf_counter() - start:.1f} s to generate) on {url.split(':')[0]}"
        )
        work = queries(args.queries, args.skus, rng)
        time_service(url, work[:20])  # warm caches
        service, mean_found = time_service(url, work)
        http = time_http(url, work)
        for name, samples in (("service call", service), ("HTTP endpoint", http)):
            p50, p95 = p50_p95(samples)
            print(f"{name:14s} p50 {p50:6.2f} ms   p95 {p95:6.2f} ms   ({len(samples)} queries)")
        print(f"mean stores returned per query: {mean_found:.1f}")
        print(f"target service p95 <= 20 ms: {'met' if p50_p95(service)[1] <= 20 else 'NOT met'}")


if __name__ == "__main__":
    main()
