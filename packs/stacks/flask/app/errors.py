"""Errors as RFC 9457 problem details (``application/problem+json``)."""
from flask import current_app, request
from werkzeug.exceptions import HTTPException, InternalServerError, NotFound

from .problems import PROBLEM_MIMETYPE, ApiError, problem_body


def problem(status, detail, errors=None, headers=None):
    """A problem details response: ``{type, title, status, detail[, errors]}``."""
    response = current_app.json.response(problem_body(status, detail, errors))
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
