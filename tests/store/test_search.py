from datetime import datetime

import pytest

from webapp import PROJECT_ROOT
from webapp.store import StoreError, handoffs, search
from webapp.store.models import Product

from ..staff_session import advisor_context

PLACES = PROJECT_ROOT / "assets" / "seed" / "places.json"


@pytest.mark.parametrize(
    "query, sku",
    [
        ("豆沙色口红", "LIP-101"),
        ("静安店还有MAC那支豆沙色口红吗", "LIP-101"),
        ("rose bean lipstik", "LIP-101"),
        ("Oslo sofa", "FUR-OSLO-3S"),
        ("109", "LIP-109"),
        ("枫叶红", "LIP-102"),
        ("maple red", "LIP-102"),
        ("蜂蜜色粉底液", "FDN-606"),
        ("warm honey foundation", "FDN-606"),
        ("柔米遮瑕", "CNC-702"),
        ("brown black mascara", "MSC-802"),
    ],
)
def test_products_by_what_shoppers_type(session, query, sku):
    assert search.search_products(session, query)[0]["sku"] == sku


@pytest.mark.parametrize(
    "query, kind",
    [("蜜桃腮红", "cheek"), ("自然米粉底", "foundation"), ("亮白遮瑕膏", "concealer"), ("棕黑睫毛膏", "mascara")],
)
def test_product_type_words_narrow_the_search(session, query, kind):
    found = search.search_products(session, query)
    assert found and all(p["product_type"] == kind for p in found)


@pytest.mark.parametrize(
    "query, code",
    [
        ("静安店", "jingan"),
        ("People's Square", "peoples-square"),
        ("xujiahui store", "xujiahui"),
        ("五角场", "wujiaochang"),
    ],
)
def test_stores_by_name_or_district(session, query, code):
    assert search.search_stores(session, query)[0]["code"] == code


def test_places_resolve_to_positions():
    assert search.resolve_place(PLACES, "人民广场")["lat"] == pytest.approx(31.23, abs=0.01)
    assert search.resolve_place(PLACES, "people square")["name"] == "人民广场"
    with pytest.raises(StoreError) as caught:
        search.resolve_place(PLACES, "火星基地")
    assert caught.value.status == 404


def test_similar_shades_are_same_kind_nearest_colour(session):
    similar = search.similar_in_stock(session, "LIP-101", {"store_code": "jingan"})
    assert len(similar) == 3 and all(p["product_type"] == "lip" for p in similar)
    assert "LIP-101" not in {p["sku"] for p in similar}
    assert all(p["stock"] is not None for p in similar)
    assert search.similar_in_stock(session, "FUR-OSLO-3S", None) == []


def test_bad_queries(session):
    for bad in ("", None, "x" * 101):
        with pytest.raises(StoreError):
            search.search_products(session, bad)


def test_handoff_requests(session):
    body = {"sender_id": "u1", "reason": "fallback", "lang": "en", "summary": "lost", "store": "jingan"}
    first = handoffs.create(session, body, now=datetime(2026, 11, 25, 15, 0))  # open hours
    again = handoffs.create(session, {"sender_id": "u1", "reason": "asked"})
    assert again["id"] == first["id"]  # one open request per conversation
    assert [h["sender_id"] for h in handoffs.list_for_store(session, advisor_context(session))] == ["u1"]
    with pytest.raises(StoreError):
        handoffs.create(session, {"sender_id": "u2", "reason": "bored"})
    with pytest.raises(StoreError):
        handoffs.create(session, {"reason": "asked"})


def test_search_sees_catalog_changes_despite_cached_matching(session):
    assert search.search_products(session, "枫叶红")[0]["sku"] == "LIP-102"
    product = session.get(Product, "LIP-102")
    product.name_zh, product.name_en = "缎光唇膏 #102 深海蓝", "Satin Lipstick #102 Deep Sea"
    session.flush()
    assert "LIP-102" not in {p["sku"] for p in search.search_products(session, "枫叶红")}
    assert search.search_products(session, "深海蓝")[0]["sku"] == "LIP-102"
