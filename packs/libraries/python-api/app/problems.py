"""Errors that become RFC 9457 problem details (``application/problem+json``).

The services raise them; ``app/errors.py`` turns them into responses of the web framework.
"""
from http import HTTPStatus

PROBLEM_MIMETYPE = "application/problem+json"


class ApiError(Exception):
    """An error that becomes an HTTP problem response."""

    def __init__(self, status, detail, errors=None, headers=None):
        super().__init__(detail)
        self.status = status
        self.detail = detail
        self.errors = errors
        self.headers = headers or {}


def bad_request(detail, errors=None):
    return ApiError(400, detail, errors)


def unauthorized(detail, challenge="Bearer"):
    return ApiError(401, detail, headers={"WWW-Authenticate": challenge})


def forbidden(detail):
    return ApiError(403, detail)


def not_found(detail="Resource not found"):
    return ApiError(404, detail)


def conflict(detail, errors=None):
    return ApiError(409, detail, errors)


def problem_body(status, detail, errors=None):
    """The body of a problem response: ``{type, title, status, detail[, errors]}``."""
    try:
        title = HTTPStatus(status).phrase
    except ValueError:
        title = "Error"
    body = {"type": "about:blank", "title": title, "status": status, "detail": detail}
    if errors is not None:
        body["errors"] = errors
    return body
