"""REST routes for one resource (list, get, create, replace, update, delete, and the files of its
``file`` fields) as a FastAPI router in front of its service (``app/service.py``).

The routes are plain functions: FastAPI runs them in its thread pool, where the database calls
may block. Request bodies are read (asynchronously, at most ``bodies.MAX_BODY_BYTES``) by the
``request_body`` dependency and decoded only when the service needs them.
"""
from fastapi import APIRouter, Depends, Request, Response
from fastapi.responses import JSONResponse

from . import bodies


class RequestBody:
    """The raw bytes of a request body and its ``Content-Type``."""

    def __init__(self, raw, content_type):
        self.raw = raw
        self.content_type = content_type

    def json_object(self):
        """The body, which must be a JSON object."""
        return bodies.json_object(self.raw, self.content_type)


async def read_body(request, limit=bodies.MAX_BODY_BYTES, too_large=bodies.too_large):
    """The request's body; ``too_large()`` is raised beyond ``limit`` bytes (413)."""
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        raise too_large()
    raw = bytearray()
    async for chunk in request.stream():
        raw += chunk
        if len(raw) > limit:
            raise too_large()
    return RequestBody(bytes(raw), request.headers.get("content-type", ""))


async def request_body(request: Request):
    """A dependency: the request's body, 413 beyond ``bodies.MAX_BODY_BYTES``."""
    return await read_body(request)


async def upload_body(request: Request):
    """A dependency: an uploaded file, 413 beyond ``UPLOAD_MAX_BYTES``."""
    files = request.app.state.core.files
    return await read_body(request, files.max_bytes, files.too_large)


def crud_router(service, *, protect_write=(), protect_delete=()):
    """A router serving ``service.resource`` at its route.

    ``protect_write`` lists the dependencies (guards) of the create and update routes,
    ``protect_delete`` those of the delete route; they run before the route itself.
    """
    resource = service.resource
    router = APIRouter(prefix=resource.route, tags=[resource.table])
    write_guards = [Depends(guard) for guard in protect_write]
    delete_guards = [Depends(guard) for guard in protect_delete]

    @router.get("")
    def list_rows(request: Request):
        return JSONResponse(service.list(request.query_params))

    @router.get("/{row_id}")
    def get_row(row_id: str):
        return JSONResponse(service.get(row_id))

    @router.post("", dependencies=write_guards)
    def create_row(body: RequestBody = Depends(request_body)):
        row = service.create(body.json_object)
        return JSONResponse(row, status_code=201, headers={"Location": f"{resource.route}/{row['id']}"})

    @router.put("/{row_id}", dependencies=write_guards)
    def replace_row(row_id: str, body: RequestBody = Depends(request_body)):
        return JSONResponse(service.replace(row_id, body.json_object))

    @router.patch("/{row_id}", dependencies=write_guards)
    def update_row(row_id: str, body: RequestBody = Depends(request_body)):
        return JSONResponse(service.update(row_id, body.json_object))

    @router.delete("/{row_id}", dependencies=delete_guards)
    def delete_row(row_id: str):
        service.delete(row_id)
        return Response(status_code=204)

    if resource.file_fields:

        @router.put("/{row_id}/{field_name}", dependencies=write_guards)
        def put_file(row_id: str, field_name: str, request: Request, body: RequestBody = Depends(upload_body)):
            row = service.put_file(row_id, field_name, body.raw, body.content_type, request.headers.get("X-Filename"))
            return JSONResponse(row)

        @router.get("/{row_id}/{field_name}")
        def get_file(row_id: str, field_name: str):
            data, headers = service.get_file(row_id, field_name)
            return Response(data, headers=headers)

        @router.delete("/{row_id}/{field_name}", dependencies=write_guards)
        def delete_file(row_id: str, field_name: str):
            service.delete_file(row_id, field_name)
            return Response(status_code=204)

    return router
