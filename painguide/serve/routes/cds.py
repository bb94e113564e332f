from typing import Any

from fastapi import APIRouter, HTTPException, Request
from pydantic import ValidationError

from painguide.serve import cds
from painguide.serve.deps import CurrentRelease, Pool

router = APIRouter(prefix="/cds-services", tags=["cds-hooks"])
MAX_BODY = 2**20  # bytes; a hook call with a year of conditions and medications is a few hundred KB at most


@router.get("")
async def discovery() -> dict[str, Any]:
    """CDS Hooks discovery: the services this server offers."""
    return cds.discovery()


@router.post(f"/{cds.SERVICE_ID}", responses={400: {"description": "The hook call cannot be read."}})
async def patient_view(release: CurrentRelease, pool: Pool, request: Request) -> dict[str, Any]:
    """The patient-view service: cards for the patient's coded conditions and medications (from prefetch)."""
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > MAX_BODY:
            raise HTTPException(413, f"a hook call is at most {MAX_BODY} bytes")
    try:
        call = cds.HookRequest.model_validate_json(bytes(body))
    except ValidationError as exc:
        raise HTTPException(400, f"not a CDS Hooks call: {exc.errors()[0].get('msg')}") from None
    try:
        # FHIR parsing is CPU work: off the event loop, like search
        found = await pool.run(cds.cards, release, request.app.state.settings.site_url, call)
    except cds.BadRequest as exc:
        raise HTTPException(400, str(exc)) from None
    return {"cards": found}
