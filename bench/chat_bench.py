"""Chat latency: simulated shoppers at once, mixed Chinese and English conversations, each turn sent
both through the web app's chat (``POST /api/v1/chat``) and straight to Rasa's REST webhook.

Starts the real stack (web app, action server, Rasa with the trained model) on loopback. Each
shopper is a signed-in member (SMS sign-in) with one web chat and one webhook conversation; every
turn goes to both, one after the other (which first alternates), so the two see the same load.
Prints p50/p95 per turn for each and the ratio of the p95s (the chat proxy's cost; goal ≤ 1.10).
Run in the Rasa environment:

    .venv-rasa/bin/python bench/chat_bench.py [--users 10 --rounds 3]
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

CONVERSATIONS = [  # no hand-over: that takes a chat away from the assistant
    ["你好", "静安店还有豆沙红吗", "谢谢"],
    ["is the Oslo sofa in stock near People's Square", "thanks"],
    ["我的维修到哪一步了", "谢谢"],  # a signed-in member: their own repairs, no ticket id or digits asked
    ["我的券能在门店用吗", "再见"],
    ["what time does the Xujiahui store close", "bye"],
    ["book a makeup consultation at Jing'an tomorrow 3pm", "Lucy"],
    ["帮我约周六下午三点的化妆咨询", "静安", "李雷"],
    ["领一张新人券", "我的券"],
]
STORE = "jingan"


def timed(send) -> float:
    start = time.perf_counter()
    send().raise_for_status()
    return (time.perf_counter() - start) * 1000


def shopper(api: str, webhook: str, user: int, rounds: int, token: str) -> tuple[list[float], list[float]]:
    """(proxy timings, webhook timings) of one shopper's turns."""
    proxy, direct = [], []
    with requests.Session() as http:
        for round_ in range(rounds):
            for turn, text in enumerate(CONVERSATIONS[(user + round_) % len(CONVERSATIONS)]):
                lang = "en" if text.isascii() else "zh"
                # what the web app sends Rasa for this chat, so both paths ask the assistant the same
                metadata = {"lang": lang, "channel": "web", "store": STORE, "member_token": token}
                sends = [
                    (
                        proxy,
                        lambda: http.post(
                            f"{api}/chat",
                            json={"message": text, "locale": lang, "store": STORE},
                            headers={"X-Member-Token": token},
                            timeout=120,
                        ),
                    ),
                    (
                        direct,
                        lambda: http.post(
                            webhook,
                            json={"sender": f"bench-{user}", "message": text, "metadata": metadata},
                            timeout=120,
                        ),
                    ),
                ]
                for timings, send in sends if turn % 2 == 0 else reversed(sends):
                    timings.append(timed(send))
    return proxy, direct


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--users", type=int, default=10)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        address = stack.assistant_address(folder)
        with stack.web_app(folder, address) as api, stack.assistant(api, folder, address) as webhook:
            tokens = [stack.sign_in(api, str(13355000000 + user)) for user in range(args.users + 1)]
            shopper(api, webhook, args.users, 1, tokens[-1])  # warm up
            start = time.perf_counter()
            with ThreadPoolExecutor(args.users) as pool:
                results = list(pool.map(lambda u: shopper(api, webhook, u, args.rounds, tokens[u]), range(args.users)))
            elapsed = time.perf_counter() - start
    proxy = [t for timings, _ in results for t in timings]
    direct = [t for _, timings in results for t in timings]
    print(f"Chat, {args.users} concurrent users, {len(proxy)} turns each way (zh/en mixed):")
    for name, timings in (("web app /api/v1/chat", proxy), ("Rasa REST webhook", direct)):
        p50, p95 = p50_p95(timings)
        print(f"  {name:<21} p50 {p50:5.0f} ms, p95 {p95:5.0f} ms, max {max(timings):5.0f} ms")
    ratio = p50_p95(proxy)[1] / p50_p95(direct)[1]
    print(f"  p95 chat / p95 webhook = {ratio:.2f} (goal <= 1.10)")
    print(f"  throughput {2 * len(proxy) / elapsed:.1f} turns/s (both paths together)")


if __name__ == "__main__":
    main()
