"""REST routes for one resource (list, get, create, replace, update, delete) as a Flask blueprint
in front of its service (``app/service.py``)."""
from flask import Blueprint, request, url_for

from . import bodies


def raw_body():
    """The request body's bytes, 413 beyond ``bodies.MAX_BODY_BYTES``."""
    if (request.content_length or 0) > bodies.MAX_BODY_BYTES:
        raise bodies.too_large()
    raw = request.stream.read(bodies.MAX_BODY_BYTES + 1)  # also when sent without a length
    if len(raw) > bodies.MAX_BODY_BYTES:
        raise bodies.too_large()
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

    return blueprint
