"""Generic REST views for one resource: list (with search), get, create, replace, update, delete, and
the files of its ``file`` fields.

Bodies are validated with ``app/validation.py`` (the same rules as the other back ends); the
database's rules (references, unique values) become API errors before the database has to refuse
anything. Every write can be followed by reactions (``changes``: notifications, live events).
"""
import json
from datetime import date, timezone
from functools import reduce
from operator import or_

from django.db import DatabaseError, IntegrityError, transaction
from django.db.models import ProtectedError, Q
from django.db.models.functions import Lower
from django.http import HttpResponse

from app.bodies import json_object
from app.params import pagination, parse_id, search_text
from app.problems import bad_request, conflict, not_found
from app.validation import format_datetime, parse_datetime, validate_body

from .errors import json_response, method_not_allowed
from .resources import attname, model_of


def read_json_object(request):
    """The request body, which must be a JSON object (413 beyond DATA_UPLOAD_MAX_MEMORY_SIZE)."""
    return json_object(request.body, request.content_type)


def read_raw(request, limit, too_large):
    """The request body's bytes, read from the stream; ``too_large()`` is raised beyond ``limit``."""
    try:
        declared = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        declared = 0
    if declared > limit:
        raise too_large()
    raw = request.read(limit + 1)
    if len(raw) > limit:
        raise too_large()
    return raw


# ---------------------------------------------------------------------------
# Between JSON values and model values
# ---------------------------------------------------------------------------

