"""Errors as RFC 9457 problem details (``application/problem+json``).

The views (and ``app/``'s rules) raise ``ApiError`` (``app/problems.py``); api/middleware.py turns it
into a response with ``problem()``.
"""
import json

from django.http import HttpResponse

from app.problems import PROBLEM_MIMETYPE, problem_body


def json_response(body, status=200, headers=None, content_type="application/json"):
    """A JSON response; keys stay in their order (fields in their declared order)."""
    response = HttpResponse(
        json.dumps(body, ensure_ascii=False), status=status, content_type=content_type
    )
    for name, value in (headers or {}).items():
        response[name] = value
    return response


def problem(status, detail, errors=None, headers=None):
    """A problem details response: ``{type, title, status, detail[, errors]}``."""
    return json_response(problem_body(status, detail, errors), status, headers, content_type=PROBLEM_MIMETYPE)


def method_not_allowed(request, allowed):
    return problem(
        405,
        f"The method {request.method} is not allowed for {request.path}",
        headers={"Allow": ", ".join(allowed)},
    )


# Django's own error views (config/urls.py), used outside the API's routes.

def bad_request_view(request, exception=None):
    return problem(400, "Bad request")


def forbidden_view(request, exception=None):
    return problem(403, "Forbidden")


def not_found_view(request, exception=None):
    return problem(404, f"No route for {request.method} {request.path}")


def server_error_view(request):
    return problem(500, "Internal server error")
