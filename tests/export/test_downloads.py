"""What a release publishes for learning platforms: the same bytes in the release, the site and the API."""

from __future__ import annotations

import re

from painguide import export, publish
from painguide.export import gift
from tests.export.cc import check
from tests.helpers import MKDOCS


def test_downloads_are_one_cartridge_and_gift_per_module_and_one_curriculum(fixture_catalog):
    files = export.downloads(fixture_catalog, "https://pg.example/")
    expected = {export.CURRICULUM_FILE}
    for module_id in fixture_catalog.modules:
        expected |= {f"trainers/{module_id}/{module_id}.imscc", f"trainers/{module_id}/{module_id}.gift"}
    assert set(files) == expected
    for name, data in files.items():
        if name.endswith(".imscc"):
            check(data)
    module = fixture_catalog.modules["fixture-basics"]
    assert files[export.module_file("fixture-basics", "gift")] == gift.questions(module).encode()


def test_a_build_writes_them_into_the_release_and_the_site_with_the_same_bytes(built, fixture_catalog):
    release = publish.current(built)
    site_url = publish.configured_site_url(MKDOCS)
    for name, data in export.downloads(fixture_catalog, site_url).items():
        assert (release / publish.DOWNLOADS / name).read_bytes() == data, name
        assert (release / "site" / name).read_bytes() == data, name


def test_the_trainer_pages_offer_every_download_and_each_link_resolves(built, fixture_catalog):
    site = publish.current(built) / "site"
    pages = ["trainers/index.html", "trainers/assign.html"] + [
        f"trainers/{module_id}/index.html" for module_id in fixture_catalog.modules
    ]
    offered = set()
    for page in pages:
        html = (site / page).read_text(encoding="utf-8")
        links = re.findall(r'<a (?:class="md-button" )?href="([^"]+\.(?:imscc|gift))" download', html)
        assert links, f"{page} offers no download"
        for href in links:
            target = (site / page).parent / href
            assert target.is_file(), f"{page}: {href} is missing"
            offered.add(target.resolve().relative_to(site.resolve()).as_posix())
    assert offered == set(export.downloads(fixture_catalog, None))
