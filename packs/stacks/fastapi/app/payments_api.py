"""Payments: start one (signed in), follow it, list them (the administrator), and the payment
service's webhook (signed with ``PAYMENT_WEBHOOK_SECRET``, see app/payments.py)."""
from fastapi import APIRouter, Depends, Request
from fastapi.responses import JSONResponse

from .crud import RequestBody, request_body
from .guards import administrator, signed_in

router = APIRouter(prefix="/api/payments", tags=["payments"])


@router.post("")
def create_payment(request: Request, user=Depends(signed_in), body: RequestBody = Depends(request_body)):
    payment = request.app.state.core.payments.create(body.json_object(), user)
    return JSONResponse(payment, status_code=201, headers={"Location": f"/api/payments/{payment['id']}"})


@router.get("", dependencies=[Depends(administrator)])
def list_payments(request: Request):
    return JSONResponse(request.app.state.core.payments.list(request.query_params))


@router.post("/webhook")
def webhook(request: Request, body: RequestBody = Depends(request_body)):
    return JSONResponse(request.app.state.core.payments.webhook(body.raw, request.headers))


@router.get("/{payment_id}")
def get_payment(payment_id: str, request: Request, user=Depends(signed_in)):
    return JSONResponse(request.app.state.core.payments.get(payment_id, user))
