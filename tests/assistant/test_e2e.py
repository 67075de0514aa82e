"""The whole chain: Rasa (trained model) → action server → web app, over the REST channel.

A Chinese and an English shopper each book a consultation in their own words; the booking
must then exist in the store, through the API.
"""
from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path

import pytest
import requests

from .conftest import ROOT, SERVICE_TOKEN, free_port, wait_for

RASA = ROOT / ".venv-rasa" / "bin" / "rasa"
MODEL = ROOT / "assistant" / "models" / "storelens.tar.gz"
CODE = re.compile(r"BK[2-9A-HJ-NP-Z]{6}")


@pytest.fixture(scope="module")
def rasa_webhook(web_app, tmp_path_factory):
    assert MODEL.exists(), "train the assistant first (make train)"
    folder = tmp_path_factory.mktemp("rasa")
    actions_port, rasa_port = free_port(), free_port()
    env = {**os.environ, "RASA_TELEMETRY_ENABLED": "false", "PYTHONWARNINGS": "ignore",
           "STORELENS_API_URL": web_app, "STORELENS_SERVICE_TOKEN": SERVICE_TOKEN, "ACTIONS_PORT": str(actions_port),
           "RASA_TRACKER_DIALECT": "sqlite", "RASA_TRACKER_DB": str(folder / "tracker.db"), "RASA_TRACKER_URL": "",
           "RASA_TRACKER_USER": "", "RASA_TRACKER_PASSWORD": ""}
    logs = [open(folder / name, "w") for name in ("actions.log", "rasa.log")]
    processes = [
        subprocess.Popen([str(RASA), "run", "actions", "--port", str(actions_port)], cwd=ROOT / "assistant",
                         env=env, stdout=logs[0], stderr=subprocess.STDOUT),
        subprocess.Popen([str(RASA), "run", "--enable-api", "-m", str(MODEL), "--port", str(rasa_port),
                          "--interface", "127.0.0.1"], cwd=ROOT / "assistant", env=env, stdout=logs[1],
                         stderr=subprocess.STDOUT),
    ]
    try:
        wait_for(f"http://127.0.0.1:{actions_port}/health", 120, processes[0])
        wait_for(f"http://127.0.0.1:{rasa_port}/status", 240, processes[1])
        yield f"http://127.0.0.1:{rasa_port}/webhooks/rest/webhook"
    finally:
        for process in processes:
            process.terminate()
            process.wait(30)
        for log in logs:
            log.close()


def say(webhook: str, sender: str, text: str) -> str:
    replies = requests.post(webhook, json={"sender": sender, "message": text}, timeout=60).json()
    return "\n".join(r.get("text", "") for r in replies)


def converse(webhook: str, sender: str, turns: list[tuple[str, str]]) -> str:
    reply = ""
    for text, expected in turns:
        reply = say(webhook, sender, text)
        assert re.search(expected, reply), f"after {text!r} expected /{expected}/, got {reply!r}"
    return reply


def test_chinese_booking(rasa_webhook, api):
    last = converse(rasa_webhook, "e2e-zh", [
        ("帮我约周六下午三点的化妆咨询", "哪家门店"),
        ("静安", "怎么称呼"),
        ("李雷", "手机号"),
        ("13812345678", "确认号"),
    ])
    booking = api.get(f"/bookings/{CODE.search(last).group(0)}")
    assert booking["service"]["code"] == "makeup" and booking["store"]["code"] == "jingan"
    assert booking["slot"]["starts_at"][11:16] == "15:00" and booking["name"] == "李雷"


def test_english_booking(rasa_webhook, api):
    last = converse(rasa_webhook, "e2e-en", [
        ("book a makeup consultation at Xujiahui tomorrow 3pm", "name"),
        ("Lucy", "mobile number"),
        ("13912345678", "confirmation code"),
    ])
    booking = api.get(f"/bookings/{CODE.search(last).group(0)}")
    assert booking["store"]["code"] == "xujiahui" and booking["slot"]["starts_at"][11:16] == "15:00"
    assert booking["phone"] == "13912345678"
