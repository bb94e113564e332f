"""The site builders that can render the staged site (``painguide.site.staging``): each reads the generated
mkdocs.yml and writes ``site/`` beside it; ``painguide.site.passes`` finishes the pages the same way for all.

- ``mkdocs``: MkDocs 1.6 with Material, in this process (the default: what the site has always used);
- ``properdocs``: ProperDocs, the maintained fork of MkDocs 1.x, which runs the same Material theme and plugins.
  In a child process: it redirects every ``mkdocs.*`` import to itself for the rest of the process;
- ``zensical``: Zensical, Material's successor from the same team (a Rust core, reads mkdocs.yml, runs no
  MkDocs plugins). In a child process.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Literal, get_args

Builder = Literal["mkdocs", "properdocs", "zensical"]
BUILDERS: tuple[str, ...] = get_args(Builder)
DEFAULT: Builder = "mkdocs"
# A real-corpus build takes ~60 s under load (MkDocs); a child builder that takes ten times that is stuck.
TIMEOUT = 900.0
# Zensical keeps its render cache beside the config file (24 MB for the real corpus): not part of a release.
_CACHES = {"zensical": ".cache"}
_ANSI = re.compile(r"\x1b\[[0-9;]*m")


class BuilderError(RuntimeError):
    """The builder failed (its own message, e.g. a strict-mode warning, is in the text)."""


def run(builder: Builder, config: Path, *, strict: bool = True) -> None:
    """Build the site that ``config`` (a staged mkdocs.yml, whose ``strict`` is ``strict``) describes."""
    if builder == "mkdocs":
        from mkdocs.commands.build import build
        from mkdocs.config import load_config

        build(load_config(str(config)))
        return
    if builder not in BUILDERS:
        raise BuilderError(f"unknown site builder {builder!r} (one of {', '.join(BUILDERS)})")
    command = [sys.executable, "-m", builder, "build", "--config-file", str(config)]
    if strict:  # a warning (a broken link, a missing page) fails the build
        command.append("--strict")
    try:
        done = subprocess.run(command, cwd=config.parent, capture_output=True, text=True, timeout=TIMEOUT)
    except subprocess.TimeoutExpired:
        raise BuilderError(f"{builder} did not finish in {TIMEOUT:.0f} s") from None
    finally:
        if builder in _CACHES:
            shutil.rmtree(config.parent / _CACHES[builder], ignore_errors=True)
    if done.returncode != 0:
        raise BuilderError(f"{builder} failed (exit {done.returncode}):\n{_said(done.stdout + done.stderr)}")


def _said(output: str) -> str:
    """The end of what a builder printed: its warnings (a broken link, located), without colours and without
    the traceback of its abort, whose last line is kept."""
    text = _ANSI.sub("", output)
    before, traceback, after = text.partition("Traceback (most recent call last):")
    if traceback:
        text = before + after.strip().splitlines()[-1]
    return "\n".join(line.rstrip() for line in text.strip().splitlines()[-16:])
