"""Page views: ``POST /api/analytics/pageview`` (anyone), ``GET /api/analytics`` (the
administrator). See app/analytics.py for what is stored: no cookie, IP address or user agent."""
from fastapi import APIRouter, Depends, Request, Response
from fastapi.responses import JSONResponse

from .crud import RequestBody, request_body
from .guards import administrator

router = APIRouter(prefix="/api/analytics", tags=["analytics"])


@router.post("/pageview")
def pageview(request: Request, body: RequestBody = Depends(request_body)):
    request.app.state.core.analytics.record(body.json_object(), do_not_track=request.headers.get("DNT") == "1")
    return Response(status_code=204)


@router.get("", dependencies=[Depends(administrator)])
def report(request: Request):
    return JSONResponse(request.app.state.core.analytics.report(request.query_params))