def to_model(field, value):
    """The model value of a validated JSON value."""
    if value is None:
        return None
    if field.type == "date":
        return date.fromisoformat(value)
    if field.type == "datetime":
        moment = parse_datetime(value)  # naive, in UTC; kept to the millisecond
        return moment.replace(microsecond=moment.microsecond // 1000 * 1000, tzinfo=timezone.utc)
    if field.type == "float":
        return float(value)
    return value


def file_of(row, field):
    """What a row keeps of its ``field`` file (``{name, type, size, key}``), or None."""
    text = getattr(row, field.name)
    return json.loads(text) if text else None


def _to_json(resource, row, field):
    value = getattr(row, attname(field))
    if value is None:
        return None
    if field.type == "date":
        return value.isoformat()
    if field.type == "datetime":
        return format_datetime(value)
    if field.type == "file":
        meta = file_of(row, field)
        url = f"{resource.route}/{row.pk}/{field.name}"
        return {"name": meta["name"], "type": meta["type"], "size": meta["size"], "url": url}
    if field.type == "float":
        return float(value)
    return value


def row_to_json(resource, row):
    """A row as the API shows it: ``id``, then every field in its declared order."""
    body = {"id": row.pk}
    for field in resource.fields:
        body[field.name] = _to_json(resource, row, field)
    return body


def matching(rows, resource, text):
    """The rows where a textual field contains ``text``, ignoring case (LIKE's ``%`` and ``_`` are
    plain characters there)."""
    fields = resource.textual_fields
    if not fields:
        return rows.none()
    lowered = {f"search_{index}_lowered": Lower(attname(field)) for index, field in enumerate(fields)}
    needle = text.lower()
    return rows.annotate(**lowered).filter(reduce(or_, (Q(**{f"{name}__contains": needle}) for name in lowered)))


# ---------------------------------------------------------------------------
# Views
# ---------------------------------------------------------------------------

def _open(view):
    return view


def resource_views(resource, *, resources, protect_write=_open, protect_delete=_open, changes=None,
                   search=False, files=None):
    """The views serving ``resource``: ``(collection, item, file)`` for its route, ``<route>/<id>``
    and ``<route>/<id>/<field>`` (None without file fields).

    ``protect_write`` decorates the create, update and upload views, ``protect_delete`` the delete
    view. ``changes(resource, action, id)``, when given, is called inside each write's transaction
    and may return a function to call once it is committed. ``search`` enables ``?q=``; ``files()``
    returns the store of uploaded files (``app/uploads.py``).
    """
    by_name = {other.name: other for other in resources}
    model = model_of(resource)
    rows = model._default_manager

    def record(action, row_id):
        return changes(resource, action, row_id) if changes else None

    def find_or_404(row_id):
        row = rows.filter(pk=parse_id(row_id, resource.name)).first()
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
            and not model_of(by_name[field.ref])._default_manager.filter(pk=data[field.name]).exists()
        ]
        if missing:
            raise bad_request("Validation failed", missing)

        duplicates = [
            {"field": field.name, "message": "is already used by another row"}
            for field in resource.fields
            if field.unique and data.get(field.name) is not None
            and rows.filter(**{attname(field): to_model(field, data[field.name])}).exclude(pk=row_id).exists()
        ]
        if duplicates:
            raise conflict("Duplicate value", duplicates)

    def find_referrer(row_id):
        """The first row of any resource that still references ``row_id``, as (resource, row)."""
        for other in resources:
            for field in other.fields:
                if field.type != "ref" or field.ref != resource.name:
                    continue
                row = (model_of(other)._default_manager.filter(**{attname(field): row_id})
                       .order_by("pk").first())
                if row is not None:
                    return other, row
        return None

    def write(row, data):
        """Checks ``data`` and saves it into ``row`` (a new row when its pk is None)."""
        row_id = row.pk
        try:
            with transaction.atomic():
                check_constraints(data, row_id)
                for field in resource.fields:
                    if field.name in data:
                        setattr(row, attname(field), to_model(field, data[field.name]))
                row.save(force_update=row_id is not None)
                after_commit = record("created" if row_id is None else "updated", row.pk)
        except IntegrityError:
            # Another request wrote a conflicting row between the checks and the save: the checks
            # say why, as they would have before.
            check_constraints(data, row_id)
            raise conflict("The change conflicts with another change made at the same time") from None
        except DatabaseError:
            if row_id is not None and not rows.filter(pk=row_id).exists():  # deleted meanwhile
                raise not_found(f"{resource.name} {row_id} not found") from None
            raise
        row.refresh_from_db()
        if after_commit:
            after_commit()
        return row

    def list_rows(request):
        limit, offset = pagination(request.GET)
        text = search_text(request.GET) if search else ""
        selected = rows.order_by("pk")
        if text:
            selected = matching(selected, resource, text)
        total = selected.count()
        items = [row_to_json(resource, row) for row in selected[offset:offset + limit]]
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
        row_id = row.pk
        referrer = find_referrer(row_id)
        if referrer is not None:
            other, other_row = referrer
            raise conflict(f"{resource.name} {row_id} is still referenced by {other.name} {other_row.pk}")
        stored = [meta for meta in (file_of(row, field) for field in resource.file_fields) if meta]
        try:
            with transaction.atomic():
                row.delete()
                after_commit = record("deleted", row_id)
        except (ProtectedError, IntegrityError):
            referrer = find_referrer(row_id)  # written meanwhile
            other = f"{referrer[0].name} {referrer[1].pk}" if referrer else "another row"
            raise conflict(f"{resource.name} {row_id} is still referenced by {other}") from None
        for meta in stored:
            files().remove(meta)
        if after_commit:
            after_commit()
        return HttpResponse(status=204)

    # -- files ------------------------------------------------------------------------------

    def file_field(name):
        field = next((f for f in resource.file_fields if f.name == name), None)
        if field is None:
            raise not_found(f"{resource.name} has no file field {name}")
        return field

    def replace_file(row_id, field, meta):
        """Keeps ``meta`` (or None) as the row's ``field`` file; returns the previous one."""
        with transaction.atomic():
            row = rows.select_for_update().filter(pk=row_id).first()
            if row is None:  # deleted meanwhile
                raise not_found(f"{resource.name} {row_id} not found")
            previous = file_of(row, field)
            if previous is None and meta is None:
                return None, None
            value = json.dumps(meta, separators=(",", ":")) if meta else None
            rows.filter(pk=row_id).update(**{field.name: value})
            return previous, record("updated", row_id)

    @protect_write
    def put_file(request, row_id, field_name):
        store = files()
        data = read_raw(request, store.max_bytes, store.too_large)
        field = file_field(field_name)
        row = find_or_404(row_id)
        media_type = store.check(data, request.META.get("CONTENT_TYPE"))
        name = store.name(request.headers.get("X-Filename"), field.name, media_type)
        meta = store.save(resource, data, media_type, name)
        try:
            previous, after_commit = replace_file(row.pk, field, meta)
        except BaseException:
            store.remove(meta)
            raise
        if previous:
            store.remove(previous)
        if after_commit:
            after_commit()
        return json_response(row_to_json(resource, rows.get(pk=row.pk)))

    def get_file(request, row_id, field_name):
        field = file_field(field_name)
        row = rows.filter(pk=parse_id(row_id, resource.name)).first()
        meta = row and file_of(row, field)
        if not meta:
            raise not_found(f"{resource.name} {row_id} has no {field.name}")
        store = files()
        response = HttpResponse(store.read(meta))
        for name, value in store.headers(meta).items():
            response[name] = value
        return response

    @protect_write
    def delete_file(request, row_id, field_name):
        field = file_field(field_name)
        row = find_or_404(row_id)
        previous, after_commit = replace_file(row.pk, field, None)
        if not previous:
            raise not_found(f"{resource.name} {row_id} has no {field.name}")
        files().remove(previous)
        if after_commit:
            after_commit()
        return HttpResponse(status=204)

    collection_methods = {"GET": list_rows, "HEAD": list_rows, "POST": create_row}
    item_methods = {
        "GET": get_row, "HEAD": get_row, "PUT": replace_row, "PATCH": update_row, "DELETE": delete_row,
    }
    file_methods = {"GET": get_file, "HEAD": get_file, "PUT": put_file, "DELETE": delete_file}
    file_view = dispatcher(file_methods) if resource.file_fields and files else None
    return dispatcher(collection_methods), dispatcher(item_methods), file_view


def dispatcher(methods):
    """A view answering each method of ``methods`` with its view, OPTIONS with 204 and ``Allow``,
    and other methods with 405."""
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
