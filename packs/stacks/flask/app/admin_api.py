"""``GET /api/admin/summary``: every resource with its number of rows (the administrator)."""
from flask import Blueprint, current_app

from .guards import administrator

bp = Blueprint("admin", __name__, url_prefix="/api/admin")


@bp.get("/summary")
@administrator
def summary():
    return current_app.extensions["core"].admin_summary()
