"""Fixtures: every store/API test runs on SQLite and on a real PostgreSQL server.

Each backend gets one migrated and seeded template per session; each test gets its own copy
(a file copy for SQLite, ``CREATE DATABASE ... TEMPLATE`` for PostgreSQL).
"""

from __future__ import annotations

import itertools
import os
import shutil
from pathlib import Path

import pytest
from argon2 import PasswordHasher
from sqlalchemy import create_engine, text

from webapp import PROJECT_ROOT, create_app
from webapp.store import Database, furniture_catalog, migrate, seed, staff

from .pgserver import PostgresServer, find_bindir
from .staff_session import add_staff, signed_in

SEED_DIR = PROJECT_ROOT / "assets" / "seed"
SERVICE_TOKEN = "test-service-token"
SERVICE = {"Authorization": f"Bearer {SERVICE_TOKEN}"}
PUBLIC_URL = "https://shop.example.cn"
_copies = itertools.count()


def _migrate_and_seed(url: str) -> None:
    migrate.upgrade(url)
    db = Database(url)
    with db.session() as session:
        seed.seed(session, SEED_DIR)
    db.dispose()


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("sqlite") / "template.db"
    _migrate_and_seed(f"sqlite:///{path}")
    return path


@pytest.fixture(scope="session")
def postgres_server():
    bindir = find_bindir()
    if bindir is None:
        if os.environ.get("STORELENS_REQUIRE_SYSTEM_DEPS"):
            pytest.fail("PostgreSQL is not installed; `make test` installs it (apt-get install postgresql)")
        pytest.skip("PostgreSQL is not installed here (make test installs it)")
    server = PostgresServer(bindir)
    server.start()
    admin = create_engine(server.url(), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text("CREATE DATABASE storelens_template"))
    _migrate_and_seed(server.url("storelens_template"))
    yield server, admin
    admin.dispose()
    server.stop()


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def db_url(request, tmp_path):
    if request.param == "sqlite":
        path = tmp_path / "store.db"
        shutil.copy(request.getfixturevalue("sqlite_template"), path)
        yield f"sqlite:///{path}"
        return
    server, admin = request.getfixturevalue("postgres_server")
    name = f"storelens_test_{next(_copies)}"
    with admin.connect() as conn:
        conn.execute(text(f"CREATE DATABASE {name} TEMPLATE storelens_template"))
    yield server.url(name)
    with admin.connect() as conn:
        conn.execute(text(f"DROP DATABASE {name} WITH (FORCE)"))


@pytest.fixture
def db(db_url):
    database = Database(db_url)
    yield database
    database.dispose()


@pytest.fixture
def session(db):
    with db.session() as s:
        yield s


@pytest.fixture(scope="session")
def models_dir(sqlite_template, tmp_path_factory) -> Path:
    """The catalog's furniture GLBs, generated once for the session."""
    folder = tmp_path_factory.mktemp("models")
    db = Database(f"sqlite:///{sqlite_template}")
    with db.session() as session:
        furniture_catalog.build_catalog_models(session, PROJECT_ROOT / "assets" / "models" / "parametric.json", folder)
    db.dispose()
    return folder


@pytest.fixture
def app(db_url, models_dir):
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "test-secret-key",  # signs console sessions and chat tokens
            "DATABASE_URL": db_url,
            "MODELS_DIR": str(models_dir),
            "SERVICE_TOKEN": SERVICE_TOKEN,
            "SMS_SENDER": "memory",
            "PUBLIC_URL": PUBLIC_URL,
        }
    )
    yield app
    app.extensions["store_db"].dispose()


@pytest.fixture
def client(app):
    return app.test_client()


def sign_in(client, phone: str = "13655550123") -> dict:
    """A verified member's headers: the SMS code is read from the app's in-memory outbox."""
    assert client.post("/api/v1/auth/codes", json={"phone": phone}).status_code == 202
    code = client.application.extensions["sms_outbox"][phone]
    answer = client.post("/api/v1/auth/codes/verify", json={"phone": phone, "code": code})
    assert answer.status_code == 200, answer.get_json()
    return {"X-Member-Token": answer.get_json()["member_token"]}


@pytest.fixture
def member(client) -> dict:
    return sign_in(client)


@pytest.fixture
def staff_headers(app, client) -> dict:
    """``client`` signed in to the console as jingan advisor 李娜 (li.na): the CSRF header its calls send."""
    add_staff(app, "li.na")
    return signed_in(client, "li.na")


# tests/assistant run in the Rasa environment (Python 3.10), by their own pytest call
collect_ignore = ["assistant"]


@pytest.fixture(autouse=True)
def quick_hashes(monkeypatch):
    """Cheap argon2 parameters for staff passwords: the tests check the rules, not the hash's cost."""
    monkeypatch.setattr(staff, "_hasher", PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))
