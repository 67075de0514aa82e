"""`rasa` as the Procfile runs it, with the action server's answers checked against a schema built once.

Rasa 3.6 checks every action server answer with ``jsonschema.validate(answer, schema)``, which first
checks the (large, every event type) schema itself against the JSON-Schema meta-schema and builds a
new validator: measured by bench/chat_bench.py, that was most of Rasa's CPU per turn (several action
calls a turn). Here the schema is checked once and one validator is kept; answers are checked as
strictly as before, with Rasa's own error message. Run from assistant/:

    ../.venv-rasa/bin/python -m rasa_server run --port 5005
"""

from __future__ import annotations

import sys
from typing import Any

from jsonschema.validators import validator_for
from rasa.core.actions.action import RemoteAction


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

if __name__ == "__main__":
    from rasa.__main__ import main

    sys.argv[0] = "rasa"
    sys.exit(main())
