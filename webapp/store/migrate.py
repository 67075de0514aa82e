"""Schema migrations (Alembic, scripts in ``webapp/migrations``) run from Python."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config

MIGRATIONS_DIR = Path(__file__).resolve().parent.parent / "migrations"


def alembic_config(url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


def upgrade(url: str) -> None:
    command.upgrade(alembic_config(url), "head")


def new_revision(url: str, message: str) -> None:
    """Autogenerate a migration from the difference between the models and the database."""
    command.revision(alembic_config(url), message=message, autogenerate=True)
