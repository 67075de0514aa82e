"""Several Rasa instances behind one chat: a shared PostgreSQL tracker store and a Redis lock store.

One conversation is sent to two instances in turn (as a load balancer without sticky sessions
would): the booking form started on one instance goes on on the other, with the slots filled so
far, and the booking made at the end carries every answer. Two messages of one conversation sent
to both instances at once are handled one after the other (the shared lock), so neither turn's
events are lost or doubled in the tracker. The tracker store's memory of each conversation is
checked against the database: what another instance wrote, an erasure, a turn never saved.
"""

from __future__ import annotations

import asyncio
import json
import re
import sqlite3
import subprocess
import threading
import time
import types
from concurrent.futures import ThreadPoolExecutor

import psycopg2
import pytest
import requests

from tests.pgserver import PostgresServer, find_bindir
from tests.redisserver import RedisServer, find_server

from . import stack

CODE = re.compile(r"BK[2-9A-HJ-NP-Z]{6}")
TRACKER_DB = "rasa_tracker"


@pytest.fixture(scope="module")
def postgres():
    bindir = find_bindir()
    assert bindir, "PostgreSQL is needed (make system-deps)"
    server = PostgresServer(bindir)
    server.start()
    try:
        createdb = [str(bindir / "createdb"), "-h", "127.0.0.1", "-p", str(server.port), "-U", "storelens"]
        subprocess.run([*createdb, TRACKER_DB], check=True, capture_output=True)
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="module")
def redis_url():
    executable = find_server()
    assert executable, "redis-server is needed (make system-deps)"
    server = RedisServer(executable)
    server.start()
    try:
        yield server.url()
    finally:
        server.stop()


@pytest.fixture(scope="module")
def instances(web_app, postgres, redis_url, tmp_path_factory):
    """Two Rasa instances (each with its action server) on one tracker database and one lock store."""
    env = {
        "RASA_TRACKER_DIALECT": "postgresql",
        "RASA_TRACKER_URL": f"127.0.0.1:{postgres.port}",
        "RASA_TRACKER_DB": TRACKER_DB,
        "RASA_TRACKER_USER": "storelens",
        "RASA_TRACKER_PASSWORD": "",
        "RASA_REDIS_URL": redis_url,
    }
    with (
        stack.assistant_stack(web_app, tmp_path_factory.mktemp("rasa-a"), env=env) as first,
        stack.assistant_stack(web_app, tmp_path_factory.mktemp("rasa-b"), env=env) as second,
    ):
        yield first.webhook, second.webhook


def say(webhook: str, sender: str, text: str, token: str) -> str:
    body = {"sender": sender, "message": text, "metadata": {"member_token": token}}
    replies = requests.post(webhook, json=body, timeout=120).json()
    return "\n".join(r.get("text", "") for r in replies)


def events(postgres: PostgresServer, sender: str) -> list[dict]:
    with psycopg2.connect(host="127.0.0.1", port=postgres.port, user="storelens", dbname=TRACKER_DB) as db:
        with db.cursor() as cursor:
            cursor.execute("SELECT data FROM events WHERE sender_id = %s ORDER BY id", (sender,))
            return [json.loads(data) for (data,) in cursor.fetchall()]


def test_a_form_goes_on_from_one_instance_to_the_other(instances, postgres, api, sign_in, new_phone):
    first, second = instances
    token = sign_in(new_phone())
    sender = "scale-booking"
    assert re.search("哪家门店", say(first, sender, "帮我约周六下午三点的化妆咨询", token))
    # the second instance knows the form is active and which slot it asked for
    assert re.search("怎么称呼", say(second, sender, "静安", token))
    last = say(first, sender, "李雷", token)
    code = CODE.search(last)
    assert code, f"no booking code in {last!r}"
    booking = api.get(f"/bookings/{code.group(0)}", member=token)
    assert booking["store"]["code"] == "jingan" and booking["name"] == "李雷"
    assert booking["service"]["code"] == "makeup" and booking["slot"]["starts_at"][11:16] == "15:00"
    # the form's answers, set on either instance, are all in the one shared tracker
    filled = {(e["name"], str(e["value"])) for e in events(postgres, sender) if e["event"] == "slot"}
    assert ("customer_name", "李雷") in filled and any(name == "store" and "jingan" in value for name, value in filled)
    assert not any("member_token" in json.dumps(e) for e in events(postgres, sender))


def test_two_messages_at_once_on_two_instances_are_taken_in_turn(instances, postgres, sign_in, new_phone):
    first, second = instances
    token = sign_in(new_phone())
    for attempt in range(5):  # a race shows only now and then: several conversations try it
        _together(first, second, postgres, f"scale-together-{attempt}", token)


