"""Action tests run in the Rasa environment against a real web app, started here on a free
port with its own seeded SQLite database (no mocks of our own API)."""

from __future__ import annotations

import itertools
import os
import sys

import pytest

from . import stack

sys.path.insert(0, str(stack.ROOT / "assistant"))


@pytest.fixture(scope="session")
def assistant_address(tmp_path_factory):
    """Where the session's Rasa listens: the web app's chat is pointed there before Rasa starts."""
    return stack.assistant_address(tmp_path_factory.mktemp("rasa"))


@pytest.fixture(scope="session")
def web_app_folder(tmp_path_factory):
    """The test web app's files: its SQLite database is ``store.db`` here."""
    return tmp_path_factory.mktemp("webapp")


@pytest.fixture(scope="session")
def web_app(web_app_folder, assistant_address):
    with stack.web_app(web_app_folder, assistant_address) as base:
        yield base


@pytest.fixture(scope="session")
def api(web_app):
    """Points the actions at the test web app; returns a back end's client (the ERP's stock sync)."""
    os.environ["STORELENS_API_URL"] = web_app
    os.environ["STORELENS_SERVICE_TOKEN"] = stack.SERVICE_TOKEN
    from actions.store_api import StoreApi

    return StoreApi(web_app, stack.SERVICE_TOKEN)


@pytest.fixture(scope="session")
def queue(web_app, api):
    """A store's hand-over queue as its advisor sees it in the console: ``queue(store)``. The hand-overs
    in it are the actions', so they are pointed at the test web app too (``api``)."""
    sessions: dict[str, object] = {}

    def read(store: str = "jingan", status: str = "open") -> list[dict]:
        if store not in sessions:
            sessions[store] = stack.advisor(web_app, store)
        answer = sessions[store].get(f"{web_app}/handoffs", params={"status": status}, timeout=10)
        assert answer.status_code == 200, answer.text
        return answer.json()["handoffs"]

    return read


_phones = itertools.count(13311000001)


@pytest.fixture(scope="session")
def new_phone():
    """A phone number no other test has used (sign-in codes are limited per phone)."""
    return lambda: str(next(_phones))


@pytest.fixture(scope="session")
def sign_in(web_app):
    """``sign_in(phone) -> member token``, through the web app's SMS sign-in."""
    return lambda phone: stack.sign_in(web_app, phone)


@pytest.fixture(scope="session")
def owner_token(sign_in):
    """The signed-in owner of repair ticket R-20417 (seed data: phone 139 1234 5678); one sign-in for
    the session, as a phone gets one code a minute."""
    return sign_in("13912345678")


@pytest.fixture(scope="session")
def assistant(web_app, assistant_address):
    """Rasa and the action server, started from the Procfile's lines."""
    with stack.assistant_stack(web_app, assistant_address.folder, assistant_address) as started:
        yield started
