"""Generic REST CRUD views for one resource: list, get, create, replace, update, delete."""
import json
import re
from datetime import date, timezone

from django.db import DatabaseError, IntegrityError, transaction
from django.db.models import ProtectedError
from django.http import HttpResponse
from django.utils.dateparse import parse_datetime

from .errors import bad_request, conflict, json_response, method_not_allowed, not_found
from .validation import validate_body

DEFAULT_LIMIT = 50
MAX_LIMIT = 200

_ID = re.compile(r"[1-9][0-9]{0,15}")
_QUERY_INTEGER = re.compile(r"[0-9]{1,15}")


def _query_integer(request, name, default, minimum):
    raw = request.GET.get(name, "")
    if raw == "":
        return default
    if not _QUERY_INTEGER.fullmatch(raw) or int(raw) < minimum:
        message = f"must be an integer greater than or equal to {minimum}"
        raise bad_request(f"Invalid query parameter {name}", [{"field": name, "message": message}])
    return int(raw)


def _pagination(request):
    limit = min(_query_integer(request, "limit", DEFAULT_LIMIT, 1), MAX_LIMIT)
    offset = _query_integer(request, "offset", 0, 0)
    return limit, offset


def is_json(request):
    """True when the request says its body is JSON (``application/json`` or ``application/*+json``)."""
    media_type = (request.content_type or "").lower()
    return media_type == "application/json" or (
        media_type.startswith("application/") and media_type.endswith("+json")
    )


def read_json_object(request):
    """The request body, which must be a JSON object (413 beyond DATA_UPLOAD_MAX_MEMORY_SIZE)."""
    if not is_json(request):
        raise bad_request("Request body must be a JSON object (Content-Type: application/json)")
    try:
        body = json.loads(request.body)
    except ValueError:  # includes UnicodeDecodeError
        raise bad_request("Malformed JSON in request body") from None
    if not isinstance(body, dict):
        raise bad_request("Request body must be a JSON object")
    return body


# ---------------------------------------------------------------------------
# Between JSON values and model values
# ---------------------------------------------------------------------------

def _to_model(field, value):
    """The model value of a validated JSON value."""
    if value is None:
        return None
    if field.type == "date":
        return date.fromisoformat(value)
    if field.type == "datetime":
        return parse_datetime(value).astimezone(timezone.utc)
    if field.type == "float":
        return float(value)
    return value


def format_datetime(value):
    """RFC 3339 in UTC: ``2024-01-31T09:30:00Z`` (with fractional seconds only when there are some)."""
    value = value.astimezone(timezone.utc)
    text = value.strftime("%Y-%m-%dT%H:%M:%S")
    if value.microsecond:
        text += f".{value.microsecond:06d}".rstrip("0")
    return text + "Z"


def _to_json(field, value):
    if value is None:
        return None
    if field.type == "date":
        return value.isoformat()
    if field.type == "datetime":
        return format_datetime(value)
    return value


def row_to_json(resource, row):
    """A row as the API shows it: ``id``, then every field in its declared order."""
    body = {"id": row.pk}
    for field in resource.fields:
        body[field.name] = _to_json(field, getattr(row, field.attname))
    return body


# ---------------------------------------------------------------------------
# Views
# ---------------------------------------------------------------------------

def _open(view):
    return view


