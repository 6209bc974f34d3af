"""In-app notifications of the signed-in user's role: list, mark one or all as read."""
from flask import Blueprint, current_app, request

from .guards import current_user, signed_in

bp = Blueprint("notifications", __name__, url_prefix="/api/notifications")


def _notifications():
    return current_app.extensions["core"].notifications


def _viewer():
    user = current_user()
    return user["role"] if user else None


@bp.get("")
@signed_in
def list_notifications():
    return _notifications().list(_viewer(), request.args)


@bp.post("/<notification_id>/read")
@signed_in
def mark_read(notification_id):
    return _notifications().mark_read(_viewer(), notification_id)


@bp.post("/read-all")
@signed_in
def mark_all_read():
    _notifications().mark_all_read(_viewer())
    return "", 204
