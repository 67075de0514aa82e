"""The web app's door to the assistant (Rasa's REST channel), and Rasa's answers turned into chat messages.

Product and booking cards come from the assistant as ``{"card": "product", "sku"}`` or
``{"card": "booking", "code"}``; prices, images and links are filled in here from the store data,
so the assistant never builds a URL.
"""

from __future__ import annotations

import threading
import zlib
from urllib.parse import quote

import requests
from flask import current_app
from requests.adapters import HTTPAdapter
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.orm import Session
from urllib3.exceptions import NewConnectionError

from ..security import public_url
from ..store import StoreError, catalog, consultations, timeutil
from ..store.db import normalise_url
from ..store.models import Booking, Product

MAX_REPLIES = 20  # a runaway story cannot flood the chat
MAX_BUTTONS = 10
# kept-alive connections per Rasa instance: a gevent worker serves many chats at once, and a
# connection beyond the pool would be opened and closed for every turn
POOL_SIZE = 100


class AssistantUnavailable(Exception):
    """Rasa is down, too slow or answered nonsense."""


def instances_for(urls: str, sender: str) -> list[str]:
    """The Rasa base URLs (ASSISTANT_URL lists one or more, space- or comma-separated) in the order
    to try for this conversation: its own instance first, chosen by a stable hash of the sender."""
    bases = [url.rstrip("/") for url in urls.replace(",", " ").split()]
    first = zlib.crc32(sender.encode()) % len(bases) if bases else 0
    return bases[first:] + bases[:first]


def refused(failure: requests.ConnectionError) -> bool:
    """Nothing listens there (the request never left), unlike a connection lost mid-answer."""
    reason = getattr(failure.args[0], "reason", None) if failure.args else None
    return isinstance(reason, NewConnectionError)


class AssistantClient:
    """One pooled HTTP session to Rasa per app, and the tracker database for erasure."""

    def __init__(self, config: dict) -> None:
        self.config = config
        self.http = requests.Session()
        adapter = HTTPAdapter(pool_connections=8, pool_maxsize=POOL_SIZE)
        self.http.mount("http://", adapter)
        self.http.mount("https://", adapter)
        self._engines: dict[str, Engine] = {}
        self._lock = threading.Lock()

    def ask(self, sender: str, message: str, metadata: dict) -> list[dict]:
        """Rasa's answers; an instance that refuses the connection (so never saw the message) is
        skipped for the next, as the instances share the tracker and lock stores."""
        answers = None
        for base in instances_for(str(self.config["ASSISTANT_URL"]), sender):
            try:
                response = self.http.post(
                    base + "/webhooks/rest/webhook",
                    json={"sender": sender, "message": message, "metadata": metadata},
                    timeout=float(self.config["ASSISTANT_TIMEOUT"]),
                )
                answers = response.json() if response.ok else None
                break
            except requests.ConnectionError as failure:
                if not refused(failure):
                    raise AssistantUnavailable from None
            except (requests.RequestException, ValueError):
                raise AssistantUnavailable from None
        if not isinstance(answers, list):
            raise AssistantUnavailable
        return [a for a in answers if isinstance(a, dict)][:MAX_REPLIES]

    def forget(self, sender: str) -> int:
        """Delete the sender's events from Rasa's tracker store; the number deleted (0 when none is configured)."""
        url = self.config.get("ASSISTANT_TRACKER_URL")
        if not url:
            return 0
        with self._lock:
            engine = self._engines.get(url) or self._engines.setdefault(url, create_engine(normalise_url(url)))
        with engine.begin() as connection:
            return connection.execute(text("DELETE FROM events WHERE sender_id = :sender"), {"sender": sender}).rowcount


def client() -> AssistantClient:
    return current_app.extensions["assistant_client"]


def _swatch(hex_colour: str | None) -> str | None:
    """A colour chip as an SVG data URL (img-src allows data:), for products without a photo."""
    if not hex_colour:
        return None
    svg = f"<svg xmlns='http://www.w3.org/2000/svg' width='64' height='64'><rect width='64' height='64' rx='12' fill='{hex_colour}'/></svg>"
    return "data:image/svg+xml," + quote(svg)


def product_card(session: Session, sku: object, lang: str, store: str | None) -> dict | None:
    try:
        product: Product = catalog.get_product(session, sku)
    except StoreError:
        return None
    page = "makeup.page" if product.category == "makeup" else "furniture.viewer"
    card = {
        "sku": product.sku,
        "name": product.name_en if lang == "en" else product.name_zh,
        "shade": product.shade_hex,
        "price": float(product.price),
        "image": _swatch(product.shade_hex),
        "try_on_url": public_url(page, sku=product.sku, lang=lang),
        # the product's page lists nearby stock for the chat's store (its #stock list)
        "stock_url": public_url(page, sku=product.sku, lang=lang, store=store or None) + "#stock",
    }
    return card


def booking_card(session: Session, code: object, lang: str) -> dict | None:
    try:
        booking: Booking = consultations.find_booking(session, code)
    except StoreError:
        return None
    slot = booking.slot
    return {
        "code": booking.code,
        "store": slot.store.name_en if lang == "en" else slot.store.name_zh,
        "service": slot.service.name_en if lang == "en" else slot.service.name_zh,
        "starts_at": timeutil.to_iso(slot.starts_at),
        "url": current_app.config["PUBLIC_URL"].rstrip("/") + "/api/v1/bookings/" + quote(booking.link_code or ""),
    }


def _buttons(raw: object) -> list[dict]:
    buttons = []
    for button in raw if isinstance(raw, list) else []:
        if isinstance(button, dict) and isinstance(button.get("title"), str) and isinstance(button.get("payload"), str):
            buttons.append({"title": button["title"][:80], "payload": button["payload"][:500]})
    return buttons[:MAX_BUTTONS]


def to_bodies(session: Session, answers: list[dict], lang: str, store: str | None) -> list[dict]:
    """Rasa's answers as Message bodies: text (with buttons), product and booking cards."""
    bodies = []
    for answer in answers:
        custom = answer.get("custom") if isinstance(answer.get("custom"), dict) else {}
        if isinstance(answer.get("text"), str) or answer.get("buttons"):
            body = {"type": "text", "text": str(answer.get("text") or "")}
            if buttons := _buttons(answer.get("buttons")):
                body["buttons"] = buttons
            bodies.append(body)
        if custom.get("card") == "product" and (card := product_card(session, custom.get("sku"), lang, store)):
            bodies.append({"type": "product", "product": card})
        elif custom.get("card") == "booking" and (card := booking_card(session, custom.get("code"), lang)):
            bodies.append({"type": "booking", "booking": card})
    return bodies
