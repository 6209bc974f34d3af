"""Request bodies: JSON objects of at most ``MAX_BODY_BYTES`` (larger ones are answered 413)."""
import json

from .problems import ApiError, bad_request

MAX_BODY_BYTES = 1024 * 1024


def too_large():
    return ApiError(413, f"Request body is larger than {MAX_BODY_BYTES} bytes")


def is_json(content_type):
    """Whether a ``Content-Type`` is JSON (``application/json`` or ``application/*+json``)."""
    media_type = (content_type or "").split(";")[0].strip().lower()
    return media_type == "application/json" or (
        media_type.startswith("application/") and media_type.endswith("+json")
    )


def json_object(raw, content_type):
    """The JSON object in the body ``raw`` (bytes); 400 when it is not one."""
    if not is_json(content_type):
        raise bad_request("Request body must be a JSON object (Content-Type: application/json)")
    if len(raw) > MAX_BODY_BYTES:
        raise too_large()
    try:
        body = json.loads(raw)
    except ValueError:  # includes UnicodeDecodeError
        raise bad_request("Malformed JSON in request body") from None
    if not isinstance(body, dict):
        raise bad_request("Request body must be a JSON object")
    return body
