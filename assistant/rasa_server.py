"""`rasa` as the Procfile runs it, with the action server's answers checked against a schema built once,
and event classes found by name once.

Rasa 3.6 checks every action server answer with ``jsonschema.validate(answer, schema)``, which first
checks the (large, every event type) schema itself against the JSON-Schema meta-schema and builds a
new validator: measured by bench/chat_bench.py, that was most of Rasa's CPU per turn (several action
calls a turn). Here the schema is checked once and one validator is kept; answers are checked as
strictly as before, with Rasa's own error message. Every event read back (tracker store rows, action
answers) also finds its class by walking all of ``Event``'s subclasses (~8 % of Rasa's CPU under load,
py-spy); here each name's class is remembered after the first walk. Run from assistant/:

    ../.venv-rasa/bin/python -m rasa_server run --port 5005
"""

from __future__ import annotations

import sys
from typing import Any

from jsonschema.validators import validator_for
from rasa.core.actions.action import RemoteAction
from rasa.shared.core.events import Event


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

if __name__ == "__main__":
    from rasa.__main__ import main

    sys.argv[0] = "rasa"
    sys.exit(main())
