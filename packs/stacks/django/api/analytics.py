"""Privacy-friendly page views (model ``AppPageView``, table ``app_page_views``): a count per path
and day (UTC), nothing else — no cookie is set, no IP address, user agent, referrer or query
string is stored, and browsers that send ``DNT: 1`` are not counted. What a page view is and what a
report covers is in ``app/pageviews.py``, shared with the other Python back ends."""
from django.db import IntegrityError, transaction
from django.db.models import F
from django.http import HttpResponse

from app.pageviews import page_path, report_row, report_since, today

from .crud import read_json_object
from .errors import json_response
from .models import AppPageView


def pageview(request):
    """``POST /api/analytics/pageview`` ``{path}`` (anyone): counts one view of the path today (204)."""
    path = page_path(read_json_object(request))
    if request.headers.get("DNT") != "1":
        day = today()
        for _ in range(3):
            try:
                with transaction.atomic():
                    views = AppPageView.objects.filter(day=day, path=path)
                    if views.update(views=F("views") + 1) == 0:
                        AppPageView.objects.create(day=day, path=path, views=1)
                break
            except IntegrityError:
                continue  # another request counted the day's first view meanwhile: count again
    return HttpResponse(status=204)


def report(request):
    """``GET /api/analytics?days=30``: the counts of the last ``days`` days, newest day first, then
    the most viewed paths."""
    rows = AppPageView.objects.filter(day__gte=report_since(request.GET)).order_by("-day", "-views", "path")
    return json_response({"days": [report_row(row.day, row.path, row.views) for row in rows]})
