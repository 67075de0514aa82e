"""Stock questions: which product, where, and the nearest stores that have it.

The radius searched, whether it was widened, and the product's own page (try-on or 3D) all come
from the API's answers.
"""

from __future__ import annotations

from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from .common import API, lang_of, metadata, names, relay
from .store_action import StoreAction, StoreFormValidation
from .store_api import ApiError, part

SHOWN = 3  # stores listed in one reply


def number(value: float) -> str:
    """12.0 → "12", 2.5 → "2.5", 1299.0 → "1299"."""
    return f"{value:.2f}".rstrip("0").rstrip(".")


def product_card(dispatcher: CollectingDispatcher, product: dict, lang: str) -> None:
    """A rich reply the widget draws as a card, linking to the page the API gives for the product; then
    the web app's chat card (the chat proxy fills it in from the store's own data)."""
    values = {
        "sku": product["sku"],
        "title": names(product["name"], lang),
        "price": number(product["price"]),
        "link": product.get("page_url") or "",
    }
    if product["category"] == "makeup":
        dispatcher.utter_message(response="utter_tryon_card", color=product.get("shade_hex") or "", **values)
    else:
        dispatcher.utter_message(response="utter_3d_card", model=product.get("model_url") or "", **values)
    dispatcher.utter_message(json_message={"card": "product", "sku": product["sku"]})


def where_the_shopper_is(tracker: Tracker) -> str | None:
    """The place the chat says the shopper is at: the device's position, or a kiosk's own store."""
    given = metadata(tracker)
    position = given.get("position")
    if isinstance(position, dict):
        lat, lng = position.get("lat"), position.get("lng")
        if all(isinstance(v, int | float) and not isinstance(v, bool) for v in (lat, lng)):
            return f"geo:{lat},{lng}"  # the API judges the range
    store = given.get("store")
    if given.get("channel") == "kiosk" and isinstance(store, str) and store.strip():
        return f"store:{store.strip()}"
    return None


def origin_params(place: str) -> dict:
    """``store:jingan`` or ``geo:31.23,121.47`` (set by the form's validation)."""
    kind, _, value = place.partition(":")
    if kind == "store":
        return {"store": value}
    lat, _, lon = value.partition(",")
    return {"lat": lat, "lon": lon}


class ValidateStockForm(StoreFormValidation):
    def name(self) -> str:
        return "validate_stock_form"

    def validate_product(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain) -> dict:
        if isinstance(value, str) and value.startswith("SKU:"):
            return {"product": value}
        found = API.get("/products/search", lang_of(tracker), q=str(value))["products"]
        if not found:
            dispatcher.utter_message(response="utter_product_not_found", product=str(value))
            return {"product": None}
        return {"product": f"SKU:{found[0]['sku']}"}

    async def extract_place(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain) -> dict:
        """No place named: where the shopper is ("有货吗" on a phone sharing its position), if known."""
        if tracker.get_slot("place"):
            return {}
        here = where_the_shopper_is(tracker)
        return {"place": here} if here else {}

    def validate_place(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain) -> dict:
        lang = lang_of(tracker)
        text = str(value)
        if text.startswith(("store:", "geo:")):
            return {"place": text}
        stores = API.get("/stores/search", lang, q=text)["stores"]
        if stores and stores[0]["score"] >= 0.8:
            return {"place": f"store:{stores[0]['code']}"}
        try:
            place = API.get("/places/resolve", lang, q=text)
            return {"place": f"geo:{place['lat']},{place['lon']}"}
        except ApiError as error:
            if error.unavailable:
                raise
            if stores:
                return {"place": f"store:{stores[0]['code']}"}
            relay(dispatcher, error)  # "I don't know where that is; a district, landmark or store?"
            return {"place": None}


class CheckStock(StoreAction):
    def name(self) -> str:
        return "action_check_stock"

    def answer(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain) -> list[dict[str, Any]]:
        lang = lang_of(tracker)
        sku = (tracker.get_slot("product") or "").removeprefix("SKU:")
        place = tracker.get_slot("place")
        if not sku or not place:
            return []  # the form stopped, and said why
        origin = origin_params(place)
        found = API.get("/stock/nearby", lang, sku=sku, **origin)
        rows = found["results"][:SHOWN]
        title = names(found["product"], lang)
        if rows:
            if found["widened"]:
                dispatcher.utter_message(
                    response="utter_in_stock_widened",
                    product=title,
                    asked_km=number(found["requested_radius_km"]),
                    radius_km=number(found["radius_km"]),
                )
            else:
                dispatcher.utter_message(response="utter_in_stock", product=title, radius_km=number(found["radius_km"]))
            for row in rows:
                dispatcher.utter_message(
                    response="utter_stock_row",
                    store=names(row["store"]["name"], lang),
                    distance_km=number(row["distance_km"]),
                    quantity=row["quantity"],
                    opens=row["store"]["hours"]["opens"],
                    closes=row["store"]["hours"]["closes"],
                )
            product_card(dispatcher, API.get(f"/products/{part(sku)}", lang), lang)
            return []
        dispatcher.utter_message(response="utter_out_of_stock", product=title)
        similar = API.get(f"/products/{part(sku)}/similar", lang, **origin)["products"]
        in_stock = [p for p in similar if p.get("stock")]
        if in_stock:
            dispatcher.utter_message(response="utter_similar_in_stock")
            for product in in_stock:
                product_card(dispatcher, product, lang)
        return []
