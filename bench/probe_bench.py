"""The outside probe of the hardening issue, replayed against the server as the Procfile starts it.

For each category it prints how many requests were sent, how many got a 5xx (goal: 0), and what
the answers show (codes, seats, tries evaluated). Everything targets 127.0.0.1 and is bounded.

    .venv/bin/python bench/probe_bench.py
"""

from __future__ import annotations

import json
import re
import secrets
import sys
import tempfile
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.webserver import procfile_server, seeded_sqlite

ROOM = {"width": 4.0, "depth": 3.5, "height": 2.7}


class Probe:
    def __init__(self, base: str, log: Path) -> None:
        self.base, self.log, self.rows = base, log, []

    def run(self, category: str, calls: list, workers: int = 20) -> list[requests.Response]:
        """Send ``calls`` (method, path, kwargs) with ``workers`` at once; record the category's figures."""
        with ThreadPoolExecutor(workers) as pool:
            answers = list(pool.map(lambda c: requests.request(c[0], self.base + c[1], timeout=60, **c[2]), calls))
        statuses = Counter(a.status_code for a in answers)
        self.rows.append((category, len(answers), sum(n for s, n in statuses.items() if s >= 500), dict(statuses)))
        return answers

    def sign_in(self, phone: str) -> dict:
        requests.post(f"{self.base}/api/v1/auth/codes", json={"phone": phone}, timeout=10).raise_for_status()
        # the development SMS sender writes the code to the server log
        code = re.findall(r"(\d{6})", self.log.read_text(errors="replace").split(phone[-4:])[-1])[0]
        answer = requests.post(f"{self.base}/api/v1/auth/codes/verify", json={"phone": phone, "code": code}, timeout=10)
        return {"X-Member-Token": answer.json()["member_token"]}


def bad_input(probe: Probe) -> None:
    deep = "[" * 100_000
    bodies = [
        ("GET", "/api/v1/consultations/slots?service=makeup&from=9999-12-31", {}),
        ("GET", "/api/v1/consultations/slots?service=makeup&to=0001-01-01T00:00:00%2B09:00", {}),
        (
            "POST",
            "/api/v1/plans/check",
            {"json": {"room": ROOM, "items": [{"id": "a", "sku": "FUR-OSLO-3S", "variant": []}]}},
        ),
        ("POST", "/api/v1/plans/check", {"json": {"room": ROOM, "items": [{"id": "a\x00", "sku": "FUR-OSLO-3S"}]}}),
        ("POST", "/api/v1/rooms", {"json": {"width": 2**63, "depth": 3}}),
        ("GET", "/api/v1/products/" + "X" * 5000, {}),
        ("GET", "/api/v1/stock/nearby?sku=LIP-101&lat=1e309&lon=0", {}),
    ] + [
        ("POST", path, {"data": body, "headers": {"Content-Type": "application/json"}})
        for path in (
            "/api/v1/bookings",
            "/api/v1/plans/check",
            "/api/v1/plans",
            "/api/v1/rooms",
            "/api/v1/handoffs",
            "/api/v1/coupons/claims",
            "/api/v1/stock",
            "/api/v1/looks",
            "/api/v1/auth/codes",
        )
        for body in (deep, '{"a": ' * 40_000, "1" * 5000, '{"slot_id": 1,', "\x00")
    ]
    probe.run("bad input (dates, ints, types, NUL, deep JSON)", bodies * 4)


def identity(probe: Probe) -> None:
    calls = [("POST", "/api/v1/coupons/claims", {"json": {"campaign": "NEW50", "phone": "13800138001"}})] * 20
    calls += [("GET", "/api/v1/members/13800138001/coupons", {})] * 20
    calls += [
        ("POST", "/api/v1/looks", {"json": {"consent": True, "items": [{"sku": "LIP-101"}], "phone": "13800138001"}})
    ] * 20
    answers = probe.run("member data without a verified sign-in", calls)
    assert not any(a.ok for a in answers), "a member's data answered to a typed phone number"


