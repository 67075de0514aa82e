"""Chat speed: where one turn's time goes, one shopper alone, then a crowd of shoppers without think
time, each turn sent both through the web app's chat (``POST /api/v1/chat``) and straight to Rasa's
REST webhook (mixed Chinese and English conversations).

Starts the real stack (web app, action server, Rasa with the trained model; ``--instances N`` Rasa
instances sharing a Redis lock store and an SQL tracker store) on loopback. Prints:

- p50/p95 per turn for one user and for ``--users`` at once, the crowd's throughput (turns/s, both
  paths together: the saturation figure), and the p95 ratio chat / webhook (the proxy's cost);
- the servers' CPU per turn (web app + Rasa + action server, from /proc) over the crowd phase, and
  that divided by the NLU parse time of one message;
- the breakdown of one turn, measured with Rasa's own processor in this process (same model, same
  tracker store class, the live action server): NLU parse, policy predictions, tracker read and
  write, action server calls, and beside it the web API call an action makes and a bare HTTP hop.

Run in the Rasa environment:

    .venv-rasa/bin/python bench/chat_bench.py [--users 20 --rounds 2 --instances 1 --model PATH]
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import statistics
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

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
TICK = os.sysconf("SC_CLK_TCK")


def timed(send) -> float:
    start = time.perf_counter()
    send().raise_for_status()
    return (time.perf_counter() - start) * 1000


def shopper(api: str, webhooks: list[str], user: int, rounds: int, token: str) -> tuple[list[float], list[float]]:
    """(proxy timings, webhook timings) of one shopper's turns; the shopper's straight-to-Rasa turns
    stay on one instance, as a sticky load balancer (and the web app's proxy) keeps a conversation."""
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
                            webhooks[user % len(webhooks)],
                            json={"sender": f"bench-{user}", "message": text, "metadata": metadata},
                            timeout=120,
                        ),
                    ),
                ]
                for timings, send in sends if turn % 2 == 0 else reversed(sends):
                    timings.append(timed(send))
    return proxy, direct