def _together(first, second, postgres, sender: str, token: str) -> None:
    say(first, sender, "你好", token)
    with ThreadPoolExecutor(2) as pool:
        replies = list(pool.map(lambda pair: say(*pair, token), [(first, sender, "谢谢"), (second, sender, "再见")]))
    assert all(replies), replies
    stored = events(postgres, sender)
    said = [e["text"] for e in stored if e["event"] == "user"]
    assert sorted(said) == sorted(["你好", "谢谢", "再见"]) and said[0] == "你好"
    # each message's turn is whole before the next one starts: no user event before the bot listened
    for before, event in zip(stored, stored[1:], strict=False):
        if event["event"] == "user":
            assert before["event"] == "action" and before["name"] == "action_listen", stored
    listened = [e for e in stored if e["event"] == "action" and e["name"] == "action_listen"]
    assert len(listened) == len(said) + 1, stored  # after the session's start, and after each turn


def test_the_tracker_store_keeps_conversations_as_the_database_holds_them(tmp_path):
    from rasa.shared.core.domain import Domain
    from rasa.shared.core.events import ActionExecuted, SessionStarted, SlotSet, UserUttered
    from rasa.shared.core.trackers import DialogueStateTracker, EventVerbosity
    from tracker_privacy import TokenFreeSQLTrackerStore

    domain = Domain.load(str(stack.ROOT / "assistant" / "domain.yml"))
    database = tmp_path / "tracker.db"

    def store() -> TokenFreeSQLTrackerStore:
        made = TokenFreeSQLTrackerStore(dialect="sqlite", db=str(database))
        made.domain = domain
        return made

    def said(text: str) -> UserUttered:
        return UserUttered(text, {"name": "greet", "confidence": 1.0}, metadata={"member_token": "secret-token"})

    async def scenario() -> None:
        first, second = store(), store()  # two instances on one database
        start = [ActionExecuted("action_session_start"), SessionStarted(), ActionExecuted("action_listen")]
        await first.save(DialogueStateTracker.from_events("c", [*start, said("你好")], domain.slots))
        for turn, (talking, listening) in enumerate([(first, second), (second, first), (first, second)]):
            tracker = await talking.retrieve("c")
            tracker.update(SlotSet("customer_name", f"name {turn}"))
            tracker.update(ActionExecuted("action_listen"))
            tracker.update(said(f"turn {turn}"))
            await talking.save(tracker)
            with sqlite3.connect(database) as db:  # each event written once
                assert db.execute("SELECT count(*) FROM events").fetchone()[0] == 4 + 3 * (turn + 1)
            # the other instance sees the turn, as a store reading the database afresh does
            fresh = await store().retrieve("c")
            for seen in (await listening.retrieve("c"), await talking.retrieve("c")):
                assert seen.current_state(EventVerbosity.ALL) == fresh.current_state(EventVerbosity.ALL)
                assert seen.get_slot("customer_name") == f"name {turn}"
        assert "secret-token" not in json.dumps(fresh.current_state(EventVerbosity.ALL))
        # a turn that never reached save is not remembered
        (await first.retrieve("c")).update(SlotSet("customer_name", "never saved"))
        assert (await first.retrieve("c")).get_slot("customer_name") == "name 2"
        # the web app's erasure (rows deleted behind the store's back) is seen at once
        with sqlite3.connect(database) as db:
            db.execute("DELETE FROM events WHERE sender_id = 'c'")
        assert await first.retrieve("c") is None and await second.retrieve("c") is None
        # a new session read after a restart holds only that session, as Rasa's full read does
        await first.save(DialogueStateTracker.from_events("c", [*start, said("又来了")], domain.slots))
        assert (await first.retrieve("c")).get_slot("customer_name") is None  # remembered by both
        again = await second.retrieve("c")
        again.update(ActionExecuted("action_session_start"))
        again.update(SessionStarted())
        again.update(said("新的一次"))
        await second.save(again)
        texts = [e.text for e in (await first.retrieve("c")).events if isinstance(e, UserUttered)]
        assert (
            texts
            == ["新的一次"]
            == [e.text for e in (await store().retrieve("c")).events if isinstance(e, UserUttered)]
        )
        with sqlite3.connect(database) as db:
            assert db.execute("SELECT count(*) FROM events WHERE sender_id = 'c'").fetchone()[0] == 7

        # erased, then as many rows again: SQLite gives the erased rows' ids to the new ones
        def opening() -> list:  # events made now, as a new session's are
            return [ActionExecuted("action_session_start"), SessionStarted(), ActionExecuted("action_listen")]

        await first.save(DialogueStateTracker.from_events("d", [*opening(), said("第一位")], domain.slots))
        assert (await first.retrieve("d")).latest_message.text == "第一位"
        with sqlite3.connect(database) as db:
            before = db.execute("SELECT max(id) FROM events").fetchone()[0]
            db.execute("DELETE FROM events WHERE sender_id = 'd'")
        await second.save(DialogueStateTracker.from_events("d", [*opening(), said("第二位")], domain.slots))
        with sqlite3.connect(database) as db:
            assert db.execute("SELECT max(id) FROM events").fetchone()[0] == before  # the same ids
        assert (await first.retrieve("d")).latest_message.text == "第二位"

    asyncio.run(scenario())


