import datetime as dt
import json
from typing import Annotated, Any
from urllib.parse import urljoin

from fastapi import APIRouter, HTTPException, Query, Request, Response
from fastapi.responses import RedirectResponse

from painguide.serve import infobutton, knowledge
from painguide.serve.deps import CurrentRelease, Pool

router = APIRouter(prefix="/infobutton", tags=["infobutton"])
_FORMATS: dict[int | str, dict[str, Any]] = {
    200: {
        "content": {"text/xml": {}, "application/json": {}, "application/javascript": {}},
        "description": "An Atom feed (default), MedlinePlus Connect's JSON shape, or JSONP.",
    },
    303: {"description": "knowledgeResponseType=text/html: the best page."},
}


@router.get("", responses=_FORMATS)
async def knowledge_request(
    release: CurrentRelease,
    pool: Pool,
    request: Request,
    query: Annotated[infobutton.KnowledgeRequest, Query()],
) -> Response:
    """HL7 Infobutton (URL-based): the pages for a problem or medication code, for a patient or a clinician."""
    site_url = request.app.state.settings.site_url
    answers = await infobutton.find(release, pool, query, site_url)
    if query.response_type == "text/html":
        if not answers:
            raise HTTPException(404, "no PainGuide page matches this request")
        return RedirectResponse(answers[0].url, status_code=303)
    data = infobutton.feed(release, query, answers, site_url)
    if query.response_type == "application/json":
        return Response(json.dumps(data).encode(), media_type="application/json")
    if query.response_type == "application/javascript":
        if query.callback is None:
            raise HTTPException(400, "knowledgeResponseType application/javascript needs a callback parameter")
        return Response(infobutton.jsonp(query.callback, data), media_type="application/javascript")
    return Response(infobutton.atom(data), media_type="text/xml")


@router.get("/profile.xml", responses={200: {"content": {"application/xml": {}}}})
async def resource_profile(release: CurrentRelease, request: Request) -> Response:
    """The knowledge resource profile an infobutton manager (e.g. OpenInfobutton) routes requests with."""
    url = urljoin(knowledge.public_base(release, request.app.state.settings.site_url), "api/v1/infobutton")
    published = max((e.reviewed for e in release.entries.values()), default=dt.date.today())
    return Response(infobutton.profile(url, published), media_type="application/xml")
