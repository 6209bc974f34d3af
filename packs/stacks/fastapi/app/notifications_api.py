"""In-app notifications of the signed-in user's role: list, mark one or all as read."""
from fastapi import APIRouter, Depends, Request, Response
from fastapi.responses import JSONResponse

from .guards import signed_in

router = APIRouter(prefix="/api/notifications", tags=["notifications"])


def _viewer(user):
    return user["role"] if user else None


@router.get("")
def list_notifications(request: Request, user=Depends(signed_in)):
    return JSONResponse(request.app.state.core.notifications.list(_viewer(user), request.query_params))


@router.post("/read-all")
def mark_all_read(request: Request, user=Depends(signed_in)):
    request.app.state.core.notifications.mark_all_read(_viewer(user))
    return Response(status_code=204)


@router.post("/{notification_id}/read")
def mark_read(notification_id: str, request: Request, user=Depends(signed_in)):
    return JSONResponse(request.app.state.core.notifications.mark_read(_viewer(user), notification_id))
