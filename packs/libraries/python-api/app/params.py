"""What a request's URL carries besides its body, whatever the web framework and the store: the
id of a row, the page of a list (``?limit=`` and ``?offset=``), a search (``?q=``) and other
integer query parameters. ``params`` is the query's mapping (``request.args``, ``request.GET``...).
"""
import re

from .problems import bad_request, not_found

DEFAULT_LIMIT = 50
MAX_LIMIT = 200
MAX_QUERY_LENGTH = 255

_ID = re.compile(r"[1-9][0-9]{0,15}")
_QUERY_INTEGER = re.compile(r"[0-9]{1,15}")


def query_integer(params, name, default, minimum, maximum=None):
    """The integer query parameter ``name`` (at most ``maximum``); 400 when it is not one."""
    raw = params.get(name, "")
    if raw == "":
        return default
    if not _QUERY_INTEGER.fullmatch(raw) or int(raw) < minimum:
        message = f"must be an integer greater than or equal to {minimum}"
        raise bad_request(f"Invalid query parameter {name}", [{"field": name, "message": message}])
    return int(raw) if maximum is None else min(int(raw), maximum)


def pagination(params):
    """``(limit, offset)`` from ``?limit=`` (default 50, at most 200) and ``?offset=``."""
    return query_integer(params, "limit", DEFAULT_LIMIT, 1, MAX_LIMIT), query_integer(params, "offset", 0, 0)


def parse_id(raw, what):
    """The positive integer id in a URL, or 404 naming ``what``."""
    if not isinstance(raw, str) or not _ID.fullmatch(raw):
        raise not_found(f"{what} {raw} not found")
    return int(raw)


def search_text(params):
    """The text of ``?q=``, without surrounding blanks (empty: no search); 400 beyond 255
    characters."""
    text = params.get("q", "").strip()
    if len(text) > MAX_QUERY_LENGTH:
        message = f"must be at most {MAX_QUERY_LENGTH} characters"
        raise bad_request("Invalid query parameter q", [{"field": "q", "message": message}])
    return text
