"""The `painguide` command: validate, build, serve, export."""

from __future__ import annotations

import argparse
import logging
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, cast

from pydantic import ValidationError
from pydantic_settings import SettingsError

from painguide.content.characters import printable
from painguide.content.problems import ContentError
from painguide.content.validate import validate
from painguide.settings import get_settings

if TYPE_CHECKING:
    from painguide.publish import Builder


def _validate(args: argparse.Namespace) -> int:
    catalog, problems = validate(Path(args.dir), strict=args.strict)
    for problem in problems:
        print(problem, file=sys.stderr)
    if problems:
        print(f"{len(problems)} problem(s) found in {printable(args.dir)}", file=sys.stderr)
        return 1
    print(
        f"{printable(args.dir)}: {len(catalog.entries)} entries, {len(catalog.modules)} modules, "
        f"{len(catalog.sources)} sources, {len(catalog.glossary)} glossary terms: all valid"
    )
    return 0


def _build(args: argparse.Namespace) -> int:
    return _publish(Path(args.content), Path(args.out), Path(args.config), args.builder)


def _publish(content: Path, out: Path, config: Path, builder: str = "mkdocs") -> int:
    from painguide import publish

    try:
        chosen = cast("Builder", builder)  # argparse checked the choice
        release = publish.build(content, out, config, site_url=get_settings().site_url, builder=chosen)
    except ContentError as exc:
        for problem in exc.problems:
            print(problem, file=sys.stderr)
        print(f"build failed: {len(exc.problems)} content problem(s); nothing was changed", file=sys.stderr)
        return 1
    except Exception as exc:  # MkDocs aborts (strict warnings, broken links) and I/O errors
        logging.getLogger("painguide").debug("build failed", exc_info=True)  # painguide --debug build: where
        # printable: MkDocs' messages quote paths and page text (one failure, one line)
        print(
            f"build failed: {type(exc).__name__}: {printable(str(exc))}; the previous build is untouched",
            file=sys.stderr,
        )
        return 1
    print(f"built {printable(str(release))} and published it as {printable(str(out / publish.CURRENT))}")
    return 0


def _serve(args: argparse.Namespace) -> int:
    from painguide import publish
    from painguide.serve import server

    settings = get_settings()
    if publish.current(settings.build_dir) is None:
        print("nothing built yet: building first", file=sys.stderr)
        if status := _publish(settings.content_dir, settings.build_dir, settings.mkdocs_config):
            return status
    print(
        f"PainGuide: site http://{args.host}:{args.port}/  API http://{args.host}:{args.port}/api/v1  "
        f"docs http://{args.host}:{args.port}/api/docs",
        file=sys.stderr,
    )
    server.run(args.host, args.port, args.workers, args.log_level)
    return 0


def _export(args: argparse.Namespace) -> int:
    """Write one module's (or the whole curriculum's) Common Cartridge, or one module's GIFT questions."""
    from mkdocs.exceptions import ConfigurationError

    from painguide import publish
    from painguide.content.validate import load
    from painguide.export import cartridge, gift

    try:
        catalog = load(Path(args.content))
    except ContentError as exc:
        for problem in exc.problems:
            print(problem, file=sys.stderr)
        print(f"export failed: {len(exc.problems)} content problem(s); nothing was written", file=sys.stderr)
        return 1
    module = catalog.modules.get(args.module) if args.module else None
    if args.module and module is None:
        known = ", ".join(sorted(catalog.modules)) or "none"
        print(f"painguide: no module {args.module!r} in {printable(args.content)} (modules: {known})", file=sys.stderr)
        return 2
    if module is not None and args.format == "gift":
        data = gift.questions(module).encode()
    else:
        try:  # the cartridges' links back to the site use the address the site is built for
            site_url = publish.configured_site_url(Path(args.config), get_settings().site_url)
        except (ConfigurationError, OSError) as exc:
            print(f"painguide: cannot read the site configuration {printable(args.config)}: {exc}", file=sys.stderr)
            return 2
        if module is not None:
            data = cartridge.module_cartridge(module, catalog, site_url)
        else:
            data = cartridge.curriculum_cartridge(catalog, site_url)
    try:
        Path(args.out).write_bytes(data)
    except OSError as exc:
        print(f"painguide: cannot write {printable(args.out)}: {exc.strerror or exc}", file=sys.stderr)
        return 2
    print(f"wrote {printable(args.out)} ({len(data):,} bytes)")
    return 0


