"""Payments through a ``PaymentProvider``.

``TestProvider``, the default, is a stand-in that reaches no payment service: its checkout URLs
(under ``https://checkout.invalid/``, a name that never resolves) lead nowhere, and a payment
changes only when a webhook signed with ``PAYMENT_WEBHOOK_SECRET`` says so (the tests send one;
``TestProvider.signature()`` computes its ``X-Signature``). To take real payments, write a
provider for your payment service (its checkout session and its webhook signature) and give it
to ``Payments`` in ``app/core.py``.

Amounts are integers in the currency's smallest unit (cents); currencies are ISO 4217 codes.
"""
import hashlib
import hmac
import json
import re
import secrets
from datetime import datetime, timezone

import sqlalchemy as sa

from .problems import bad_request, conflict, forbidden, not_found, unauthorized
from .service import pagination, parse_id
from .store import format_datetime
from .tables import payments

MAX_AMOUNT = 2**53 - 1
_CURRENCY = re.compile(r"[A-Za-z]{3}")
FINAL_STATUSES = ("succeeded", "failed")


class PaymentProvider:
    """What a payment service must offer."""

    name = "provider"

    def start_checkout(self, payment):
        """Starts paying ``payment`` (``{id, amount, currency, description}``); returns
        ``{"reference": <the service's id>, "checkout_url": <where the payer goes>}``."""
        raise NotImplementedError

    def parse_webhook(self, raw_body, headers):
        """Checks that a webhook request comes from the service (401 otherwise) and returns its
        event as ``{"payment_id": <our id>, "status": "succeeded" | "failed"}``."""
        raise NotImplementedError


class TestProvider(PaymentProvider):
    """A payment service double: checkouts are never paid; signed webhooks decide."""

    __test__ = False  # not a pytest test class
    name = "test"

    def __init__(self, webhook_secret, checkout_base="https://checkout.invalid/test"):
        self.webhook_secret = webhook_secret
        self.checkout_base = checkout_base.rstrip("/")

    @staticmethod
    def signature(raw_body, secret):
        """The ``X-Signature`` of a webhook body: ``sha256=<hex HMAC-SHA256>``."""
        return "sha256=" + hmac.new(secret.encode(), raw_body, hashlib.sha256).hexdigest()

    def start_checkout(self, payment):
        reference = f"test_{payment['id']}_{secrets.token_hex(8)}"
        return {"reference": reference, "checkout_url": f"{self.checkout_base}/{reference}"}

    def parse_webhook(self, raw_body, headers):
        received = headers.get("X-Signature") or ""
        if not hmac.compare_digest(received.encode(), self.signature(raw_body, self.webhook_secret).encode()):
            raise unauthorized("Invalid or missing webhook signature", challenge='Signature realm="webhook"')
        try:
            event = json.loads(raw_body)
        except ValueError:
            raise bad_request("Malformed JSON in request body") from None
        if not isinstance(event, dict):
            raise bad_request("Request body must be a JSON object")
        errors = []
        payment_id = event.get("payment_id")
        if not (isinstance(payment_id, int) and not isinstance(payment_id, bool) and payment_id > 0):
            errors.append({"field": "payment_id", "message": "must be the id of a payment"})
        if event.get("status") not in FINAL_STATUSES:
            errors.append({"field": "status", "message": f"must be one of: {', '.join(FINAL_STATUSES)}"})
        if errors:
            raise bad_request("Validation failed", errors)
        return {"payment_id": payment_id, "status": event["status"]}


def _now():
    return datetime.now(timezone.utc).replace(tzinfo=None, microsecond=0)


def _json(row):
    return {
        "id": row["id"],
        "status": row["status"],
        "amount": row["amount"],
        "currency": row["currency"],
        "description": row["description"],
        "checkout_url": row["checkout_url"],
        "created_at": format_datetime(row["created_at"]),
        "updated_at": format_datetime(row["updated_at"]),
    }


