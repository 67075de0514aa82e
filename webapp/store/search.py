"""Finding what a shopper means: products, stores and places from free text (typos welcome).

The assistant sends the words it extracted ("豆沙色口红", "Oslo sofa", "静安店", "People's
Square"); matching lives here so every channel resolves names the same way.
"""

from __future__ import annotations

import json
import re
from difflib import SequenceMatcher
from functools import lru_cache
from pathlib import Path

import numpy as np
from sqlalchemy import select
from sqlalchemy.orm import Session

from tryon.makeup import hex_to_lab

from .catalog import get_product, product_dict, store_dict
from .errors import StoreError
from .models import Product, Store
from .stock import nearby_stock

# words that say what kind of product, not which one; the first kind named wins, and brow is
# last because "brow" hides in "brown", a shade of every other kind ("brown black mascara")
TYPE_WORDS = {
    "lip": ("口红", "唇膏", "唇釉", "lipstick", "lip", "gloss"),
    "eye": ("眼影", "eyeshadow", "shadow"),
    "cheek": ("腮红", "blush"),
    "liner": ("眼线", "eyeliner", "liner"),
    "mascara": ("睫毛膏", "睫毛", "mascara", "lash"),
    "foundation": ("粉底液", "粉底", "foundation"),
    "concealer": ("遮瑕膏", "遮瑕液", "遮瑕", "concealer"),
    "brow": ("眉笔", "brow"),
}
NOISE = re.compile(r"[\s#·,，。!！?？'\"-]+|那支|这支|那个|这个|的|色|号|店|门店|store|shop|branch", re.IGNORECASE)
CHINESE = re.compile(r"[\u4e00-\u9fff]")


def _clean(text: str) -> str:
    return NOISE.sub("", text.lower())


# a pure function of the two strings: cached, so each search costs difflib only for new names or
# queries, and the catalog is still read on every call (renamed or new products are always seen)
@lru_cache(maxsize=65536)
def _similarity(query: str, candidate: str) -> float:
    query, candidate = _clean(query), _clean(candidate)
    if not query or not candidate:
        return 0.0
    if query in candidate:
        return 1.0 - 0.2 * (1 - len(query) / len(candidate))  # a whole word inside the name
    matcher = SequenceMatcher(None, query, candidate)
    # a name said inside a longer sentence ("还有那支豆沙色口红吗"): its longest shared run
    shared = matcher.find_longest_match(0, len(query), 0, len(candidate)).size
    inside = 0.8 * shared / len(candidate) if shared >= 2 else 0.0
    return max(matcher.ratio() * 0.85, inside)


def _product_names(product: Product) -> list[str]:
    # "缎光唇膏 #109 玫瑰豆沙" → also match the shade alone ("玫瑰豆沙") and the number ("109")
    parts = [product.sku, product.name_zh, product.name_en]
    for name in (product.name_zh, product.name_en):
        if "#" in name:
            parts += name.split("#", 1)[1].split(" ", 1)
    return parts


def search_products(session: Session, query: object, limit: int = 5) -> list[dict]:
    text = str(query or "").strip()
    if not text or len(text) > 100:
        raise StoreError("invalid_field", field="q", reason="1 to 100 characters")
    wanted_type = next((kind for kind, words in TYPE_WORDS.items() if any(w in text.lower() for w in words)), None)
    scored = []
    for product in session.scalars(select(Product)):
        if wanted_type and product.product_type not in (wanted_type, None):
            continue
        score = max(_similarity(text, name) for name in _product_names(product))
        if score >= 0.45:
            scored.append((score, product))
    scored.sort(key=lambda pair: (-pair[0], pair[1].sku))
    return [{**product_dict(p), "score": round(s, 2)} for s, p in scored[:limit]]


