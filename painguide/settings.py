"""Runtime settings, read from the environment (prefix ``PAINGUIDE_``) with sensible defaults."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="PAINGUIDE_", extra="ignore")

    content_dir: Path = Path("guidelines")
    build_dir: Path = Path("build")
    mkdocs_config: Path = Path("mkdocs.yml")
    # The public address of the site, for canonical links and the sitemap (None: mkdocs.yml's site_url).
    site_url: str | None = Field(default=None, pattern=r"^https?://[^\s\"'<>]+/$")
    # The content is public: any origin may GET; no credentials are ever involved.
    cors_origins: list[str] = Field(default=["*"])
    cache_max_age: int = Field(default=300, ge=0, description="Cache-Control max-age, seconds.")
    search_cache_size: int = Field(default=2048, ge=0, description="Search results kept per index (0: none).")
    response_cache_size: int = Field(default=4096, ge=0, description="API responses kept per release (0: none).")
    # Who may frame the site's pages (CSP frame-ancestors): "'self'" by default; add the origins of portals
    # that embed PainGuide pages in an iframe (the script widget needs nothing here).
    frame_ancestors: list[str] = Field(default=["'self'"])
    # CPU-bound API work (search, related, export, opening a release) runs in this many threads; at most
    # search_queue requests wait for one, beyond that the API answers 503 "busy" with Retry-After.
    search_threads: int = Field(default=2, ge=1, le=64)
    search_queue: int = Field(default=64, ge=1, le=10_000)
    # Slow and greedy clients (painguide/serve/server.py). Behind a reverse proxy every connection comes from
    # the proxy's address: set both per-client caps to 0 there and let the proxy limit clients (README).
    head_timeout: float = Field(default=10.0, gt=0, le=600, description="Seconds to send a whole request head.")
    body_timeout: float = Field(
        default=10.0, gt=0, le=600, description="Seconds to send a request body, plus 1 s per 64 KB of it."
    )
    max_connections_per_client: int = Field(default=64, ge=0, le=10_000, description="0: no cap.")
    max_api_requests_per_client: int = Field(default=16, ge=0, le=10_000, description="0: no cap.")


@lru_cache
def get_settings() -> Settings:
    return Settings()
