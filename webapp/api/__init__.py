"""JSON API under /api/v1: thin routes over ``webapp.store`` services."""
from flask import Blueprint

bp = Blueprint("api", __name__, url_prefix="/api/v1")

from . import catalog, consultations, coupons, handoffs, repairs, stock  # noqa: E402,F401  (routes)
