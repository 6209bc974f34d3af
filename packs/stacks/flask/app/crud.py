"""Generic REST CRUD routes for one resource: list, get, create, replace, update, delete."""
import re

from flask import Blueprint, request, url_for
from werkzeug.exceptions import BadRequest

from .errors import bad_request, conflict, not_found
from .validation import validate_body

DEFAULT_LIMIT = 50
MAX_LIMIT = 200

_ID = re.compile(r"[1-9][0-9]{0,15}")
_QUERY_INTEGER = re.compile(r"[0-9]{1,15}")


def _query_integer(name, default, minimum):
    raw = request.args.get(name, "")
    if raw == "":
        return default
    if not _QUERY_INTEGER.fullmatch(raw) or int(raw) < minimum:
        message = f"must be an integer greater than or equal to {minimum}"
        raise bad_request(f"Invalid query parameter {name}", [{"field": name, "message": message}])
    return int(raw)


def _pagination():
    limit = min(_query_integer("limit", DEFAULT_LIMIT, 1), MAX_LIMIT)
    offset = _query_integer("offset", 0, 0)
    return limit, offset


def _json_object():
    """The request body, which must be a JSON object."""
    if not request.is_json:
        raise bad_request("Request body must be a JSON object (Content-Type: application/json)")
    try:
        body = request.get_json()
    except BadRequest:
        raise bad_request("Malformed JSON in request body") from None
    if not isinstance(body, dict):
        raise bad_request("Request body must be a JSON object")
    return body


def _open(view):
    return view


def crud_blueprint(resource, *, store, resources, protect_write=_open, protect_delete=_open):
    """A blueprint serving ``resource`` at its route.

    ``protect_write`` decorates create and update views, ``protect_delete`` the delete view.
    """
    by_name = {other.name: other for other in resources}
    blueprint = Blueprint(f"resource_{resource.table}", __name__, url_prefix=resource.route)

    def find_or_404(row_id):
        row = store.get(resource.table, int(row_id)) if _ID.fullmatch(row_id) else None
        if row is None:
            raise not_found(f"{resource.name} {row_id} not found")
        return row

    def read_body(partial=False):
        data, errors = validate_body(resource, _json_object(), partial=partial)
        if errors:
            raise bad_request("Validation failed", errors)
        return data

    def check_constraints(data, row_id=None):
        """References must point at existing rows (400); unique values must not repeat (409)."""
        missing = [
            {"field": field.name, "message": f"no {field.ref} with id {data[field.name]}"}
            for field in resource.fields
            if field.type == "ref" and data.get(field.name) is not None
            and not store.has(by_name[field.ref].table, data[field.name])
        ]
        if missing:
            raise bad_request("Validation failed", missing)

        duplicates = [
            {"field": field.name, "message": "is already used by another row"}
            for field in resource.fields
            if field.unique and data.get(field.name) is not None
            and store.find(
                resource.table,
                lambda row, name=field.name: row["id"] != row_id and row[name] == data[name],
            )
        ]
        if duplicates:
            raise conflict("Duplicate value", duplicates)

    def find_referrer(row_id):
        """The first row of any resource that still references ``row_id``, as (resource, row)."""
        for other in resources:
            for field in other.fields:
                if field.type != "ref" or field.ref != resource.name:
                    continue
                row = store.find(other.table, lambda row, name=field.name: row[name] == row_id)
                if row is not None:
                    return other, row
        return None

    def save(row_id, data):
        with store.lock:
            check_constraints(data, row_id)
            row = store.update(resource.table, row_id, data)
        if row is None:  # deleted meanwhile
            raise not_found(f"{resource.name} {row_id} not found")
        return row

    @blueprint.get("")
    def list_rows():
        limit, offset = _pagination()
        items, total = store.list(resource.table, limit=limit, offset=offset)
        return {"items": items, "total": total, "limit": limit, "offset": offset}

    @blueprint.get("/<row_id>")
    def get_row(row_id):
        return find_or_404(row_id)

    @blueprint.post("")
    @protect_write
    def create_row():
        data = read_body()
        with store.lock:
            check_constraints(data)
            row = store.insert(resource.table, data)
        return row, 201, {"Location": url_for(".get_row", row_id=row["id"])}

    @blueprint.put("/<row_id>")
    @protect_write
    def replace_row(row_id):
        row_id = find_or_404(row_id)["id"]
        data = read_body()
        return save(row_id, data)

    @blueprint.patch("/<row_id>")
    @protect_write
    def update_row(row_id):
        row_id = find_or_404(row_id)["id"]
        data = read_body(partial=True)
        return save(row_id, data)

    @blueprint.delete("/<row_id>")
    @protect_delete
    def delete_row(row_id):
        with store.lock:
            row_id = find_or_404(row_id)["id"]
            referrer = find_referrer(row_id)
            if referrer is not None:
                other, row = referrer
                raise conflict(
                    f"{resource.name} {row_id} is still referenced by {other.name} {row['id']}"
                )
            store.delete(resource.table, row_id)
        return "", 204

    return blueprint
