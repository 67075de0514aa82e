"""Store staff in tests: accounts and signed-in console sessions, as an advisor's browser has them."""

import re

from webapp.store import staff

PASSWORD = "correct horse battery"


def add_staff(app, username: str, store: str = "jingan", role: str = "advisor", name: str = "李娜") -> dict:
    with app.extensions["store_db"].session() as session:
        return staff.create_account(session, username, name, store, role, PASSWORD)


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
