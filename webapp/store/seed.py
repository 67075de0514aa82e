"""Load the demo brand's data from ``assets/seed`` into an empty database.

Deterministic: the same files and the same day give the same rows. Dates are relative to
the seeding day so coupons, repair ETAs and consultation slots are always current.
"""

from __future__ import annotations

import json
import random
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from . import looks, timeutil
from .catalog import hours_on
from .models import (
    ConsultationService,
    CouponCampaign,
    HolidayHours,
    Inventory,
    Member,
    Product,
    RepairEvent,
    RepairTicket,
    Store,
    TimeSlot,
)

SLOT_DAYS = 14


def _load(seed_dir: Path, name: str) -> list[dict]:
    return json.loads((seed_dir / name).read_text(encoding="utf-8"))


def _holiday_hours(calendar: list[dict], store_code: str) -> list[HolidayHours]:
    """The chain's holiday calendar as one store keeps it: an entry naming ``stores`` is theirs alone,
    and a later entry for the same day replaces an earlier one (one store closed while others open)."""
    days: dict[date, HolidayHours] = {}
    for entry in calendar:
        if store_code not in entry.get("stores", [store_code]):
            continue
        day, last = date.fromisoformat(entry["from"]), date.fromisoformat(entry["to"])
        while day <= last:
            days[day] = HolidayHours(
                day=day,
                name_zh=entry["name_zh"],
                name_en=entry["name_en"],
                opens_at=entry["opens_at"],
                closes_at=entry["closes_at"],
            )
            day += timedelta(days=1)
    return sorted(days.values(), key=lambda h: h.day)


def _at(day: date, offset_days: int, clock: str = "10:00") -> datetime:
    return datetime.combine(day + timedelta(days=offset_days), time.fromisoformat(clock))


def is_seeded(session: Session) -> bool:
    return bool(session.scalar(select(func.count()).select_from(Store)))


def seed(session: Session, seed_dir: Path, today: date | None = None) -> dict[str, int]:
    """Insert every seed table; returns row counts. The database must be empty."""
    today = today or timeutil.now().date()
    now = datetime.combine(today, time(9, 0))
    stocked = min(now, timeutil.now())  # stock counts are never newer than the clock, or real syncs look stale
    stores = {s["code"]: Store(**s) for s in _load(seed_dir, "stores.json")}
    session.add_all(stores.values())
    calendar = _load(seed_dir, "holiday_hours.json")
    for store in stores.values():
        store.holidays = _holiday_hours(calendar, store.code)
    products = [Product(**{**p, "price": Decimal(str(p["price"]))}) for p in _load(seed_dir, "products.json")]
    session.add_all(products)
    session.flush()

    inventory = []
    for store in stores.values():
        for product in products:
            rng = random.Random(f"{store.code}:{product.sku}")
            quantity = 0 if rng.random() < 0.15 else rng.randint(1, 25)
            updated = stocked - timedelta(minutes=rng.randint(5, 36 * 60))
            inventory.append(Inventory(store_id=store.id, sku=product.sku, quantity=quantity, updated_at=updated))
    session.add_all(inventory)

    for c in _load(seed_dir, "coupons.json"):
        start, end = c.pop("valid_days")
        session.add(
            CouponCampaign(
                **{**c, "discount": Decimal(str(c["discount"])), "min_spend": Decimal(str(c["min_spend"]))},
                valid_from=_at(today, start, "00:00"),
                valid_to=_at(today, end, "23:59"),
                issued=0,
            )
        )

    phones = set()
    tickets = _load(seed_dir, "repairs.json")
    for t in tickets:
        ticket = RepairTicket(
            id=t["id"],
            member_phone=t["member_phone"],
            product_sku=t["product_sku"],
            product_desc_zh=t["product_desc_zh"],
            product_desc_en=t["product_desc_en"],
            store_id=stores[t["store"]].id,
            status=t["status"],
            engineer=t["engineer"],
            eta=today + timedelta(days=t["eta_day"]) if t["eta_day"] is not None else None,
            failed_checks=0,
            created_at=_at(today, t["created_day"]),
        )
        session.add(ticket)
        for e in t["events"]:
            session.add(
                RepairEvent(
                    ticket=ticket,
                    status=e["status"],
                    note_zh=e["note_zh"],
                    note_en=e["note_en"],
                    staff="seed",
                    created_at=_at(today, e["day"], "11:00"),
                )
            )
        phones.add(t["member_phone"])
    session.add_all(Member(phone=p, name="", created_at=now) for p in sorted(phones))

    slots = 0
    for s in _load(seed_dir, "services.json"):
        service = ConsultationService(
            code=s["code"], name_zh=s["name_zh"], name_en=s["name_en"], duration_min=s["duration_min"]
        )
        session.add(service)
        session.flush()
        for store in stores.values():
            for day in range(SLOT_DAYS):
                hours = hours_on(store, today + timedelta(days=day))
                for clock in s["times"]:
                    if hours is None or not hours[0] <= clock < hours[1]:
                        continue
                    starts = _at(today, day, clock)
                    session.add(
                        TimeSlot(
                            store_id=store.id,
                            service_code=service.code,
                            starts_at=starts,
                            ends_at=starts + timedelta(minutes=service.duration_min),
                            capacity=s["capacity"],
                            booked=0,
                        )
                    )
                    slots += 1
    session.commit()
    presets = looks.sync_presets(session, seed_dir, now)
    return {
        "stores": len(stores),
        "products": len(products),
        "inventory": len(inventory),
        "slots": slots,
        "repair_tickets": len(tickets),
        "preset_looks": presets,
    }
