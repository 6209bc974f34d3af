"""Errors as RFC 9457 problem details (``application/problem+json``)."""
from http import HTTPStatus

from fastapi.exceptions import RequestValidationError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.responses import JSONResponse
from starlette.routing import Match

from .problems import PROBLEM_MIMETYPE, ApiError, problem_body


def problem(status, detail, errors=None, headers=None):
    """A problem details response: ``{type, title, status, detail[, errors]}``."""
    return JSONResponse(problem_body(status, detail, errors), status_code=status, headers=headers,
                        media_type=PROBLEM_MIMETYPE)


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
