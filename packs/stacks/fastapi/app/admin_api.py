"""``GET /api/admin/summary``: every resource with its number of rows (the administrator)."""
from fastapi import APIRouter, Depends, Request
from fastapi.responses import JSONResponse

from .guards import administrator

router = APIRouter(prefix="/api/admin", tags=["admin"])


@router.get("/summary", dependencies=[Depends(administrator)])
def summary(request: Request):
    return JSONResponse(request.app.state.core.admin_summary())
