"""The `painguide` command: validate, build, serve."""

from __future__ import annotations

import argparse
import logging
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from pydantic import ValidationError
from pydantic_settings import SettingsError

from painguide.content.problems import ContentError
from painguide.content.validate import validate
from painguide.settings import get_settings


def _validate(args: argparse.Namespace) -> int:
    catalog, problems = validate(Path(args.dir), strict=args.strict)
    for problem in problems:
        print(problem, file=sys.stderr)
    if problems:
        print(f"{len(problems)} problem(s) found in {args.dir}", file=sys.stderr)
        return 1
    print(
        f"{args.dir}: {len(catalog.entries)} entries, {len(catalog.modules)} modules, "
        f"{len(catalog.sources)} sources, {len(catalog.glossary)} glossary terms: all valid"
    )
    return 0


def _build(args: argparse.Namespace) -> int:
    return _publish(Path(args.content), Path(args.out), Path(args.config))


def _publish(content: Path, out: Path, config: Path) -> int:
    from painguide import publish

    try:
        release = publish.build(content, out, config, site_url=get_settings().site_url)
    except ContentError as exc:
        for problem in exc.problems:
            print(problem, file=sys.stderr)
        print(f"build failed: {len(exc.problems)} content problem(s); nothing was changed", file=sys.stderr)
        return 1
    except Exception as exc:  # MkDocs aborts (strict warnings, broken links) and I/O errors
        logging.getLogger("painguide").debug("build failed", exc_info=True)  # --log-level debug shows where
        print(f"build failed: {type(exc).__name__}: {exc}; the previous build is untouched", file=sys.stderr)
        return 1
    print(f"built {release} and published it as {out / publish.CURRENT}")
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


def parser() -> argparse.ArgumentParser:
    settings = get_settings()
    root = argparse.ArgumentParser(prog="painguide", description=__doc__)
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
    p.set_defaults(run=_build)

    p = commands.add_parser("serve", help="serve the site at / and the API at /api/v1 (builds if needed)")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=8000)
    p.add_argument("--workers", type=int, default=1)
    p.add_argument("--log-level", default="info")
    p.set_defaults(run=_serve)
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
    return int(args.run(args))


if __name__ == "__main__":
    sys.exit(main())