def search_stores(session: Session, query: object, limit: int = 3) -> list[dict]:
    text = str(query or "").strip()
    if not text or len(text) > 100:
        raise StoreError("invalid_field", field="q", reason="1 to 100 characters")
    scored = []
    for store in session.scalars(select(Store)):
        names = [
            store.code,
            store.name_zh.replace("澜悦", ""),
            store.name_en.replace("LANYUE", ""),
            store.district_zh,
            store.district_en,
        ]
        score = max(_similarity(text, name) for name in names)
        if score >= 0.5:
            scored.append((score, store))
    scored.sort(key=lambda pair: (-pair[0], pair[1].code))
    return [{**store_dict(s), "score": round(score, 2)} for score, s in scored[:limit]]


@lru_cache(maxsize=4)
def _places(path: str) -> list[dict]:
    return json.loads(Path(path).read_text(encoding="utf-8"))


def resolve_place(places_file: Path, query: object) -> dict:
    """A landmark or district by name: its position, for nearby-stock questions."""
    text = str(query or "").strip()
    best = (
        max(
            ((max(_similarity(text, n) for n in p["names"]), p) for p in _places(str(places_file))),
            key=lambda pair: pair[0],
            default=(0, None),
        )
        if text
        else (0, None)
    )
    if best[0] < 0.6:
        raise StoreError("place_not_found", 404, place=text)
    place = best[1]
    return {"name": place["names"][0], "names": place["names"], "lat": place["lat"], "lon": place["lon"]}


def similar_shades(session: Session, product: Product, limit: int = 3) -> list[Product]:
    """Makeup of the same kind, nearest in colour (CIELAB distance): what to offer instead."""
    if product.category != "makeup":
        return []
    target = hex_to_lab(product.shade_hex)
    others = session.scalars(
        select(Product).where(Product.product_type == product.product_type, Product.sku != product.sku)
    )
    return sorted(others, key=lambda p: (float(np.linalg.norm(hex_to_lab(p.shade_hex) - target)), p.sku))[:limit]


def similar_in_stock(session: Session, sku: object, origin: dict | None, limit: int = 3) -> list[dict]:
    """Nearest shades to ``sku`` with where each is in stock (when an origin is given)."""
    found = []
    for product in similar_shades(session, get_product(session, sku), limit):
        nearby = nearby_stock(session, product.sku, **origin)["results"][:2] if origin else None
        found.append({**product_dict(product), "stock": nearby})
    return found


def lookup_values(session: Session, places_file: Path) -> dict[str, set[str]]:
    """The names shoppers use for products, stores and places, from the live catalog."""
    products, stores = set(), set()
    for product in session.scalars(select(Product)):
        for part in _product_names(product)[1:]:
            products.add(part.strip())
    for store in session.scalars(select(Store)):
        stores |= {
            store.name_zh.replace("澜悦", "").strip(),
            store.name_en.replace("LANYUE", "").strip(),
            store.district_zh,
            store.district_en,
        }
    places = {name for place in _places(str(places_file)) for name in place["names"]}
    return {
        name: {v for v in values if v and not v.isdigit()}
        for name, values in {"product": products, "store": stores, "location": places}.items()
    }


def lookup_tables_yaml(tables: dict[str, set[str]]) -> str:
    """Rasa NLU lookup tables, as YAML text."""
    lines = [
        "# Generated by `flask --app webapp export-lookups` from the catalog; do not edit.",
        'version: "3.1"',
        "nlu:",
    ]
    for name, values in tables.items():
        lines += [f"  - lookup: {name}", "    examples: |"]
        lines += [f"      - {value}" for value in sorted(values)]
    return "\n".join(lines) + "\n"


def jieba_dictionary(tables: dict[str, set[str]]) -> str:
    """A jieba user dictionary of the Chinese names, so that "买奶咖" splits as 买 | 奶咖, not 买奶 | 咖:
    an entity must cover whole tokens. One word per line with a frequency high enough to win.
    Store names go in without 店, which shoppers add or leave out ("新天地店" → 新天地 | 店)."""
    words = {
        part.removesuffix("店")
        for values in tables.values()
        for value in values
        for part in value.split()
        if CHINESE.search(part)
    }
    return "".join(f"{word} 100000 nz\n" for word in sorted(words))
