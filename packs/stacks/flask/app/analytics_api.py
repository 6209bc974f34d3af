"""Page views: ``POST /api/analytics/pageview`` (anyone), ``GET /api/analytics`` (the
administrator). See app/analytics.py for what is stored: no cookie, IP address or user agent."""
from flask import Blueprint, current_app, request

from .crud import json_object
from .guards import administrator

bp = Blueprint("analytics", __name__, url_prefix="/api/analytics")


def _analytics():
    return current_app.extensions["core"].analytics


@bp.post("/pageview")
def pageview():
    _analytics().record(json_object(), do_not_track=request.headers.get("DNT") == "1")
    return "", 204


@bp.get("")
@administrator
def report():
    return _analytics().report(request.args)
