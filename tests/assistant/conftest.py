"""Action tests run in the Rasa environment against a real web app, started here on a free
port with its own seeded SQLite database (no mocks of our own API)."""
from __future__ import annotations

import os
import sys

import pytest

from . import stack

sys.path.insert(0, str(stack.ROOT / "assistant"))


@pytest.fixture(scope="session")
def web_app(tmp_path_factory):
    with stack.web_app(tmp_path_factory.mktemp("webapp")) as base:
        yield base


@pytest.fixture(scope="session")
def api(web_app):
    """Points the actions at the test web app; returns a staff client for checking results."""
    os.environ["STORELENS_API_URL"] = web_app
    os.environ["STORELENS_SERVICE_TOKEN"] = stack.SERVICE_TOKEN
    from actions.api import StoreApi

    return StoreApi(web_app, stack.STAFF_TOKEN)
