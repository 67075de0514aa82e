"""Every operation of /api/v1/openapi.json fuzzed with Schemathesis (valid and invalid input), anonymous
with the service bearer token and as an advisor signed in to the console, on SQLite and PostgreSQL: no
answer is a 5xx, and each one is documented (status, content type, the error shape)."""

import os
from datetime import timedelta

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

from ..conftest import SERVICE
from ..fake_assistant import fake_assistant
from ..fake_wechat import FakeWeChat
from ..staff_session import add_staff, signed_in

EXAMPLES = int(os.environ.get("STORELENS_FUZZ_EXAMPLES", "25"))  # per operation, mode and caller
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]


@schemathesis.serializer("text/csv")
def _csv(ctx, value):
    return str(value).encode()


def _fuzz(operation, mode: GenerationMode, headers: dict, cookies: dict) -> None:
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
        case.call_and_validate(headers=headers, cookies=cookies, checks=CHECKS)

    run()


def _staff_session(app) -> tuple[dict, dict]:
    """A jingan advisor's console session: the CSRF header and the session cookie, sent on every call
    (given explicitly, so a cookie Schemathesis generates from the security scheme never replaces it)."""
    app.config["PERMANENT_SESSION_LIFETIME"] = timedelta(days=1)  # a long run outlives the 30-minute idle limit
    add_staff(app, "li.na")
    browser = app.test_client()
    headers = signed_in(browser, "li.na")
    name = app.config["SESSION_COOKIE_NAME"]
    return headers, {name: browser.get_cookie(name).value}


@pytest.mark.parametrize("caller", ["anonymous", "staff", "service"])
def test_no_input_gets_a_server_error(app, caller):
    headers, cookies = {"anonymous": ({}, {}), "service": (SERVICE, {})}.get(caller) or _staff_session(app)
    # the chat and WeChat endpoints answer through an assistant and a WeChat that are up
    with fake_assistant() as assistant, FakeWeChat() as wechat:
        app.config["ASSISTANT_URL"] = assistant.base_url
        wechat.configure(app)
        _fuzz_all(app, headers, cookies)


def _fuzz_all(app, headers: dict, cookies: dict) -> None:
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 30
    failures = []
    for operation in operations:
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            try:
                _fuzz(operation, mode, headers, cookies)
            except Unsatisfiable:  # nothing to make invalid: the operation takes no input
                continue
            except Exception as failure:  # noqa: BLE001  (every operation is tried; all failures are listed)
                failures.append(f"{operation.label} ({mode.value}): {str(failure)[:2000]}")
    assert not failures, "\n\n".join(failures)
