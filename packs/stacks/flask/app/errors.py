"""Errors as RFC 9457 problem details (``application/problem+json``)."""
from http import HTTPStatus

from flask import current_app, request
from werkzeug.exceptions import HTTPException, InternalServerError, NotFound

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


def not_found(detail="Resource not found"):
    return ApiError(404, detail)


def conflict(detail, errors=None):
    return ApiError(409, detail, errors)


def problem(status, detail, errors=None, headers=None):
    """A problem details response: ``{type, title, status, detail[, errors]}``."""
    try:
        title = HTTPStatus(status).phrase
    except ValueError:
        title = "Error"
    body = {"type": "about:blank", "title": title, "status": status, "detail": detail}
    if errors is not None:
        body["errors"] = errors
    response = current_app.json.response(body)
    response.status_code = status
    response.mimetype = PROBLEM_MIMETYPE
    response.headers.update(headers or {})
    return response


def register_error_handlers(app):
    @app.errorhandler(ApiError)
    def handle_api_error(error):
        return problem(error.status, error.detail, error.errors, error.headers)

    @app.errorhandler(NotFound)
    def handle_not_found(error):
        return problem(404, f"No route for {request.method} {request.path}")

    @app.errorhandler(InternalServerError)
    def handle_internal_error(error):
        return problem(500, "Internal server error")

    @app.errorhandler(HTTPException)
    def handle_http_exception(error):
        headers = {}
        if error.code == 405 and getattr(error, "valid_methods", None):
            headers["Allow"] = ", ".join(error.valid_methods)
        return problem(error.code or 500, error.description or "", headers=headers)
