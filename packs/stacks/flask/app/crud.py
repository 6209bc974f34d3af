"""REST routes for one resource (list, get, create, replace, update, delete, and the files of its
``file`` fields) as a Flask blueprint in front of its service (``app/service.py``)."""
from flask import Blueprint, Response, request, url_for

from . import bodies


def raw_body(limit=bodies.MAX_BODY_BYTES, too_large=bodies.too_large):
    """The request body's bytes; ``too_large()`` is raised beyond ``limit`` bytes (413)."""
    if (request.content_length or 0) > limit:
        raise too_large()
    raw = request.stream.read(limit + 1)  # also when sent without a length
    if len(raw) > limit:
        raise too_large()
    return raw


def json_object():
    """The request body, which must be a JSON object of at most ``bodies.MAX_BODY_BYTES``."""
    return bodies.json_object(raw_body(), request.content_type)


def _open(view):
    return view


def crud_blueprint(service, *, protect_write=_open, protect_delete=_open):
    """A blueprint serving ``service.resource`` at its route.

    ``protect_write`` decorates create and update views, ``protect_delete`` the delete view.
    """
    resource = service.resource
    blueprint = Blueprint(f"resource_{resource.table}", __name__, url_prefix=resource.route)

    @blueprint.get("")
    def list_rows():
        return service.list(request.args)

    @blueprint.get("/<row_id>")
    def get_row(row_id):
        return service.get(row_id)

    @blueprint.post("")
    @protect_write
    def create_row():
        row = service.create(json_object())
        return row, 201, {"Location": url_for(".get_row", row_id=row["id"])}

    @blueprint.put("/<row_id>")
    @protect_write
    def replace_row(row_id):
        return service.replace(row_id, json_object)

    @blueprint.patch("/<row_id>")
    @protect_write
    def update_row(row_id):
        return service.update(row_id, json_object)

    @blueprint.delete("/<row_id>")
    @protect_delete
    def delete_row(row_id):
        service.delete(row_id)
        return "", 204

    if resource.file_fields:
        files = service.files

        @blueprint.put("/<row_id>/<field_name>")
        @protect_write
        def put_file(row_id, field_name):
            data = raw_body(files.max_bytes, files.too_large)
            return service.put_file(row_id, field_name, data, request.content_type, request.headers.get("X-Filename"))

        @blueprint.get("/<row_id>/<field_name>")
        def get_file(row_id, field_name):
            data, headers = service.get_file(row_id, field_name)
            return Response(data, headers=headers)

        @blueprint.delete("/<row_id>/<field_name>")
        @protect_write
        def delete_file(row_id, field_name):
            service.delete_file(row_id, field_name)
            return "", 204

    return blueprint
