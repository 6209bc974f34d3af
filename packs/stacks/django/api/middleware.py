"""Checks the Host header, and turns exceptions raised by the views into problem details."""
import logging

from django.conf import settings
from django.core.exceptions import RequestDataTooBig

from app.problems import ApiError

from .errors import problem

logger = logging.getLogger("api")


class ProblemDetailsMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        # Raises DisallowedHost (answered 400 by config.urls.handler400) for a host outside ALLOWED_HOSTS.
        request.get_host()
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, ApiError):
            return problem(exception.status, exception.detail, exception.errors, exception.headers)
        if isinstance(exception, RequestDataTooBig):
            limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
            return problem(413, f"Request body is larger than {limit} bytes")
        # The log gets the traceback; the client gets no details.
        logger.exception("Internal server error: %s %s", request.method, request.path)
        return problem(500, "Internal server error")