def server_cpu_seconds() -> dict[str, float]:
    """User + system CPU seconds of the servers this bench started, by server (each runs in its own
    session, led by our child; named by its command line)."""
    me, stats, names = os.getpid(), [], {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
                command = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
            except OSError:
                continue
            stats.append((int(entry.name), int(fields[1]), int(fields[3]), int(fields[11]) + int(fields[12])))
            names[int(entry.name)] = command
    kinds = {"serve_actions": "action server", "rasa_server": "Rasa", "gunicorn": "web app"}
    sessions = {
        pid: next((kind for key, kind in kinds.items() if key in names[pid]), "other")
        for pid, parent, _, _ in stats
        if parent == me
    }
    spent: dict[str, float] = defaultdict(float)
    for _, _, session, ticks in stats:
        if session in sessions:
            spent[sessions[session]] += ticks / TICK
    return spent


def report(name: str, timings: list[float]) -> None:
    p50, p95 = p50_p95(timings)
    print(f"    {name:<21} p50 {p50:5.0f} ms, p95 {p95:5.0f} ms, max {max(timings):5.0f} ms")


class Stopwatch:
    """Time spent in wrapped methods, per name, during one turn."""

    def __init__(self) -> None:
        self.turn: dict[str, list[float]] = defaultdict(list)
        self.turns: list[dict[str, list[float]]] = []

    def wrap(self, owner: object, attribute: str, name: str) -> None:
        original: Callable = getattr(owner, attribute)
        turn = self.turn

        if asyncio.iscoroutinefunction(original):

            async def timed_async(*args, **kwargs):
                start = time.perf_counter()
                try:
                    return await original(*args, **kwargs)
                finally:
                    turn[name].append((time.perf_counter() - start) * 1000)

            setattr(owner, attribute, timed_async)
        else:

            def timed_sync(*args, **kwargs):
                start = time.perf_counter()
                try:
                    return original(*args, **kwargs)
                finally:
                    turn[name].append((time.perf_counter() - start) * 1000)

            setattr(owner, attribute, timed_sync)

    def next_turn(self) -> None:
        self.turns.append({name: list(times) for name, times in self.turn.items()})
        self.turn.clear()

    def per_turn(self, name: str) -> tuple[float, float]:
        """(mean ms per turn, mean calls per turn)."""
        return (
            statistics.mean(sum(turn.get(name, [])) for turn in self.turns),
            statistics.mean(len(turn.get(name, [])) for turn in self.turns),
        )


async def breakdown(model: Path, started: stack.Assistant, folder: Path, token: str, rounds: int) -> float:
    """One shopper's turns through Rasa's processor in this process; prints where the time goes and
    returns the NLU parse time of one message (ms)."""
    sys.path.insert(0, str(ROOT / "assistant"))
    import rasa_server  # noqa: F401 - the Procfile's Rasa: action answers checked with one validator
    from rasa.core.actions.action import RemoteAction
    from rasa.core.agent import Agent
    from rasa.core.channels.channel import CollectingOutputChannel, UserMessage
    from rasa.core.utils import AvailableEndpoints
    from rasa.utils.common import configure_logging_and_warnings
    from rasa.utils.log_utils import configure_structlog
    from tracker_privacy import TokenFreeSQLTrackerStore

    configure_logging_and_warnings(logging.WARNING)
    configure_structlog(logging.WARNING)

    # the action endpoint exactly as endpoints.yml configures Rasa's
    os.environ.update(
        {
            "ACTIONS_PORT": started.actions_url.rsplit(":", 1)[1],
            "STORELENS_ACTIONS_TOKEN": started.actions_token,
            **{f"RASA_TRACKER_{name}": "" for name in ("DIALECT", "URL", "DB", "USER", "PASSWORD")},
        }
    )
    endpoint = AvailableEndpoints.read_endpoints(str(ROOT / "assistant" / "endpoints.yml")).action
    store = TokenFreeSQLTrackerStore(dialect="sqlite", db=str(folder / "breakdown-tracker.db"))
    agent = Agent.load(str(model), tracker_store=store, action_endpoint=endpoint)
    store.domain = agent.domain
    watch = Stopwatch()
    watch.wrap(agent.processor, "parse_message", "NLU parse")
    watch.wrap(agent.processor, "_predict_next_with_tracker", "policy prediction")
    watch.wrap(store, "retrieve", "tracker read")
    watch.wrap(store, "save", "tracker write")
    watch.wrap(RemoteAction, "run", "action server call")
    turns, totals = 0, []
    for round_ in range(rounds + 1):
        for user, conversation in enumerate(CONVERSATIONS):
            for text in conversation:
                lang = "en" if text.isascii() else "zh"
                message = UserMessage(
                    text,
                    CollectingOutputChannel(),
                    f"breakdown-{round_}-{user}",
                    metadata={"lang": lang, "channel": "web", "store": STORE, "member_token": token},
                )
                start = time.perf_counter()
                await agent.handle_message(message)
                elapsed = (time.perf_counter() - start) * 1000
                if round_ == 0:  # warm-up round: first calls build caches
                    watch.turn.clear()
                    continue
                totals.append(elapsed)
                watch.next_turn()
                turns += 1

    print(f"  Breakdown of one turn in Rasa's processor ({turns} turns, one at a time, mean per turn):")
    total = statistics.mean(totals)
    accounted = 0.0
    for name in ("NLU parse", "policy prediction", "tracker read", "tracker write", "action server call"):
        spent, calls = watch.per_turn(name)
        accounted += spent
        print(f"    {name:<20} {spent:6.1f} ms  ({calls:.1f} calls, {spent / max(calls, 1e-9):5.1f} ms each)")
    print(f"    {'rest of Rasa':<20} {total - accounted:6.1f} ms  (events, tracker replay, NLG, lock)")
    print(f"    {'whole turn':<20} {total:6.1f} ms")
    return watch.per_turn("NLU parse")[0] / max(watch.per_turn("NLU parse")[1], 1e-9)


def hops(api: str, rasa_url: str, token: str) -> None:
    """A bare HTTP round trip to each server, and the web API call behind a stock answer."""
    with requests.Session() as http:
        figures = {
            "HTTP hop to Rasa (GET /)": lambda: http.get(f"{rasa_url}/", timeout=10),
            "HTTP hop to web app": lambda: http.get(f"{api}/stores", timeout=10),
            "web API: product search": lambda: http.get(f"{api}/products/search", params={"q": "豆沙红"}, timeout=10),
            "web API: my coupons": lambda: http.get(
                f"{api}/members/me/coupons", headers={"X-Member-Token": token}, timeout=10
            ),
        }
        for name, call in figures.items():
            samples = []
            for _ in range(30):
                start = time.perf_counter()
                call()
                samples.append((time.perf_counter() - start) * 1000)
            print(f"    {name:<28} median {statistics.median(samples):5.1f} ms")


def crowd(api: str, webhooks: list[str], tokens: list[str], users: int, rounds: int):
    start, before, mine = time.perf_counter(), server_cpu_seconds(), time.process_time()
    with ThreadPoolExecutor(users) as pool:
        results = list(pool.map(lambda u: shopper(api, webhooks, u, rounds, tokens[u]), range(users)))
    elapsed, after, mine = time.perf_counter() - start, server_cpu_seconds(), time.process_time() - mine
    cpu = {name: after[name] - before.get(name, 0.0) for name in after}
    cpu["this bench's shoppers"] = mine  # the load generator shares the cores: not the servers' cost
    proxy = [t for timings, _ in results for t in timings]
    direct = [t for _, timings in results for t in timings]
    return proxy, direct, elapsed, cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--users", type=int, default=20)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--instances", type=int, default=1, help="Rasa instances (2+: Redis locks, shared tracker)")
    parser.add_argument("--model", type=Path, default=stack.MODEL)
    parser.add_argument("--no-breakdown", action="store_true", help="skip loading the model in this process")
    args = parser.parse_args()
    print(f"Load before the run (uptime): {Path('/proc/loadavg').read_text().split()[:3]} on {os.cpu_count()} cores")
    with tempfile.TemporaryDirectory() as tmp, ExitStack() as running:
        folder = Path(tmp)
        env = {"RASA_MODEL": str(args.model.resolve())}
        if args.instances > 1:
            from tests.redisserver import RedisServer, find_server

            redis = RedisServer(find_server())
            redis.start()
            running.callback(redis.stop)
            env["RASA_REDIS_URL"] = redis.url()
        addresses = [stack.assistant_address(folder / f"rasa{n}") for n in range(args.instances)]
        for address in addresses:
            address.folder.mkdir()
        # every instance on the first one's SQLite tracker (one file, shared through its locks)
        env["RASA_TRACKER_DB"] = str(addresses[0].tracker_db)
        api = running.enter_context(stack.web_app(folder, *addresses))
        started = [running.enter_context(stack.assistant_stack(api, a.folder, a, env)) for a in addresses]
        webhooks = [s.webhook for s in started]
        tokens = [stack.sign_in(api, str(13355000000 + user)) for user in range(args.users + 1)]
        shopper(api, webhooks, args.users, 1, tokens[-1])  # warm up

        print(f"Chat, mixed zh/en turns, {args.instances} Rasa instance(s), model {args.model.name}:")
        print("  One user:")
        alone = crowd(api, webhooks, tokens, 1, args.rounds * 2)
        report("web app /api/v1/chat", alone[0])
        report("Rasa REST webhook", alone[1])
        print(f"  {args.users} users at once, no think time:")
        proxy, direct, elapsed, cpu = crowd(api, webhooks, tokens, args.users, args.rounds)
        report("web app /api/v1/chat", proxy)
        report("Rasa REST webhook", direct)
        turns = len(proxy) + len(direct)
        print(f"    p95 chat / p95 webhook = {p50_p95(proxy)[1] / p50_p95(direct)[1]:.2f} (goal <= 1.10)")
        print(f"    throughput {turns / elapsed:.1f} turns/s (both paths together; goal >= 45)")
        shoppers = cpu.pop("this bench's shoppers")
        cpu_per_turn = sum(cpu.values()) / turns * 1000
        split = ", ".join(f"{name} {seconds / turns * 1000:.0f}" for name, seconds in sorted(cpu.items()))
        print(
            f"    server CPU {cpu_per_turn:.0f} ms per turn ({split}); the bench's shoppers {shoppers / turns * 1000:.0f}"
        )
        print("  Round trips and the web API, one at a time:")
        hops(api, started[0].rasa_url, tokens[0])
        if not args.no_breakdown:
            parse = asyncio.run(breakdown(args.model, started[0], folder, tokens[0], 1))
            print(
                f"  Server CPU per turn / NLU parse time = {cpu_per_turn:.0f} / {parse:.1f} = {cpu_per_turn / parse:.1f}x"
            )
    print(f"Load after the run (uptime): {Path('/proc/loadavg').read_text().split()[:3]}")


if __name__ == "__main__":
    main()
