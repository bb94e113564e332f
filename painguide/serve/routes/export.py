from fastapi import APIRouter, Request, Response

from painguide.serve.deps import CurrentRelease
from painguide.serve.encoding import accepts_gzip

router = APIRouter(tags=["export"])


@router.get(
    "/export",
    responses={200: {"content": {"application/json": {}}, "description": "Entries, modules, sources, glossary."}},
)
async def export(release: CurrentRelease, request: Request) -> Response:
    """The whole catalog as one JSON document, for bulk use. Ids are stable."""
    if accepts_gzip(request.headers.get("accept-encoding", "")):
        # compressed once per release (the gzip middleware passes an already-encoded body through)
        return Response(
            release.export_gzip,
            media_type="application/json",
            headers={"Content-Encoding": "gzip", "Vary": "Accept-Encoding"},
        )
    return Response(release.export_bytes, media_type="application/json", headers={"Vary": "Accept-Encoding"})