def _checked_request(body):
    errors = []
    amount, currency = body.get("amount"), body.get("currency")
    description = body.get("description", "")
    if not (isinstance(amount, int) and not isinstance(amount, bool) and 0 < amount <= MAX_AMOUNT):
        errors.append({"field": "amount", "message": "must be a positive integer (in cents)"})
    if not (isinstance(currency, str) and _CURRENCY.fullmatch(currency)):
        errors.append({"field": "currency", "message": "must be a three-letter ISO 4217 code, e.g. EUR"})
    if description is None:
        description = ""
    if not isinstance(description, str) or len(description) > 255:
        errors.append({"field": "description", "message": "must be a string of at most 255 characters"})
    for key in body:
        if key not in ("amount", "currency", "description"):
            errors.append({"field": key, "message": "is not a known field"})
    if errors:
        raise bad_request("Validation failed", errors)
    return {"amount": amount, "currency": currency.upper(), "description": description}


class Payments:
    """``admin_role`` may see every payment; others see the ones they started."""

    def __init__(self, engine, provider, admin_role=None):
        self.engine = engine
        self.provider = provider
        self.admin_role = admin_role

    def create(self, body, user=None):
        """``POST /api/payments``: a pending payment and where to pay it (201)."""
        data = _checked_request(body)
        now = _now()
        with self.engine.begin() as conn:
            values = {**data, "status": "pending", "provider": self.provider.name, "reference": secrets.token_hex(16),
                      "checkout_url": "", "created_by": user.get("email") if user else None,
                      "created_at": now, "updated_at": now}
            payment_id = conn.execute(payments.insert().values(values)).inserted_primary_key[0]
            checkout = self.provider.start_checkout({"id": payment_id, **data})
            conn.execute(payments.update().where(payments.c.id == payment_id).values(
                reference=checkout["reference"], checkout_url=checkout["checkout_url"]))
            row = conn.execute(sa.select(payments).where(payments.c.id == payment_id)).mappings().one()
        return _json(row)

    def get(self, raw_id, user=None):
        """``GET /api/payments/{id}``: the payer or the administrator."""
        payment_id = parse_id(raw_id, "Payment")
        with self.engine.connect() as conn:
            row = conn.execute(sa.select(payments).where(payments.c.id == payment_id)).mappings().first()
        if row is None:
            raise not_found(f"Payment {raw_id} not found")
        if user is not None and user.get("role") != self.admin_role and row["created_by"] != user.get("email"):
            raise forbidden("This payment was started by another user")
        return _json(row)

    def list(self, params):
        """``GET /api/payments`` (the administrator): newest first, paged like lists."""
        limit, offset = pagination(params)
        query = sa.select(payments).order_by(payments.c.id.desc()).limit(limit).offset(offset)
        with self.engine.connect() as conn:
            items = [_json(row) for row in conn.execute(query).mappings()]
            total = conn.execute(sa.select(sa.func.count()).select_from(payments)).scalar_one()
        return {"items": items, "total": total, "limit": limit, "offset": offset}

    def webhook(self, raw_body, headers):
        """``POST /api/payments/webhook``: the provider says a payment succeeded or failed."""
        event = self.provider.parse_webhook(raw_body, headers)
        where = payments.c.id == event["payment_id"]
        with self.engine.begin() as conn:
            row = conn.execute(sa.select(payments).where(where)).mappings().first()
            if row is None:
                raise not_found(f"Payment {event['payment_id']} not found")
            if row["status"] == event["status"]:
                return _json(row)  # the same event again
            if row["status"] != "pending":
                raise conflict(f"Payment {row['id']} is already {row['status']}")
            conn.execute(payments.update().where(where & (payments.c.status == "pending"))
                         .values(status=event["status"], updated_at=_now()))
            row = conn.execute(sa.select(payments).where(where)).mappings().one()
        return _json(row)


def webhook_secret(settings):
    """``PAYMENT_WEBHOOK_SECRET``; outside production a fresh one per process when unset."""
    if not settings.get("PAYMENT_WEBHOOK_SECRET"):
        if settings["PRODUCTION"]:
            raise RuntimeError("PAYMENT_WEBHOOK_SECRET must be set when APP_ENV=production")
        settings["PAYMENT_WEBHOOK_SECRET"] = secrets.token_hex(32)
    return settings["PAYMENT_WEBHOOK_SECRET"]
