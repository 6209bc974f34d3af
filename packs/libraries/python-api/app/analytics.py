"""Privacy-friendly page views stored in the database (table ``app_page_views``): a count per
path and day (UTC), nothing else. What a page view is, and what a report covers, is in
``app/pageviews.py``.
"""
import sqlalchemy as sa

from .pageviews import page_path, report_row, report_since, today
from .tables import page_views


class Analytics:
    def __init__(self, engine):
        self.engine = engine

    def record(self, body, do_not_track=False):
        """``POST /api/analytics/pageview``: counts one view of ``body["path"]`` today."""
        path = page_path(body)
        if do_not_track:
            return
        day = today()
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
        query = (
            sa.select(page_views)
            .where(page_views.c.day >= report_since(params))
            .order_by(page_views.c.day.desc(), page_views.c.views.desc(), page_views.c.path)
        )
        with self.engine.connect() as conn:
            rows = conn.execute(query).mappings().all()
        return {"days": [report_row(row["day"], row["path"], row["views"]) for row in rows]}
