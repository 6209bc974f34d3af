"""Generic REST CRUD routes for one resource: list, get, create, replace, update, delete."""
import json
import re

from fastapi import APIRouter, Depends, Request, Response
from fastapi.responses import JSONResponse

from .errors import ApiError, bad_request, conflict, not_found
from .validation import validate_body

DEFAULT_LIMIT = 50
MAX_LIMIT = 200
MAX_BODY_BYTES = 1024 * 1024

_ID = re.compile(r"[1-9][0-9]{0,15}")
_QUERY_INTEGER = re.compile(r"[0-9]{1,15}")


def _query_integer(request, name, default, minimum):
    raw = request.query_params.get(name, "")
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


def _is_json(request):
    media_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    return media_type == "application/json" or (
        media_type.startswith("application/") and media_type.endswith("+json")
    )


async def read_json_object(request):
    """The request body, which must be a JSON object of at most MAX_BODY_BYTES."""
    if not _is_json(request):
        raise bad_request("Request body must be a JSON object (Content-Type: application/json)")
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > MAX_BODY_BYTES:
        raise ApiError(413, f"Request body is larger than {MAX_BODY_BYTES} bytes")
    raw = b""
    async for chunk in request.stream():
        raw += chunk
        if len(raw) > MAX_BODY_BYTES:
            raise ApiError(413, f"Request body is larger than {MAX_BODY_BYTES} bytes")
    try:
        body = json.loads(raw)
    except ValueError:  # includes UnicodeDecodeError
        raise bad_request("Malformed JSON in request body") from None
    if not isinstance(body, dict):
        raise bad_request("Request body must be a JSON object")
    return body


def crud_router(resource, *, store, resources, protect_write=(), protect_delete=()):
    """A router serving ``resource`` at its route.

    ``protect_write`` lists the dependencies (guards) of the create and update routes,
    ``protect_delete`` those of the delete route; they run before the route itself.
    """
    by_name = {other.name: other for other in resources}
    router = APIRouter(prefix=resource.route, tags=[resource.table])
    write_guards = [Depends(guard) for guard in protect_write]
    delete_guards = [Depends(guard) for guard in protect_delete]

    def find_or_404(row_id):
        row = store.get(resource.table, int(row_id)) if _ID.fullmatch(row_id) else None
        if row is None:
            raise not_found(f"{resource.name} {row_id} not found")
        return row

    async def read_body(request, partial=False):
        data, errors = validate_body(resource, await read_json_object(request), partial=partial)
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
        return JSONResponse(row)

    # The handlers are coroutines: they run one at a time on the event loop, and the store's
    # lock also covers callers from other threads.
    @router.get("")
    async def list_rows(request: Request):
        limit, offset = _pagination(request)
        items, total = store.list(resource.table, limit=limit, offset=offset)
        return JSONResponse({"items": items, "total": total, "limit": limit, "offset": offset})

    @router.get("/{row_id}")
    async def get_row(row_id: str):
        return JSONResponse(find_or_404(row_id))

    @router.post("", dependencies=write_guards)
    async def create_row(request: Request):
        data = await read_body(request)
        with store.lock:
            check_constraints(data)
            row = store.insert(resource.table, data)
        return JSONResponse(row, status_code=201, headers={"Location": f"{resource.route}/{row['id']}"})

    @router.put("/{row_id}", dependencies=write_guards)
    async def replace_row(row_id: str, request: Request):
        row_id = find_or_404(row_id)["id"]
        data = await read_body(request)
        return save(row_id, data)

    @router.patch("/{row_id}", dependencies=write_guards)
    async def update_row(row_id: str, request: Request):
        row_id = find_or_404(row_id)["id"]
        data = await read_body(request, partial=True)
        return save(row_id, data)

    @router.delete("/{row_id}", dependencies=delete_guards)
    async def delete_row(row_id: str):
        with store.lock:
            row_id = find_or_404(row_id)["id"]
            referrer = find_referrer(row_id)
            if referrer is not None:
                other, row = referrer
                raise conflict(
                    f"{resource.name} {row_id} is still referenced by {other.name} {row['id']}"
                )
            store.delete(resource.table, row_id)
        return Response(status_code=204)

    return router
