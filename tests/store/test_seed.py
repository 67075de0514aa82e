from datetime import date

from sqlalchemy import func, select

from webapp.store import Database, migrate, seed
from webapp.store.models import (
    MAKEUP_TYPES,
    CouponCampaign,
    Inventory,
    Product,
    RepairTicket,
    Store,
    TimeSlot,
)

from ..conftest import SEED_DIR


def _count(session, model, *where):
    return session.scalar(select(func.count()).select_from(model).where(*where))


def test_seed_covers_the_demo_brand(session):
    assert _count(session, Store) >= 8
    assert _count(session, Product, Product.product_type == "lip") >= 24
    for kind in MAKEUP_TYPES:
        assert _count(session, Product, Product.product_type == kind) >= 1
    # base makeup for every skin: foundation shades from very light to deep
    assert _count(session, Product, Product.product_type == "foundation") >= 8
    assert _count(session, Product, Product.category == "furniture") >= 8
    assert _count(session, Inventory) == _count(session, Store) * _count(session, Product)
    assert _count(session, CouponCampaign) == 3
    assert _count(session, RepairTicket) >= 10
    statuses = set(session.scalars(select(RepairTicket.status)))
    assert len(statuses) >= 5
    days = {s.date() for s in session.scalars(select(TimeSlot.starts_at))}
    assert len(days) == 14


def test_seed_data_is_well_formed(session):
    for store in session.scalars(select(Store)):
        # within Shanghai
        assert 30.6 < store.lat < 31.9 and 120.8 < store.lon < 122.2
        assert store.name_zh and store.name_en
    for product in session.scalars(select(Product)):
        if product.category == "makeup":
            assert product.shade_hex.startswith("#") and len(product.shade_hex) == 7
            assert product.finish in ("matte", "satin", "gloss", "shimmer", "metallic")
        else:
            assert 0 < product.width_m < 4 and 0 < product.depth_m < 4 and 0 < product.height_m < 3
            assert product.variants
    assert all(t.id.startswith("R-") and len(t.id) == 7 for t in session.scalars(select(RepairTicket)))


def _snapshot(url):
    db = Database(url)
    with db.session() as session:
        rows = [
            tuple((i.store_id, i.sku, i.quantity, i.updated_at))
            for i in session.scalars(select(Inventory).order_by(Inventory.store_id, Inventory.sku))
        ]
        slots = [
            (s.store_id, s.service_code, s.starts_at) for s in session.scalars(select(TimeSlot).order_by(TimeSlot.id))
        ]
    db.dispose()
    return rows, slots


def test_seeding_is_deterministic(tmp_path):
    urls = []
    for name in ("a", "b"):
        url = f"sqlite:///{tmp_path / name}.db"
        migrate.upgrade(url)
        db = Database(url)
        with db.session() as session:
            seed.seed(session, SEED_DIR, today=date(2026, 6, 1))
            assert seed.is_seeded(session)
        db.dispose()
        urls.append(url)
    assert _snapshot(urls[0]) == _snapshot(urls[1])
