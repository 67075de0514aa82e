"""Chat latency: 20 simulated shoppers at once, mixed Chinese and English conversations.

Starts the real stack (web app, action server, Rasa with the trained model) on loopback and
prints p50/p95 per turn and throughput for Rasa's REST webhook. Each shopper is a signed-in
member (SMS sign-in, the token sent as message metadata, as the web app does). Run in the Rasa
environment:

    .venv-rasa/bin/python bench/chat_bench.py [--users 20 --rounds 3]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import requests

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from timing import p50_p95  # noqa: E402

from tests.assistant import stack  # noqa: E402

CONVERSATIONS = [
    ["你好", "静安店还有豆沙红吗", "谢谢"],
    ["is the Oslo sofa in stock near People's Square", "thanks"],
    ["我的维修到哪一步了", "谢谢"],  # a signed-in member: their own repairs, no ticket id or digits asked
    ["我的券能在门店用吗", "再见"],
    ["what time does the Xujiahui store close", "bye"],
    ["book a makeup consultation at Jing'an tomorrow 3pm", "Lucy"],
    ["帮我约周六下午三点的化妆咨询", "静安", "李雷"],
    ["领一张新人券", "我的券"],
]


def shopper(webhook: str, user: int, rounds: int, token: str) -> list[float]:
    timings = []
    with requests.Session() as http:
        for round_ in range(rounds):
            for text in CONVERSATIONS[(user + round_) % len(CONVERSATIONS)]:
                start = time.perf_counter()
                http.post(
                    webhook,
                    json={"sender": f"bench-{user}-{round_}", "message": text, "metadata": {"member_token": token}},
                    timeout=120,
                ).raise_for_status()
                timings.append((time.perf_counter() - start) * 1000)
    return timings


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--users", type=int, default=20)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        with stack.web_app(folder) as api, stack.assistant(api, folder) as webhook:
            tokens = [stack.sign_in(api, str(13355000000 + user)) for user in range(args.users + 1)]
            shopper(webhook, 0, 1, tokens[-1])  # warm up
            start = time.perf_counter()
            with ThreadPoolExecutor(args.users) as pool:
                timings = [
                    t
                    for batch in pool.map(lambda u: shopper(webhook, u, args.rounds, tokens[u]), range(args.users))
                    for t in batch
                ]
            elapsed = time.perf_counter() - start
    p50, p95 = p50_p95(timings)
    print(f"Rasa REST webhook, {args.users} concurrent users, {len(timings)} turns (zh/en mixed):")
    print(f"  per turn p50 {p50:.0f} ms, p95 {p95:.0f} ms, max {max(timings):.0f} ms")
    print(f"  throughput {len(timings) / elapsed:.1f} turns/s")
    print("  (through the web app: once the chat-widget issue adds its proxy)")


if __name__ == "__main__":
    main()
