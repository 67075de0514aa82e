"""Every operation of /api/v1/openapi.json fuzzed with Schemathesis (valid and invalid input), anonymous
and with each bearer token, on SQLite and PostgreSQL: no answer is a 5xx, and each one is documented
(status, content type, the error shape)."""

import os

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from ..conftest import SERVICE, STAFF
from ..fake_assistant import fake_assistant
from ..fake_wechat import FakeWeChat

EXAMPLES = int(os.environ.get("STORELENS_FUZZ_EXAMPLES", "25"))  # per operation, mode and caller
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]


@schemathesis.serializer("text/csv")
def _csv(ctx, value):
    return str(value).encode()


def _fuzz(operation, mode: GenerationMode, headers: dict) -> None:
    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        database=None,
        derandomize=True,
        phases=[Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(case=operation.as_strategy(generation_mode=mode))
    def run(case):
        case.call_and_validate(headers=headers, checks=CHECKS)

    run()


@pytest.mark.parametrize("headers", [{}, STAFF, SERVICE], ids=["anonymous", "staff", "service"])
def test_no_input_gets_a_server_error(app, headers):
    # the chat and WeChat endpoints answer through an assistant and a WeChat that are up
    with fake_assistant() as assistant, FakeWeChat() as wechat:
        app.config["ASSISTANT_URL"] = assistant.base_url
        wechat.configure(app)
        _fuzz_all(app, headers)


def _fuzz_all(app, headers: dict) -> None:
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 30
    failures = []
    for operation in operations:
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            try:
                _fuzz(operation, mode, headers)
            except Unsatisfiable:  # nothing to make invalid: the operation takes no input
                continue
            except Exception as failure:  # noqa: BLE001  (every operation is tried; all failures are listed)
                failures.append(f"{operation.label} ({mode.value}): {str(failure)[:2000]}")
    assert not failures, "\n\n".join(failures)
