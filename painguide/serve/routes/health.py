from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from painguide.serve.models import Health

router = APIRouter(tags=["health"])


@router.get("/health", response_model=Health, responses={503: {"model": Health, "description": "Degraded."}})
async def health(request: Request) -> Health | JSONResponse:
    report: Health = await request.app.state.monitor.report()
    if report.status == "ok":
        return report
    return JSONResponse(report.model_dump(), status_code=503)
