"""FastAPI application factory: the API at /api/v1, its docs at /api/docs, the site at /."""

from __future__ import annotations

import importlib.resources
from pathlib import Path

from fastapi import APIRouter, FastAPI, HTTPException
from fastapi.middleware.cors import CORSMiddleware
from starlette.middleware.gzip import DEFAULT_EXCLUDED_CONTENT_TYPES, GZipMiddleware
from starlette.responses import FileResponse
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp, Receive, Scope, Send

from painguide.serve import errors
from painguide.serve.caching import ResponseCache
from painguide.serve.encoding import AcceptEncoding
from painguide.serve.headers import SecurityHeaders
from painguide.serve.monitor import Monitor
from painguide.serve.release import Releases
from painguide.serve.routes import cds, downloads, entries, export, health, infobutton, modules, search
from painguide.serve.site import FastSite, SiteFiles
from painguide.serve.workers import CpuPool
from painguide.settings import Settings, get_settings

API_PREFIX = "/api/v1"
CDS_PREFIX = cds.router.prefix  # CDS Hooks services live at {base}/cds-services by the specification
STATIC = Path(__file__).parent / "static"


class _CORS:
    """Any origin may GET; only CDS Hooks services may also be POSTed to across origins (browser-based EHR
    sandboxes call them so). No credentials anywhere."""

    def __init__(self, app: ASGIApp, origins: list[str]) -> None:
        self.get = CORSMiddleware(app, allow_origins=origins, allow_methods=["GET"], allow_credentials=False)
        self.post = CORSMiddleware(
            app, allow_origins=origins, allow_methods=["GET", "POST"], allow_headers=["Content-Type"]
        )

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        cds_hooks = scope["type"] == "http" and scope["path"].startswith(CDS_PREFIX)
        await (self.post if cds_hooks else self.get)(scope, receive, send)


_PRIVATE = frozenset({f"{API_PREFIX}/infobutton", f"{API_PREFIX}/health"})


def _private(path: str) -> bool:
    """Answers no shared cache may keep: the Infobutton URL names a patient's code, a CDS call their chart."""
    return path in _PRIVATE or path.startswith(CDS_PREFIX)


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or get_settings()
    app = FastAPI(
        title="PainGuide API",
        version="1",
        summary="Integrative chronic-pain care guidance: entries, curriculum modules and search.",
        description="Read-only JSON API. Content is public: any origin may GET. "
        'Errors are `{"error": {"code", "message"}}`.',
        docs_url=None,  # served below from the pinned swagger-ui-py package, not a CDN
        redoc_url=None,
        openapi_url=f"{API_PREFIX}/openapi.json",
    )
    app.state.settings = settings
    app.state.releases = Releases(settings.build_dir, settings.search_cache_size)
    app.state.pool = CpuPool(settings.search_threads, settings.search_queue)
    app.state.monitor = Monitor(app.state.releases)
    errors.install(app)

    api = APIRouter(prefix=API_PREFIX)
    for module in (health, entries, search, modules, export, infobutton, downloads):
        api.include_router(module.router)
    app.include_router(api)
    app.include_router(cds.router)

    @app.get("/api/docs", include_in_schema=False)
    async def docs() -> FileResponse:
        return FileResponse(STATIC / "docs.html", media_type="text/html")

    @app.get("/api/docs/start.js", include_in_schema=False)
    async def docs_script() -> FileResponse:
        return FileResponse(STATIC / "start.js", media_type="text/javascript")

    # Swagger UI 5 from the pinned swagger-ui-py wheel (only its static files are used). Swagger UI 4, in
    # swagger-ui-bundle, cannot read the OpenAPI 3.1 document FastAPI writes: the page said "Unable to render".
    assets = importlib.resources.files("swagger_ui") / "static"
    app.mount("/api/docs/assets", StaticFiles(directory=str(assets)), name="docs-assets")

    @app.api_route("/api/{path:path}", methods=["GET", "HEAD"], include_in_schema=False)
    async def api_not_found(path: str) -> None:
        # Anything under /api that no route matched is an API 404 (JSON), not a site page.
        raise HTTPException(404, f"no API endpoint /api/{path}")

    app.mount("/", SiteFiles(app.state.releases), name="site")

    app.add_middleware(
        ResponseCache,
        prefix=API_PREFIX,
        max_age=settings.cache_max_age,
        generation=app.state.releases.generation,
        size=settings.response_cache_size,
        skip=(f"{API_PREFIX}/health",),  # health must answer for the server, not from memory
        private=_private,
    )
    # The site's .imscc files (served as application/vnd.ims.imsccv1p1) are zips already: gzipping the
    # curriculum's 700 KB again saved 4% for ~26 ms of CPU per download.
    app.add_middleware(
        GZipMiddleware,
        minimum_size=1024,
        exclude_content_types=(*DEFAULT_EXCLUDED_CONTENT_TYPES, "application/vnd.ims.imsccv1p1"),
    )
    # pages from memory, gzipped once per release, ahead of the gzip middleware and routing (F12)
    app.add_middleware(FastSite, releases=app.state.releases, api_prefixes=("/api/", CDS_PREFIX))
    app.add_middleware(AcceptEncoding)
    app.add_middleware(_CORS, origins=settings.cors_origins)
    app.add_middleware(
        SecurityHeaders,
        api_prefixes=(API_PREFIX + "/", CDS_PREFIX),
        script_hashes=app.state.releases.script_hashes,
        frame_ancestors=settings.frame_ancestors,
    )
    return app
