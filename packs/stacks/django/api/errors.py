"""Errors as RFC 9457 problem details (``application/problem+json``)."""
import json
from http import HTTPStatus

from django.http import HttpResponse

PROBLEM_MIMETYPE = "application/problem+json"


class ApiError(Exception):
    """An error that becomes an HTTP problem response (see api/middleware.py)."""

    def __init__(self, status, detail, errors=None, headers=None):
        super().__init__(detail)
        self.status = status
        self.detail = detail
        self.errors = errors
        self.headers = headers or {}


def bad_request(detail, errors=None):
    return ApiError(400, detail, errors)


def not_found(detail="Resource not found"):
    return ApiError(404, detail)


def conflict(detail, errors=None):
    return ApiError(409, detail, errors)


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
    try:
        title = HTTPStatus(status).phrase
    except ValueError:
        title = "Error"
    body = {"type": "about:blank", "title": title, "status": status, "detail": detail}
    if errors is not None:
        body["errors"] = errors
    return json_response(body, status, headers, content_type=PROBLEM_MIMETYPE)


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
