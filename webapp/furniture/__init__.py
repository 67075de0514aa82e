"""Furniture: the 360°/AR viewer, the room planner, their models and the plan JSON API."""

from flask import Blueprint

bp = Blueprint("furniture", __name__)

from . import furniture_api, furniture_pages  # noqa: E402,F401  (routes)