def booking_codes(probe: Probe, member: dict) -> None:
    slot = requests.get(f"{probe.base}/api/v1/consultations/slots?service=makeup&store=jingan", timeout=10).json()[
        "slots"
    ][0]
    booked = requests.post(
        f"{probe.base}/api/v1/bookings", json={"slot_id": slot["id"], "name": "王芳"}, headers=member, timeout=10
    )
    assert booked.status_code == 201, booked.text
    code = booked.json()["code"]
    guesses = [("GET", f"/api/v1/bookings/BK{secrets.token_hex(3).upper()}?phone_last4=1234", {}) for _ in range(150)]
    answers = probe.run("booking code guesses (one client)", guesses)
    opened = requests.get(f"{probe.base}/api/v1/bookings/{code}", timeout=10)
    print(f"  booking guesses: {Counter(a.status_code for a in answers)}; the code alone → {opened.status_code}")


def repair_race(probe: Probe) -> None:
    calls = [("GET", "/api/v1/repairs/R-20417?phone_last4=0000", {})] * 300
    probe.run("300 concurrent wrong repair checks", calls, workers=50)


def reschedule_race(probe: Probe, member: dict) -> None:
    slots = requests.get(
        f"{probe.base}/api/v1/consultations/slots?service=home_design&store=jingan", timeout=10
    ).json()["slots"]
    booking = requests.post(
        f"{probe.base}/api/v1/bookings", json={"slot_id": slots[0]["id"], "name": "Li"}, headers=member, timeout=10
    )
    assert booking.status_code == 201, booking.text
    booking = booking.json()
    calls = [
        ("POST", f"/api/v1/bookings/{booking['link_code']}/reschedule", {"json": {"slot_id": s["id"]}})
        for s in slots[1:51]
    ]
    answers = probe.run("50 parallel reschedules of one booking", calls, workers=50)
    after = {
        s["id"]: s["available"]
        for s in requests.get(
            f"{probe.base}/api/v1/consultations/slots?service=home_design&store=jingan", timeout=10
        ).json()["slots"]
    }
    taken = sum(s["available"] - after.get(s["id"], 0) for s in slots[:51])
    print(f"  reschedules: {Counter(a.status_code for a in answers)}; seats held by the booking afterwards: {taken}")


def exhaustion(probe: Probe) -> None:
    items = [{"id": f"{i}-" + "x" * 150_000, "sku": "FUR-OSLO-3S", "x": 1, "z": 1} for i in range(100)]
    body = json.dumps({"room": ROOM, "items": items})
    answers = probe.run(
        "100 plan items with 150,000-character ids",
        [("POST", "/api/v1/plans/check", {"data": body, "headers": {"Content-Type": "application/json"}})] * 8,
        workers=8,
    )
    print(f"  largest answer: {max(len(a.content) for a in answers)} bytes")


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        env = seeded_sqlite(Path(tmp), STORELENS_SMS_SENDER="log")
        log = Path(tmp) / "server.log"
        with procfile_server(env, log) as (_, base):
            probe = Probe(base, log)
            member = probe.sign_in("13655550177")
            reschedule_race(probe, member)  # first: bad input below spends this client's booking budget
            booking_codes(probe, member)
            bad_input(probe)
            identity(probe)
            repair_race(probe)
            exhaustion(probe)
            leaked = [p for p in ("13655550177", "13800138001") if p in log.read_text(errors="replace")]
    print(f"\n{'category':50} {'requests':>8} {'5xx':>5}  answers")
    for category, sent, errors, statuses in probe.rows:
        print(f"{category:50} {sent:8} {errors:5}  {statuses}")
    total = sum(r[1] for r in probe.rows)
    print(f"{'all':50} {total:8} {sum(r[2] for r in probe.rows):5}")
    print(f"full phone numbers in the server log: {leaked or 'none'}")


if __name__ == "__main__":
    main()
