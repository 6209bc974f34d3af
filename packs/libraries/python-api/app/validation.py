"""Validation of request bodies from the field types of a resource."""
import math
import re
from datetime import date, datetime, timedelta, timezone
from urllib.parse import urlsplit

MAX_LENGTH = {"string": 255, "text": 10_000, "email": 254, "url": 2048}
MAX_SAFE_INTEGER = 2**53 - 1  # keeps ids and integers exact for JavaScript clients

_DATE = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})")
_DATETIME = re.compile(
    r"(([0-9]{4})-([0-9]{2})-([0-9]{2}))T([01][0-9]|2[0-3]):([0-5][0-9])(?::([0-5][0-9])(?:\.([0-9]{1,9}))?)?"
    r"(Z|([+-])([01][0-9]|2[0-3]):([0-5][0-9]))"
)
_EMAIL = re.compile(r"[^\s@]+@[^\s@]+\.[^\s@]+")


def _is_calendar_date(value):
    match = _DATE.fullmatch(value)
    if not match:
        return False
    try:
        date(*(int(part) for part in match.groups()))
    except ValueError:
        return False
    return True


def _is_integer(value):
    return isinstance(value, int) and not isinstance(value, bool) and abs(value) <= MAX_SAFE_INTEGER


def _check_text(value, max_length):
    if not isinstance(value, str):
        return "must be a string"
    if len(value) > max_length:
        return f"must be at most {max_length} characters"
    if "\x00" in value:  # PostgreSQL cannot store it in text
        return "must not contain NUL characters"
    return None


def _check_int(value, field):
    return None if _is_integer(value) else "must be an integer"


def _check_float(value, field):
    is_number = isinstance(value, (int, float)) and not isinstance(value, bool)
    try:
        return None if is_number and math.isfinite(value) else "must be a number"
    except OverflowError:  # an integer too large for a float
        return "must be a number"


def _check_bool(value, field):
    return None if isinstance(value, bool) else "must be a boolean"


def _check_date(value, field):
    if isinstance(value, str) and _is_calendar_date(value):
        return None
    return "must be a date in the form YYYY-MM-DD"


def parse_datetime(value):
    """An ISO 8601 date-time with a time zone → a naive ``datetime`` in UTC, or None when
    ``value`` is not one (or is outside the years 1 to 9999 once in UTC)."""
    match = isinstance(value, str) and _DATETIME.fullmatch(value)
    if not match or not _is_calendar_date(match.group(1)):
        return None
    year, month, day, hour, minute = (int(match.group(n)) for n in range(2, 7))
    second = int(match.group(7) or 0)
    microsecond = int((match.group(8) or "").ljust(6, "0")[:6])
    try:
        result = datetime(year, month, day, hour, minute, second, microsecond)
        if match.group(9) != "Z":
            offset = timedelta(hours=int(match.group(11)), minutes=int(match.group(12)))
            result = result - offset if match.group(10) == "+" else result + offset
    except OverflowError:
        return None
    return result


def format_datetime(value):
    """A datetime (naive in UTC, or aware) → RFC 3339 in UTC: ``2024-01-31T09:30:00Z``, with
    milliseconds when there are some (``2024-01-31T09:30:00.120Z``)."""
    if value.tzinfo is not None:
        value = value.astimezone(timezone.utc).replace(tzinfo=None)
    timespec = "milliseconds" if value.microsecond // 1000 else "seconds"
    return value.isoformat(timespec=timespec) + "Z"


def _check_datetime(value, field):
    if parse_datetime(value) is not None:
        return None
    return "must be an ISO 8601 date-time with a time zone, e.g. 2024-01-31T09:30:00Z"


def _check_email(value, field):
    problem = _check_text(value, MAX_LENGTH["email"])
    if problem:
        return problem
    return None if _EMAIL.fullmatch(value) else "must be an email address"


def _check_url(value, field):
    problem = _check_text(value, MAX_LENGTH["url"])
    if problem:
        return problem
    message = "must be an http or https URL"
    if any(char.isspace() for char in value):
        return message
    try:
        parts = urlsplit(value)
        valid = parts.scheme in ("http", "https") and bool(parts.hostname)
        parts.port  # raises ValueError for an invalid port
    except ValueError:
        return message
    return None if valid else message


def _check_enum(value, field):
    if isinstance(value, str) and value in field.values:
        return None
    return f"must be one of: {', '.join(field.values)}"


def _check_ref(value, field):
    return None if _is_integer(value) and value > 0 else f"must be the id of a {field.ref}"


_CHECKS = {
    "string": lambda value, field: _check_text(value, MAX_LENGTH["string"]),
    "text": lambda value, field: _check_text(value, MAX_LENGTH["text"]),
    "int": _check_int,
    "float": _check_float,
    "bool": _check_bool,
    "date": _check_date,
    "datetime": _check_datetime,
    "email": _check_email,
    "url": _check_url,
    "enum": _check_enum,
    "ref": _check_ref,
}


def check_field(field, value):
    """Returns an error message when ``value`` does not fit ``field``, or None."""
    return _CHECKS[field.type](value, field)


def validate_body(resource, body, partial=False):
    """Checks a request body (a dict) against the fields of ``resource``.

    Returns ``(data, errors)``: ``data`` holds the accepted values (missing optional fields
    become None), ``errors`` lists ``{"field", "message"}``. With ``partial`` (PATCH) only the
    fields present in the body are checked and returned. Files are uploaded on their own URL:
    a ``file`` field in a body is ignored, like ``id``.
    """
    errors = []
    data = {}
    known = set(resource.field_names)
    for key in body:
        if key != "id" and key not in known:
            errors.append({"field": key, "message": "is not a known field"})
    for field in resource.fields:
        if field.type == "file" or (partial and field.name not in body):
            continue
        value = body.get(field.name)
        if value is None or value == "":
            if field.required:
                errors.append({"field": field.name, "message": "is required"})
            else:
                data[field.name] = None
            continue
        message = check_field(field, value)
        if message:
            errors.append({"field": field.name, "message": message})
        else:
            data[field.name] = value
    return data, errors