def test_event_classes_found_by_name_as_rasa_finds_them():
    import rasa_server
    from rasa.shared.core.events import ActionExecuted, Event, SlotSet

    for _ in range(2):  # found by walking the subclasses, then remembered
        assert Event.resolve_by_type("slot") is SlotSet and Event.resolve_by_type("action") is ActionExecuted
    assert rasa_server.EVENT_CLASSES["slot"] is SlotSet
    assert Event.resolve_by_type("no_such_event", default=SlotSet) is SlotSet
    assert Event.resolve_by_type("topic") is None  # Rasa's answer for old TopicSet events
    with pytest.raises(ValueError, match="Unknown event name"):
        Event.resolve_by_type("no_such_event")
    assert "no_such_event" not in rasa_server.EVENT_CLASSES
    assert Event.from_parameters({"event": "slot", "name": "lang", "value": "en"}) == SlotSet("lang", "en")


def test_calls_to_the_action_server_go_over_one_kept_alive_connection():
    import rasa_server  # noqa: F401 - the Procfile's Rasa: endpoints keep their HTTP sessions
    from aiohttp import web
    from rasa.utils.endpoints import EndpointConfig

    async def scenario():
        seen = []

        async def webhook(request):
            seen.append((request.transport.get_extra_info("peername"), request.headers.get("X-Actions-Token")))
            return web.json_response({"events": [], "responses": [{"text": str((await request.json())["n"])}]})

        app = web.Application()
        app.router.add_post("/webhook", webhook)
        runner = web.AppRunner(app)
        await runner.setup()
        site = web.TCPSite(runner, stack.HOST, 0)
        await site.start()
        port = site._server.sockets[0].getsockname()[1]
        endpoint = EndpointConfig(f"http://{stack.HOST}:{port}/webhook", headers={"X-Actions-Token": "secret"})
        try:
            answers = [await endpoint.request(json={"n": n}, method="post") for n in range(3)]
            assert [a["responses"][0]["text"] for a in answers] == ["0", "1", "2"]
            assert len({peer for peer, _ in seen}) == 1  # one connection for all three calls
            assert {token for _, token in seen} == {"secret"}  # the endpoint's headers on each
            async with endpoint.session() as session:
                await session.close()  # a closed session is replaced by a new one
            assert (await endpoint.request(json={"n": 3}, method="post"))["responses"][0]["text"] == "3"
            assert len({peer for peer, _ in seen}) == 2
        finally:
            async with endpoint.session() as session:
                await session.close()
            await runner.cleanup()

    asyncio.run(scenario())


def test_a_message_being_parsed_does_not_hold_up_other_conversations():
    import rasa_server
    from rasa.shared.core.trackers import DialogueStateTracker

    class Processor:  # what rasa_server.parse_message uses of Rasa's MessageProcessor
        http_interpreter = None

        def __init__(self) -> None:
            self.threads = []

        def _parse_message_with_graph(self, message, tracker, only_output_properties):
            self.threads.append(threading.current_thread().name)
            time.sleep(0.3)  # the model computing, blocking its thread as TensorFlow does
            return {"text": message.text, "intent": {"name": "greet", "confidence": 0.9}, "entities": []}

        def _update_full_retrieval_intent(self, parse_data):
            parse_data["checked"] = True

        def _check_for_unseen_features(self, parse_data):
            pass

    async def scenario():
        processor, ticks = Processor(), []

        async def other_conversations():
            while len(ticks) < 20:
                ticks.append(time.perf_counter())
                await asyncio.sleep(0.01)

        message = types.SimpleNamespace(text="你好", sender_id="s")
        tracker = DialogueStateTracker.from_events("s", [])
        start = time.perf_counter()
        parsed, *_ = await asyncio.gather(
            rasa_server.parse_message(processor, message, tracker),
            rasa_server.parse_message(processor, message, tracker),
            other_conversations(),
        )
        assert parsed == {
            "text": "你好",
            "intent": {"name": "greet", "confidence": 0.9},
            "entities": [],
            "checked": True,
        }
        assert all(name.startswith("nlu") for name in processor.threads) and len(processor.threads) == 2
        assert len([tick for tick in ticks if tick - start < 0.25]) >= 5  # the loop went on meanwhile
        assert time.perf_counter() - start < 0.55  # the two parses ran side by side

    asyncio.run(scenario())
