"""Payments: start one (signed in), follow it, list them (the administrator), and the payment
service's webhook (signed with ``PAYMENT_WEBHOOK_SECRET``, see app/payments.py)."""
from flask import Blueprint, current_app, request

from .crud import json_object, raw_body
from .guards import administrator, current_user, signed_in

bp = Blueprint("payments", __name__, url_prefix="/api/payments")


def _payments():
    return current_app.extensions["core"].payments


@bp.post("")
@signed_in
def create_payment():
    payment = _payments().create(json_object(), current_user())
    return payment, 201, {"Location": f"/api/payments/{payment['id']}"}


@bp.get("")
@administrator
def list_payments():
    return _payments().list(request.args)


@bp.get("/<payment_id>")
@signed_in
def get_payment(payment_id):
    return _payments().get(payment_id, current_user())


@bp.post("/webhook")
def webhook():
    return _payments().webhook(raw_body(), request.headers)
