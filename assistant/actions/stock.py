"""Stock questions: which product, where, and the nearest stores that have it."""
from __future__ import annotations

from typing import Any

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.executor import CollectingDispatcher

from .api import ApiError
from .common import API, lang_of, names, say


def product_card(product: dict, lang: str) -> dict:
    """A rich reply the widget draws as a card with a try-on or 3D link."""
    link = f"/makeup?lang={lang}&sku={product['sku']}" if product["category"] == "makeup" \
        else f"/furniture/{product['sku']}?lang={lang}"
    return {"type": "product_card", "sku": product["sku"], "title": names(product["name"], lang),
            "price": product["price"], "color": product.get("shade_hex"),
            "model": f"/furniture/models/{product['model_file']}" if product.get("model_file") else None,
            "link": link, "link_text": say(lang, "试一试" if product["category"] == "makeup" else "3D 查看",
                                           "Try it on" if product["category"] == "makeup" else "View in 3D")}


def origin_params(place: str) -> dict:
    """``store:jingan`` or ``geo:31.23,121.47`` (set by the form's validation)."""
    kind, _, value = place.partition(":")
    if kind == "store":
        return {"store": value}
    lat, lon = value.split(",")
    return {"lat": lat, "lon": lon}


class ValidateStockForm(FormValidationAction):
    def name(self) -> str:
        return "validate_stock_form"

    def validate_product(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain) -> dict:
        lang = lang_of(tracker)
        if isinstance(value, str) and value.startswith("SKU:"):
            return {"product": value}
        try:
            found = API.get("/products/search", lang, q=str(value))["products"]
        except ApiError:
            found = []
        if not found:
            dispatcher.utter_message(text=say(lang, f"没找到“{value}”，可以说得再具体些吗？比如色号或颜色。",
                                              f"I couldn't find \"{value}\"; could you give the shade name or number?"))
            return {"product": None}
        return {"product": f"SKU:{found[0]['sku']}"}

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
            if stores:
                return {"place": f"store:{stores[0]['code']}"}
            dispatcher.utter_message(text=error.message)
            return {"place": None}


class CheckStock(Action):
    def name(self) -> str:
        return "action_check_stock"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain) -> list[dict[str, Any]]:
        lang = lang_of(tracker)
        sku = (tracker.get_slot("product") or "").removeprefix("SKU:")
        origin = origin_params(tracker.get_slot("place") or "store:jingan")
        try:
            found = API.get("/stock/nearby", lang, sku=sku, **origin)
            product = API.get(f"/products/{sku}", lang)
        except ApiError as error:
            dispatcher.utter_message(text=error.message)
            return []
        rows = found["results"][:3]
        title = names(found["product"], lang)
        if rows:
            lines = [say(lang, f"· {names(r['store']['name'], lang)}（{r['distance_km']} 公里）有 {r['quantity']} 件，"
                               f"营业 {r['store']['hours']['opens']}–{r['store']['hours']['closes']}",
                         f"· {names(r['store']['name'], lang)} ({r['distance_km']} km): {r['quantity']} in stock, "
                         f"open {r['store']['hours']['opens']}–{r['store']['hours']['closes']}") for r in rows]
            widened = say(lang, f"（附近 3 公里没有，已扩大到 {found['radius_km']:.0f} 公里）",
                          f"(none within 3 km; widened to {found['radius_km']:.0f} km)") if found["widened"] else ""
            dispatcher.utter_message(text=say(lang, f"{title} 有货{widened}：", f"{title} is in stock{widened}:")
                                     + "\n" + "\n".join(lines))
            dispatcher.utter_message(json_message=product_card(product, lang))
            return []
        dispatcher.utter_message(text=say(lang, f"抱歉，{title} 附近暂时没有库存。", f"Sorry, {title} is out of stock nearby."))
        similar = API.get(f"/products/{sku}/similar", lang, **origin)["products"]
        in_stock = [p for p in similar if p.get("stock")]
        if in_stock:
            dispatcher.utter_message(text=say(lang, "这些相近的颜色附近有货：", "These close shades are in stock nearby:"))
            for p in in_stock:
                dispatcher.utter_message(json_message=product_card(p, lang))
        return []
