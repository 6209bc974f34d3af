"""Payment providers, and what a payment request and a payment look like, whatever the web
framework and the store.

``TestProvider``, the default, is a stand-in that reaches no payment service: its checkout URLs
(under ``https://checkout.invalid/``, a name that never resolves) lead nowhere, and a payment
changes only when a webhook signed with ``PAYMENT_WEBHOOK_SECRET`` says so (the tests send one;
``TestProvider.signature()`` computes its ``X-Signature``). To take real payments, write a
``PaymentProvider`` for your payment service (its checkout session and its webhook signature) and
use it instead of ``TestProvider`` where the application builds its payments.

Amounts are integers in the currency's smallest unit (cents); currencies are ISO 4217 codes.
"""
import hashlib
import hmac
import json
import re
import secrets

from .problems import bad_request, conflict, forbidden, unauthorized
from .validation import format_datetime

MAX_AMOUNT = 2**53 - 1
MAX_DESCRIPTION_LENGTH = 255
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


def check_payment_request(body):
    """The body of ``POST /api/payments`` as ``{amount, currency, description}`` (the currency in
    upper case); 400 naming every field that is wrong or unknown."""
    errors = []
    amount, currency = body.get("amount"), body.get("currency")
    description = body.get("description", "")
    if not (isinstance(amount, int) and not isinstance(amount, bool) and 0 < amount <= MAX_AMOUNT):
        errors.append({"field": "amount", "message": "must be a positive integer (in cents)"})
    if not (isinstance(currency, str) and _CURRENCY.fullmatch(currency)):
        errors.append({"field": "currency", "message": "must be a three-letter ISO 4217 code, e.g. EUR"})
    if description is None:
        description = ""
    if not isinstance(description, str) or len(description) > MAX_DESCRIPTION_LENGTH:
        message = f"must be a string of at most {MAX_DESCRIPTION_LENGTH} characters"
        errors.append({"field": "description", "message": message})
    for key in body:
        if key not in ("amount", "currency", "description"):
            errors.append({"field": key, "message": "is not a known field"})
    if errors:
        raise bad_request("Validation failed", errors)
    return {"amount": amount, "currency": currency.upper(), "description": description}


def payment_json(payment):
    """A stored payment (a mapping with the columns of the payments' table) as the API answers it."""
    return {
        "id": payment["id"],
        "status": payment["status"],
        "amount": payment["amount"],
        "currency": payment["currency"],
        "description": payment["description"],
        "checkout_url": payment["checkout_url"],
        "created_at": format_datetime(payment["created_at"]),
        "updated_at": format_datetime(payment["updated_at"]),
    }


def check_viewer(created_by, user, admin_role):
    """403 unless ``user`` (token claims; None without sign-in) started the payment or is the
    administrator."""
    if user is not None and user.get("role") != admin_role and created_by != user.get("email"):
        raise forbidden("This payment was started by another user")


def settle(payment, status):
    """The status a payment takes when the provider's webhook says ``status``: None when nothing
    changes (the same event again); 409 when the payment already ended otherwise."""
    if payment["status"] == status:
        return None
    if payment["status"] != "pending":
        raise conflict(f"Payment {payment['id']} is already {payment['status']}")
    return status


def webhook_secret(settings):
    """``PAYMENT_WEBHOOK_SECRET``; outside production a fresh one per process when unset."""
    if not settings.get("PAYMENT_WEBHOOK_SECRET"):
        if settings["PRODUCTION"]:
            raise RuntimeError("PAYMENT_WEBHOOK_SECRET must be set when APP_ENV=production")
        settings["PAYMENT_WEBHOOK_SECRET"] = secrets.token_hex(32)
    return settings["PAYMENT_WEBHOOK_SECRET"]