def resource_views(resource, *, resources, protect_write=_open, protect_delete=_open):
    """The views serving ``resource``: ``(collection, item)`` for its route and ``<route>/<id>``.

    ``protect_write`` decorates the create and update views, ``protect_delete`` the delete view.
    """
    by_name = {other.name: other for other in resources}
    model = resource.model
    rows = model._default_manager

    def find_or_404(row_id):
        row = rows.filter(pk=int(row_id)).first() if _ID.fullmatch(row_id) else None
        if row is None:
            raise not_found(f"{resource.name} {row_id} not found")
        return row

    def read_body(request, partial=False):
        data, errors = validate_body(resource, read_json_object(request), partial=partial)
        if errors:
            raise bad_request("Validation failed", errors)
        return data

    def check_constraints(data, row_id=None):
        """References must point at existing rows (400); unique values must not repeat (409)."""
        missing = [
            {"field": field.name, "message": f"no {field.ref} with id {data[field.name]}"}
            for field in resource.fields
            if field.type == "ref" and data.get(field.name) is not None
            and not by_name[field.ref].model._default_manager.filter(pk=data[field.name]).exists()
        ]
        if missing:
            raise bad_request("Validation failed", missing)

        duplicates = [
            {"field": field.name, "message": "is already used by another row"}
            for field in resource.fields
            if field.unique and data.get(field.name) is not None
            and rows.filter(**{field.attname: _to_model(field, data[field.name])})
            .exclude(pk=row_id).exists()
        ]
        if duplicates:
            raise conflict("Duplicate value", duplicates)

    def find_referrer(row_id):
        """The first row of any resource that still references ``row_id``, as (resource, row)."""
        for other in resources:
            for field in other.fields:
                if field.type != "ref" or field.ref != resource.name:
                    continue
                row = (other.model._default_manager.filter(**{field.attname: row_id})
                       .order_by("pk").first())
                if row is not None:
                    return other, row
        return None

    def write(row, data):
        """Checks ``data`` and saves it into ``row`` (a new row when its pk is None)."""
        existing = row.pk is not None
        try:
            with transaction.atomic():
                check_constraints(data, row.pk)
                for field in resource.fields:
                    if field.name in data:
                        setattr(row, field.attname, _to_model(field, data[field.name]))
                row.save(force_update=existing)
        except IntegrityError:
            # Another request wrote a conflicting row between the checks and the save.
            raise conflict("The change conflicts with another row; try again") from None
        except DatabaseError:
            if existing and not rows.filter(pk=row.pk).exists():  # deleted meanwhile
                raise not_found(f"{resource.name} {row.pk} not found") from None
            raise
        row.refresh_from_db()
        return row

    def list_rows(request):
        limit, offset = _pagination(request)
        ordered = rows.order_by("pk")
        total = ordered.count()
        items = [row_to_json(resource, row) for row in ordered[offset:offset + limit]]
        return json_response({"items": items, "total": total, "limit": limit, "offset": offset})

    def get_row(request, row_id):
        return json_response(row_to_json(resource, find_or_404(row_id)))

    @protect_write
    def create_row(request):
        data = read_body(request)
        row = write(model(), data)
        return json_response(
            row_to_json(resource, row), 201, {"Location": f"{resource.route}/{row.pk}"}
        )

    @protect_write
    def replace_row(request, row_id):
        row = find_or_404(row_id)
        return json_response(row_to_json(resource, write(row, read_body(request))))

    @protect_write
    def update_row(request, row_id):
        row = find_or_404(row_id)
        return json_response(row_to_json(resource, write(row, read_body(request, partial=True))))

    @protect_delete
    def delete_row(request, row_id):
        row = find_or_404(row_id)
        referrer = find_referrer(row.pk)
        if referrer is not None:
            other, other_row = referrer
            raise conflict(
                f"{resource.name} {row.pk} is still referenced by {other.name} {other_row.pk}"
            )
        try:
            with transaction.atomic():
                row.delete()
        except (ProtectedError, IntegrityError):
            raise conflict(f"{resource.name} {row.pk} is still referenced by another row") from None
        return HttpResponse(status=204)

    collection_methods = {"GET": list_rows, "HEAD": list_rows, "POST": create_row}
    item_methods = {
        "GET": get_row, "HEAD": get_row, "PUT": replace_row, "PATCH": update_row, "DELETE": delete_row,
    }

    def dispatcher(methods):
        allowed = sorted(name for name in methods if name != "HEAD")

        def view(request, **kwargs):
            handler = methods.get(request.method)
            if handler is not None:
                return handler(request, **kwargs)
            if request.method == "OPTIONS":
                response = HttpResponse(status=204)
                response["Allow"] = ", ".join(allowed)
                return response
            return method_not_allowed(request, allowed)

        view.csrf_exempt = True  # token authentication, no cookies
        return view

    return dispatcher(collection_methods), dispatcher(item_methods)

