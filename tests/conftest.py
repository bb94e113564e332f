"""One shared fixture data set (tests/data/guidelines), built once per session, and an in-process client."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from starlette.testclient import TestClient

from api.app import create_app
from painguide import build
from painguide.catalog import Catalog, load
from painguide.settings import Settings

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "tests" / "data"
FIXTURE_CONTENT = DATA / "guidelines"
REAL_CONTENT = ROOT / "guidelines"
MKDOCS = ROOT / "mkdocs.yml"


def copy_content(tmp: Path, source: Path = FIXTURE_CONTENT) -> Path:
    """A private, editable copy of a content tree (tests break copies, never the fixtures)."""
    target = tmp / "guidelines"
    shutil.copytree(source, target)
    return target


@pytest.fixture(scope="session")
def fixture_catalog() -> Catalog:
    return load(FIXTURE_CONTENT)


@pytest.fixture(scope="session")
def real_catalog() -> Catalog:
    return load(REAL_CONTENT)


@pytest.fixture(scope="session")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The fixture content built once (site, index, catalog): the build directory."""
    out = tmp_path_factory.mktemp("fixture-build")
    build.build(FIXTURE_CONTENT, out, MKDOCS)
    return out


@pytest.fixture(scope="session")
def real_built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The real corpus built once: for search quality, browser and page tests."""
    out = tmp_path_factory.mktemp("real-build")
    build.build(REAL_CONTENT, out, MKDOCS)
    return out


@pytest.fixture(scope="session")
def client(built: Path) -> Iterator[TestClient]:
    with TestClient(create_app(Settings(build_dir=built)), raise_server_exceptions=False) as c:
        yield c


@pytest.fixture(scope="session")
def real_client(real_built: Path) -> Iterator[TestClient]:
    with TestClient(create_app(Settings(build_dir=real_built)), raise_server_exceptions=False) as c:
        yield c
