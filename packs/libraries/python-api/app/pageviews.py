"""Privacy-friendly page views, whatever the web framework and the store: what a page view is
(its path, without query string or fragment, counted for the day in UTC) and which days a report
covers. Nothing about the visitor is kept: no cookie, IP address, user agent or referrer.
Browsers that send ``DNT: 1`` are not counted.
"""
from datetime import datetime, timedelta, timezone

from .params import query_integer
from .problems import bad_request

MAX_PATH_LENGTH = 512  # kept short enough for the primary key index
DEFAULT_DAYS = 30
MAX_DAYS = 366


def today():
    """The day a page view is counted for (UTC)."""
    return datetime.now(timezone.utc).date()


def page_path(body):
    """The path of ``POST /api/analytics/pageview``'s body ``{path}``, without its query string or
    fragment; 400 when there is none."""
    path = body.get("path") if isinstance(body, dict) else None
    message = None
    if not isinstance(path, str) or not path.startswith("/"):
        message = "must be a path starting with /"
    else:
        path = path.split("#", 1)[0].split("?", 1)[0]
        if len(path) > MAX_PATH_LENGTH:
            message = f"must be at most {MAX_PATH_LENGTH} characters"
        elif any(ord(char) < 32 or ord(char) == 127 for char in path):
            message = "must not contain control characters"
    if message:
        raise bad_request("Validation failed", [{"field": "path", "message": message}])
    return path


def report_since(params):
    """The first day of ``GET /api/analytics?days=N`` (default 30, 1 to 366): the report covers
    it and the days after it, today included."""
    days = query_integer(params, "days", DEFAULT_DAYS, 1, MAX_DAYS)
    return today() - timedelta(days=days - 1)


def report_row(day, path, views):
    """One line of the report."""
    return {"day": day.isoformat(), "path": path, "views": views}
