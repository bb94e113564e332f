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
    # The content is public: any origin may GET; no credentials are ever involved.
    cors_origins: list[str] = Field(default=["*"])
    cache_max_age: int = Field(default=300, ge=0, description="Cache-Control max-age, seconds.")
    search_cache_size: int = Field(default=2048, ge=0, description="Search results kept per index (0: none).")
    response_cache_size: int = Field(default=4096, ge=0, description="API responses kept per release (0: none).")


@lru_cache
def get_settings() -> Settings:
    return Settings()