def parser() -> argparse.ArgumentParser:
    settings = get_settings()
    root = argparse.ArgumentParser(prog="painguide", description=__doc__)
    # A failed build prints one line; --debug also logs where it failed (architecture review 2, F12: the
    # traceback went to a DEBUG log that only `serve` could switch on).
    root.add_argument("--debug", action="store_true", help="log debug messages, and the traceback of a failure")
    commands = root.add_subparsers(dest="command", required=True)

    p = commands.add_parser("validate", help="check every content file; exit 1 on any problem")
    p.add_argument("dir", nargs="?", default=str(settings.content_dir))
    p.add_argument(
        "--strict",
        action="store_true",
        help="also apply the editorial rules: person-first language, reading level, knowledge-check balance",
    )
    p.set_defaults(run=_validate)

    p = commands.add_parser("build", help="build the site and search index, then swap them in atomically")
    p.add_argument("--content", default=str(settings.content_dir))
    p.add_argument("--out", default=str(settings.build_dir))
    p.add_argument("--config", default=str(settings.mkdocs_config))
    p.add_argument(
        "--builder",
        default="mkdocs",
        choices=("mkdocs", "properdocs", "zensical"),  # publish.BUILDERS (not imported here: it is slow)
        help="the site builder that renders the staged pages (default: mkdocs)",
    )
    p.set_defaults(run=_build)

    p = commands.add_parser("serve", help="serve the site at / and the API at /api/v1 (builds if needed)")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=8000)
    p.add_argument("--workers", type=int, default=1)
    p.add_argument("--log-level", default="info")
    p.set_defaults(run=_serve)

    p = commands.add_parser("export", help="write a Common Cartridge 1.1 (.imscc) or GIFT file for an LMS")
    formats = p.add_subparsers(dest="format", required=True)
    f = formats.add_parser("cartridge", help="one module (--module) or the whole curriculum as Common Cartridge")
    f.add_argument("--module", help="a module id (default: every module, as one course)")
    f.add_argument("--out", required=True, help="the .imscc file to write")
    f.add_argument("--content", default=str(settings.content_dir))
    f.add_argument("--config", default=str(settings.mkdocs_config), help="mkdocs.yml, for the site's address")
    f.set_defaults(run=_export)
    f = formats.add_parser("gift", help="one module's knowledge check as Moodle GIFT")
    f.add_argument("--module", required=True, help="a module id")
    f.add_argument("--out", required=True, help="the .gift file to write")
    f.add_argument("--content", default=str(settings.content_dir))
    f.set_defaults(run=_export)
    return root


def main(argv: Sequence[str] | None = None) -> int:
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s: %(message)s")
    os.environ.setdefault("PYTHONUNBUFFERED", "1")
    try:
        get_settings()
    except ValidationError as exc:  # one line per bad setting, not a traceback
        for error in exc.errors():
            name = "PAINGUIDE_" + "_".join(str(p) for p in error["loc"][:1]).upper()
            print(f"painguide: setting {name}: {error['msg']}", file=sys.stderr)
        return 2
    except SettingsError as exc:  # e.g. a list setting that is not JSON
        print(f"painguide: {exc} (list settings are JSON, e.g. '[\"https://a.org\"]')", file=sys.stderr)
        return 2
    args = parser().parse_args(argv)
    if args.debug:
        logging.getLogger("painguide").setLevel(logging.DEBUG)
    return int(args.run(args))


if __name__ == "__main__":
    sys.exit(main())
