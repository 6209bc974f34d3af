"""Errors as RFC 9457 problem details (``application/problem+json``)."""
from http import HTTPStatus

from fastapi.exceptions import RequestValidationError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.responses import JSONResponse
from starlette.routing import Match

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
    return JSONResponse(body, status_code=status, headers=headers, media_type=PROBLEM_MIMETYPE)


def _allowed_methods(request):
    """The methods of every route whose path matches the request (for ``Allow`` on a 405)."""
    methods = set()
    for route in request.app.router.routes:
        match, _ = route.matches(request.scope)
        if match != Match.NONE and getattr(route, "methods", None):
            methods.update(route.methods)
    return ", ".join(sorted(methods))


def register_error_handlers(app):
    @app.exception_handler(ApiError)
    async def handle_api_error(request, error):
        return problem(error.status, error.detail, error.errors, error.headers)

    @app.exception_handler(StarletteHTTPException)
    async def handle_http_exception(request, error):
        if error.status_code == 404:
            return problem(404, f"No route for {request.method} {request.url.path}")
        headers = dict(getattr(error, "headers", None) or {})
        if error.status_code == 405:
            headers["Allow"] = _allowed_methods(request) or headers.get("Allow", "")
            return problem(405, f"The method {request.method} is not allowed for {request.url.path}",
                           headers=headers)
        try:
            detail = str(error.detail) if error.detail else HTTPStatus(error.status_code).description
        except ValueError:
            detail = ""
        return problem(error.status_code, detail, headers=headers)

    @app.exception_handler(RequestValidationError)
    async def handle_validation_error(request, error):
        errors = [
            {"field": ".".join(str(part) for part in item["loc"][1:]) or str(item["loc"][0]),
             "message": item["msg"]}
            for item in error.errors()
        ]
        return problem(400, "Validation failed", errors)

    @app.exception_handler(Exception)
    async def handle_internal_error(request, error):
        # The server logs the exception itself; the client gets no details.
        return problem(500, "Internal server error")
