"""Store staff in tests: accounts and signed-in console sessions, as an advisor's browser has them."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

import requests

if TYPE_CHECKING:  # the assistant's tests (Rasa's environment, no web app) use http_session only
    from webapp.store.staff import StaffContext

PASSWORD = "correct horse battery"


def add_staff(app, username: str, store: str = "jingan", role: str = "advisor", name: str = "李娜") -> dict:
    from webapp.store import staff

    with app.extensions["store_db"].session() as session:
        return staff.create_account(session, username, name, store, role, PASSWORD)


def advisor_context(session, username: str = "li.na", store: str = "jingan", name: str = "李娜") -> StaffContext:
    """A new advisor as the store functions see a signed-in one, for tests that call them directly."""
    from webapp.store import staff

    staff.create_account(session, username, name, store, "advisor", PASSWORD)
    return staff.context(staff.find_account(session, username))


def csrf_token(page: str) -> str:
    return re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)


def post_sign_in(client, username: str, password: str = PASSWORD, lang: str = "zh", **kwargs):
    token = csrf_token(client.get(f"/advisor/login?lang={lang}").get_data(as_text=True))
    form = {"csrf_token": token, "username": username, "password": password}
    return client.post(f"/advisor/login?lang={lang}", data=form, **kwargs)


def signed_in(client, username: str) -> dict:
    """Sign in; the headers a console page's script sends on state-changing API calls."""
    assert post_sign_in(client, username).status_code == 302
    return {"X-CSRFToken": csrf_token(client.get("/advisor/").get_data(as_text=True))}


def http_session(base_url: str, username: str, password: str = PASSWORD) -> requests.Session:
    """A console session on a running server, as an advisor's browser holds it: the cookie, and the
    page's CSRF token sent on every call."""
    browser = requests.Session()
    token = csrf_token(browser.get(f"{base_url}/advisor/login", timeout=10).text)
    form = {"csrf_token": token, "username": username, "password": password}
    assert browser.post(f"{base_url}/advisor/login", data=form, allow_redirects=False, timeout=10).status_code == 302
    browser.headers["X-CSRFToken"] = csrf_token(browser.get(f"{base_url}/advisor/", timeout=10).text)
    return browser
