"""Lighthouse scores for the real site, served the way production serves it (`make lighthouse`).

Builds guidelines/ into a temporary directory, serves it with uvicorn (site + API, as `painguide
serve` does) on a free loopback port, runs Lighthouse from node_modules against Debian's Chromium for
the home page and an entry page, on the desktop preset and Lighthouse's default mobile emulation, and
prints the four category scores per page. Any audit that costs a category its target is listed below
the table. Exit status 1 when a target is missed.

Each page is measured ``--runs`` times (default 3) and the run with the median performance score is
reported, as Lighthouse's docs advise: performance under simulated throttling varies from run to run,
more so on a busy machine.

    python bench/lighthouse.py                       # build, then desktop and mobile
    python bench/lighthouse.py --build build         # an existing build directory instead
    python bench/lighthouse.py --form-factor desktop --save bench/out/lighthouse
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from painguide.publish import build  # noqa: E402
from tests.helpers import CHROMIUM, CHROMIUM_ARGS, serving  # noqa: E402

LIGHTHOUSE = ROOT / "node_modules" / ".bin" / "lighthouse"
CHROME_FLAGS = ["--headless=new", *CHROMIUM_ARGS, "--disable-dev-shm-usage"]
PAGES = {
    "home": "/index.html",
    "entry (acetaminophen)": "/treatments/medications/acetaminophen.html",
}
CATEGORIES = ("performance", "accessibility", "best-practices", "seo")
TARGETS = {"performance": 90, "accessibility": 100, "best-practices": 95, "seo": 95}


def lighthouse(url: str, form_factor: str) -> dict:
    """One Lighthouse run: the JSON report (Lighthouse's own throttling and emulation)."""
    cmd = [
        str(LIGHTHOUSE),
        url,
        f"--chrome-path={CHROMIUM}",
        f"--chrome-flags={' '.join(CHROME_FLAGS)}",
        "--output=json",
        "--output-path=stdout",
        "--quiet",
        f"--only-categories={','.join(CATEGORIES)}",
    ]
    if form_factor == "desktop":
        cmd.append("--preset=desktop")
    env = {**os.environ, "CHROME_PATH": str(CHROMIUM)}
    done = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=300, check=False)
    if done.returncode != 0 or not done.stdout.strip():
        raise SystemExit(f"lighthouse failed on {url} ({form_factor}):\n{done.stderr[-3000:]}")
    report = json.loads(done.stdout)
    if report.get("runtimeError"):
        raise SystemExit(f"lighthouse could not load {url}: {report['runtimeError']}")
    return report


def scores(report: dict) -> dict[str, int | None]:
    out: dict[str, int | None] = {}
    for cat in CATEGORIES:
        score = report["categories"][cat]["score"]
        out[cat] = None if score is None else round(score * 100)
    return out


def median_run(reports: list[dict]) -> dict:
    """The report with the median performance score (the lower middle one for an even count)."""
    ranked = sorted(reports, key=lambda r: r["categories"]["performance"]["score"] or 0)
    return ranked[(len(ranked) - 1) // 2]


def costly_audits(report: dict, category: str) -> list[str]:
    """Audits that lower a category's score, heaviest first, with what Lighthouse says about them."""
    audits = report["audits"]
    lines = []
    refs = sorted(report["categories"][category]["auditRefs"], key=lambda r: -r.get("weight", 0))
    for ref in refs:
        audit = audits.get(ref["id"], {})
        score = audit.get("score")
        if ref.get("weight", 0) <= 0 or score is None or score >= 0.9:
            continue
        shown = audit.get("displayValue") or ""
        items = [
            i.get("node", {}).get("snippet") or i.get("url") or i.get("source", {}).get("url") or ""
            for i in (audit.get("details") or {}).get("items", [])[:3]
            if isinstance(i, dict)
        ]
        detail = "; ".join(x for x in items if x)[:300]
        lines.append(f"  - {ref['id']} (score {score:.2f}, weight {ref['weight']}) {shown} {detail}".rstrip())
    return lines


def table(rows: list[tuple[str, str, dict[str, int | None]]]) -> str:
    head = f"| {'page':<24} | {'form factor':<11} | " + " | ".join(f"{c:>14}" for c in CATEGORIES) + " |"
    rule = f"|{'-' * 26}|{'-' * 13}|" + "|".join("-" * 16 for _ in CATEGORIES) + "|"
    lines = [head, rule]
    for page, form_factor, s in rows:
        cells = []
        for cat in CATEGORIES:
            value = s[cat]
            mark = "" if value is not None and value >= TARGETS[cat] else " ✗"
            cells.append(f"{'n/a' if value is None else value:>12}{mark or '  '}")
        lines.append(f"| {page:<24} | {form_factor:<11} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--build", type=Path, help="an existing build directory (default: build one now)")
    parser.add_argument("--form-factor", choices=("desktop", "mobile", "both"), default="both")
    parser.add_argument("--runs", type=int, default=3, help="runs per page and form factor (median reported)")
    parser.add_argument("--save", type=Path, help="write each reported JSON report into this directory")
    args = parser.parse_args(argv)

    for tool, hint in ((LIGHTHOUSE, "run `make lighthouse` (npm install)"), (CHROMIUM, "apt-get install chromium")):
        if not tool.exists():
            raise SystemExit(f"{tool} is missing: {hint}")
    form_factors = ("desktop", "mobile") if args.form_factor == "both" else (args.form_factor,)

    tmp = None
    build_dir = args.build
    if build_dir is None:
        tmp = Path(tempfile.mkdtemp(prefix="painguide-lighthouse-"))
        build_dir = tmp / "build"
        started = time.perf_counter()
        build(ROOT / "guidelines", build_dir, ROOT / "mkdocs.yml")
        print(f"built the site in {time.perf_counter() - started:.1f}s", file=sys.stderr)
    rows = []
    problems: list[str] = []
    try:
        with serving(build_dir) as base:
            for form_factor in form_factors:
                for page, path in PAGES.items():
                    print(f"lighthouse: {page}, {form_factor}, {args.runs} run(s) …", file=sys.stderr)
                    runs = [lighthouse(base + path, form_factor) for _ in range(max(1, args.runs))]
                    report = median_run(runs)
                    if args.save:
                        args.save.mkdir(parents=True, exist_ok=True)
                        name = f"{path.strip('/').replace('/', '_').removesuffix('.html')}-{form_factor}.json"
                        (args.save / name).write_text(json.dumps(report), encoding="utf-8")
                    s = scores(report)
                    rows.append((page, form_factor, s))
                    for cat in CATEGORIES:
                        if s[cat] is None or s[cat] < TARGETS[cat]:
                            problems.append(f"{page}, {form_factor}: {cat} {s[cat]} < {TARGETS[cat]}")
                            problems.extend(costly_audits(report, cat))
    finally:
        if tmp is not None:
            shutil.rmtree(tmp, ignore_errors=True)

    print(table(rows))
    print("targets: " + ", ".join(f"{c} >= {t}" for c, t in TARGETS.items()))
    if problems:
        print("\nmissed targets:\n" + "\n".join(problems))
        return 1
    print("all targets met")
    return 0


if __name__ == "__main__":
    sys.exit(main())
