import pytest
from sqlalchemy import select, update

from webapp.store import StoreError, stock
from webapp.store.models import Inventory, Store

PEOPLES_SQUARE = (31.2323, 121.4737)


def test_distance_between_known_points():
    # People's Square to Lujiazui IFC is about 2.7 km on the map
    assert stock.distance_km(*PEOPLES_SQUARE, 31.2363, 121.5018) == pytest.approx(2.7, abs=0.15)


def test_nearby_stores_are_sorted_and_within_radius(session):
    result = stock.nearby_stock(session, "LIP-101", lat=PEOPLES_SQUARE[0], lon=PEOPLES_SQUARE[1], radius_km=5)
    distances = [r["distance_km"] for r in result["results"]]
    assert distances == sorted(distances)
    assert all(d <= 5 for d in distances)
    assert all(r["quantity"] > 0 for r in result["results"])
    in_stock_nearby = {
        s.code
        for s, qty in session.execute(
            select(Store, Inventory.quantity).join(Inventory).where(Inventory.sku == "LIP-101")
        )
        if qty > 0 and stock.distance_km(*PEOPLES_SQUARE, s.lat, s.lon) <= 5
    }
    assert {r["store"]["code"] for r in result["results"]} == in_stock_nearby
    assert result["widened"] is False


def test_out_of_stock_store_is_not_listed(session):
    session.execute(update(Inventory).where(Inventory.sku == "LIP-103").values(quantity=0))
    session.execute(
        update(Inventory)
        .where(
            Inventory.sku == "LIP-103",
            Inventory.store_id == select(Store.id).where(Store.code == "songjiang").scalar_subquery(),
        )
        .values(quantity=4)
    )
    session.commit()
    result = stock.nearby_stock(session, "LIP-103", store_code="jingan")
    # only Songjiang (about 30 km away) has it: the search widens until it finds it
    assert [r["store"]["code"] for r in result["results"]] == ["songjiang"]
    assert result["widened"] is True
    assert result["radius_km"] > 3
    assert result["results"][0]["quantity"] == 4


def test_store_origin_lists_that_store_first(session):
    session.execute(update(Inventory).where(Inventory.sku == "LIP-102").values(quantity=3))
    session.commit()
    result = stock.nearby_stock(session, "lip-102", store_code="JINGAN")
    assert result["results"][0]["store"]["code"] == "jingan"
    assert result["results"][0]["distance_km"] == 0


def test_freshness_is_reported(session):
    result = stock.nearby_stock(session, "LIP-101", store_code="jingan", radius_km=50)
    for row in result["results"]:
        assert row["updated_at"].endswith("+08:00")
        assert row["stale"] == (row["age_minutes"] > stock.STALE_AFTER_MINUTES)


def test_nowhere_in_stock_gives_empty_widened_result(session):
    session.execute(update(Inventory).where(Inventory.sku == "LIP-104").values(quantity=0))
    session.commit()
    result = stock.nearby_stock(session, "LIP-104", store_code="jingan")
    assert result["results"] == []
    assert result["radius_km"] == stock.MAX_RADIUS_KM


@pytest.mark.parametrize(
    "sku, kwargs, code, status",
    [
        ("NOPE-1", {"store_code": "jingan"}, "product_not_found", 404),
        ("LIP-101", {"store_code": "atlantis"}, "store_not_found", 404),
        ("LIP-101", {}, "missing_field", 400),
        ("LIP-101", {"lat": 91.0, "lon": 0.0}, "invalid_field", 400),
    ],
)
def test_bad_queries(session, sku, kwargs, code, status):
    with pytest.raises(StoreError) as caught:
        stock.nearby_stock(session, sku, **kwargs)
    assert (caught.value.code, caught.value.status) == (code, status)
