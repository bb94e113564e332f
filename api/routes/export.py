from fastapi import APIRouter, Response

from api.deps import CurrentRelease

router = APIRouter(tags=["export"])


@router.get(
    "/export",
    responses={
        200: {"content": {"application/json": {}}, "description": "Entries, modules, sources, glossary."}
    },
)
async def export(release: CurrentRelease) -> Response:
    """The whole catalog as one JSON document, for bulk use. Ids are stable."""
    return Response(release.export_bytes, media_type="application/json")
