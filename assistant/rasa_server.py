"""`rasa` as the Procfile runs it, with the action server's answers checked against a schema built once,
and event classes found by name once.

Rasa 3.6 checks every action server answer with ``jsonschema.validate(answer, schema)``, which first
checks the (large, every event type) schema itself against the JSON-Schema meta-schema and builds a
new validator: measured by bench/chat_bench.py, that was most of Rasa's CPU per turn (several action
calls a turn). Here the schema is checked once and one validator is kept; answers are checked as
strictly as before, with Rasa's own error message. Every event read back (tracker store rows, action
answers) also finds its class by walking all of ``Event``'s subclasses (~8 % of Rasa's CPU under load,
py-spy); here each name's class is remembered after the first walk. Each call to an endpoint (the
action server's webhook) also opened and closed its own HTTP session and connection; here an
endpoint keeps one session per event loop, so calls reuse kept-alive connections. And Rasa parsed
each message on its event loop, so every other conversation waited while TensorFlow ran; here the
NLU graph runs on two threads beside the loop (TensorFlow lets go of the GIL while it computes,
so on 2 cores the model runs while the loop serves other turns). Run from assistant/:

    ../.venv-rasa/bin/python -m rasa_server run --port 5005
"""

from __future__ import annotations

import asyncio
import sys
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import aiohttp
from jsonschema.validators import validator_for
from rasa.core.actions.action import RemoteAction
from rasa.core.processor import MessageProcessor
from rasa.shared.core.events import Event
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.utils.endpoints import DEFAULT_REQUEST_TIMEOUT, EndpointConfig


def _checked_once():
    schema = RemoteAction.action_response_format_spec()
    validator_class = validator_for(schema)
    validator_class.check_schema(schema)
    return validator_class(schema)


ANSWER_VALIDATOR = _checked_once()
ORIGINAL = RemoteAction._validate_action_result


def validate_action_result(self: RemoteAction, result: dict[str, Any]) -> bool:
    # an answer that fails goes through Rasa's own check, which raises with Rasa's message
    return ANSWER_VALIDATOR.is_valid(result) or ORIGINAL(self, result)


RemoteAction._validate_action_result = validate_action_result

EVENT_CLASSES: dict[str, type[Event]] = {}
ORIGINAL_RESOLVE = Event.resolve_by_type


def resolve_by_type(type_name: str, default: type[Event] | None = None) -> type[Event] | None:
    # unknown names go through Rasa's own walk each time: its default, None or its error, as before
    known = EVENT_CLASSES.get(type_name)
    if known is None:
        known = ORIGINAL_RESOLVE(type_name, default)
        if known is not None and known is not default:
            EVENT_CLASSES[type_name] = known
    return known


Event.resolve_by_type = staticmethod(resolve_by_type)

# idle connections are dropped before the action server (Sanic, 5 s keep-alive) drops them, so a
# call never goes out on a connection the server is closing
KEEP_ALIVE_SECONDS = 2.0


class _Kept:
    """``async with`` over a kept session: Rasa's ``request`` closes what ``session()`` gives it."""

    def __init__(self, session: aiohttp.ClientSession) -> None:
        self.session = session

    async def __aenter__(self) -> aiohttp.ClientSession:
        return self.session

    async def __aexit__(self, *_exc: object) -> None:
        return None


def kept_session(self: EndpointConfig) -> _Kept:
    # sessions belong to one event loop: Rasa serves on one, but tests and tools may run several
    sessions = self.__dict__.setdefault("_kept_sessions", {})
    loop = asyncio.get_running_loop()
    session = sessions.get(loop)
    if session is None or session.closed:
        auth = aiohttp.BasicAuth(self.basic_auth["username"], self.basic_auth["password"]) if self.basic_auth else None
        session = sessions[loop] = aiohttp.ClientSession(
            headers=self.headers,
            auth=auth,
            timeout=aiohttp.ClientTimeout(total=DEFAULT_REQUEST_TIMEOUT),
            connector=aiohttp.TCPConnector(keepalive_timeout=KEEP_ALIVE_SECONDS),
        )
    return _Kept(session)


EndpointConfig.session = kept_session

NLU_THREADS = ThreadPoolExecutor(2, thread_name_prefix="nlu")  # a parse at a time per core
ORIGINAL_PARSE = MessageProcessor.parse_message


async def parse_message(
    self: MessageProcessor,
    message: Any,
    tracker: DialogueStateTracker | None = None,
    only_output_properties: bool = True,
) -> dict[str, Any]:
    if self.http_interpreter:
        return await ORIGINAL_PARSE(self, message, tracker, only_output_properties)
    tracker = tracker or DialogueStateTracker.from_events(message.sender_id, [])
    parse_data = await asyncio.get_running_loop().run_in_executor(
        NLU_THREADS, self._parse_message_with_graph, message, tracker, only_output_properties
    )
    # what Rasa's own parse_message does with the graph's result (but its debug log line)
    self._update_full_retrieval_intent(parse_data)
    self._check_for_unseen_features(parse_data)
    return parse_data


MessageProcessor.parse_message = parse_message

if __name__ == "__main__":
    from rasa.__main__ import main

    sys.argv[0] = "rasa"
    sys.exit(main())
