"""The static site, served from whichever release is current at the time of each request."""

from __future__ import annotations

import os

from starlette.staticfiles import StaticFiles

from painguide.release import Releases


class SiteFiles(StaticFiles):
    def __init__(self, releases: Releases) -> None:
        super().__init__(directory=None, html=True, check_dir=False)
        self.releases = releases

    def lookup_path(self, path: str) -> tuple[str, os.stat_result | None]:
        site = self.releases.site_dir()
        if site is None:
            return "", None
        self.all_directories = [site]  # StaticFiles still checks the path stays inside it
        return super().lookup_path(path)
