"""Payments stored in the database (table ``app_payments``), through a ``PaymentProvider``.

The provider interface, its ``TestProvider`` double (the default: it reaches no payment service)
and the checks of a payment request are in ``app/payment_providers.py``; to take real payments,
write a provider for your payment service there and give it to ``Payments`` in ``app/core.py``.

Amounts are integers in the currency's smallest unit (cents); currencies are ISO 4217 codes.
"""
import secrets
from datetime import datetime, timezone

import sqlalchemy as sa

from .params import pagination, parse_id
from .payment_providers import check_payment_request, check_viewer, payment_json, settle
from .problems import not_found
from .tables import payments


def _now():
    return datetime.now(timezone.utc).replace(tzinfo=None, microsecond=0)


class Payments:
    """``admin_role`` may see every payment; others see the ones they started."""

    def __init__(self, engine, provider, admin_role=None):
        self.engine = engine
        self.provider = provider
        self.admin_role = admin_role

    def create(self, body, user=None):
        """``POST /api/payments``: a pending payment and where to pay it (201)."""
        data = check_payment_request(body)
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
        return payment_json(row)

    def get(self, raw_id, user=None):
        """``GET /api/payments/{id}``: the payer or the administrator."""
        payment_id = parse_id(raw_id, "Payment")
        with self.engine.connect() as conn:
            row = conn.execute(sa.select(payments).where(payments.c.id == payment_id)).mappings().first()
        if row is None:
            raise not_found(f"Payment {raw_id} not found")
        check_viewer(row["created_by"], user, self.admin_role)
        return payment_json(row)

    def list(self, params):
        """``GET /api/payments`` (the administrator): newest first, paged like lists."""
        limit, offset = pagination(params)
        query = sa.select(payments).order_by(payments.c.id.desc()).limit(limit).offset(offset)
        with self.engine.connect() as conn:
            items = [payment_json(row) for row in conn.execute(query).mappings()]
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
            status = settle(row, event["status"])
            if status is None:
                return payment_json(row)  # the same event again
            conn.execute(payments.update().where(where & (payments.c.status == "pending"))
                         .values(status=status, updated_at=_now()))
            row = conn.execute(sa.select(payments).where(where)).mappings().one()
        return payment_json(row)
