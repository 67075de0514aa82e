"""The store back end: plain-Python services over SQLAlchemy, no web framework.

Every channel (try-on pages, assistant actions, chat widget, advisor console) goes through
these functions, usually via the JSON API in ``webapp.api``.
"""

from .db import Database
from .errors import StoreError

__all__ = ["Database", "StoreError"]
