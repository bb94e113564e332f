"""Exports for learning platforms: Common Cartridge 1.1 (with QTI 1.2 knowledge checks) and GIFT.

``downloads`` is everything a release publishes, by path relative to the site root: each module's
cartridge and GIFT file beside its trainer page, and the whole curriculum's cartridge on the trainers'
index. ``painguide build`` writes them into the site (so they download from a static host and from
``file://``) and into the release, where the API serves the same bytes.
"""

from __future__ import annotations

from painguide.content.catalog import Catalog
from painguide.export import cartridge, gift

# The paths live in painguide.urls, where the trainer pages that link to them read them too.
from painguide.urls import CURRICULUM_FILE as CURRICULUM_FILE
from painguide.urls import module_file as module_file

# Not the IANA type application/vnd.ims.imsccv1p1: the API's gzip middleware skips application/zip, and
# re-compressing a 700 KB zip (4% smaller) cost ~26 ms of CPU per request (measured on the curriculum).
CARTRIDGE_TYPE = "application/zip"
GIFT_TYPE = "text/plain; charset=utf-8"


def downloads(catalog: Catalog, site_url: str | None) -> dict[str, bytes]:
    """Every download of a release, by path; ``site_url`` makes each cartridge's link back to the site."""
    files = {CURRICULUM_FILE: cartridge.curriculum_cartridge(catalog, site_url)}
    for module in sorted(catalog.modules.values(), key=lambda m: m.id):
        files[module_file(module.id, "imscc")] = cartridge.module_cartridge(module, catalog, site_url)
        files[module_file(module.id, "gift")] = gift.questions(module).encode()
    return files
