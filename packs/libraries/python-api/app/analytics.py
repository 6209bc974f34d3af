"""Privacy-friendly page views: a count per path and day (UTC), nothing else.

No cookie is set, and no IP address, user agent, referrer or query string is stored: a page view
is ``{path}`` and adds one to that path's count for the day. Browsers that send ``DNT: 1`` are
not counted.
"""
from datetime import datetime, timedelta, timezone

import sqlalchemy as sa

from .problems import bad_request
from .service import query_integer
from .tables import page_views

MAX_PATH_LENGTH = 512  # kept short enough for the primary key index
DEFAULT_DAYS = 30
MAX_DAYS = 366


def _today():
    return datetime.now(timezone.utc).date()


def _path(body):
    """The path of a page view, without its query string or fragment; 400 when there is none."""
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


class Analytics:
    def __init__(self, engine):
        self.engine = engine

    def record(self, body, do_not_track=False):
        """``POST /api/analytics/pageview``: counts one view of ``body["path"]`` today."""
        path = _path(body)
        if do_not_track:
            return
        day = _today()
        where = (page_views.c.day == day) & (page_views.c.path == path)
        for _ in range(3):
            try:
                with self.engine.begin() as conn:
                    increment = page_views.update().where(where).values(views=page_views.c.views + 1)
                    if conn.execute(increment).rowcount == 0:
                        conn.execute(page_views.insert().values(day=day, path=path, views=1))
                return
            except sa.exc.IntegrityError:
                continue  # another request counted the day's first view meanwhile: count again

    def report(self, params):
        """``GET /api/analytics?days=30``: the counts of the last ``days`` days, newest day
        first, then the most viewed paths."""
        days = query_integer(params, "days", DEFAULT_DAYS, 1, MAX_DAYS)
        since = _today() - timedelta(days=days - 1)
        query = (
            sa.select(page_views)
            .where(page_views.c.day >= since)
            .order_by(page_views.c.day.desc(), page_views.c.views.desc(), page_views.c.path)
        )
        with self.engine.connect() as conn:
            rows = conn.execute(query).mappings().all()
        return {"days": [{"day": row["day"].isoformat(), "path": row["path"], "views": row["views"]} for row in rows]}
