"""A page's own ids and scripts stay its own whatever the content (security review 2, F1 and F2).

Layers, each tested alone: validation refuses content ids (tests/content/test_markup_limits.py); the page
sanitizer drops ids in the theme's namespace and the ``mermaid`` class; source URLs cannot end their link
and start an attribute list; Material's settings are written in <head>, before any body element; every
page carries the CSP as a meta tag, so the copy opened from disk is protected as the served one is.
"""

from __future__ import annotations

import dataclasses
import hashlib
import re
import shutil
from pathlib import Path

import markdown as md
import pytest

from painguide.content.markup import SITE_EXTENSIONS
from painguide.site import passes
from painguide.site.entries import sources_list
from painguide.site.sanitize import sanitize_page

CONFIG = '{"base":"http://127.0.0.1:8619/","features":[],"translations":{},"search":"http://127.0.0.1:8619/w.js"}'


def test_the_page_sanitizer_drops_the_themes_ids_and_keeps_content_tabs():
    body = (
        '<h2 id="__config">x</h2><span id="__search">y</span>'
        '<input type="radio" id="__tabbed_1_1" name="__tabbed_1"><label for="__tabbed_1_1">Tab</label>'
        '<h2 id="what-it-is">What it is</h2>'
    )
    out = sanitize_page(body)
    assert 'id="__config"' not in out and 'id="__search"' not in out
    assert 'id="__tabbed_1_1"' in out and 'for="__tabbed_1_1"' in out and 'id="what-it-is"' in out


def test_the_page_sanitizer_drops_the_mermaid_class_only():
    out = sanitize_page('<pre class="mermaid">graph TD; A---B</pre><div class="admonition warning">x</div>')
    assert "mermaid" not in out and 'class="admonition warning"' in out


def test_a_source_url_cannot_become_an_attribute_list(fixture_catalog):
    source_id = next(iter(fixture_catalog.sources))
    hostile = fixture_catalog.sources[source_id].model_copy(update={"url": "https://127.0.0.1:8619/x){:#__config}"})
    catalog = dataclasses.replace(fixture_catalog, sources={**fixture_catalog.sources, source_id: hostile})
    entry = next(e for e in catalog.entries.values() if any(r.id == source_id for r in e.sources))
    ref = next(r for r in entry.sources if r.id == source_id)
    html = md.markdown(sources_list("treatments/x.md", [ref], catalog), extensions=SITE_EXTENSIONS)
    assert "id=" not in html
    assert 'href="https://127.0.0.1:8619/x%29%7B:#__config%7D"' in html


def _site(tmp_path: Path, pages: dict[str, str]) -> Path:
    for name, text in pages.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    return tmp_path


HEAD = f'<html><head>{passes.CSP_PLACEHOLDER}<script id="__config" type="application/json">{{}}</script></head>'


def test_the_csp_pass_fills_every_page_and_refuses_a_page_without_the_tag(tmp_path):
    site = _site(tmp_path, {"a.html": HEAD + "<body>a</body></html>"})
    assert passes.content_security_policy(site, ["'sha256-abc='"]) == 1
    text = (site / "a.html").read_text()
    assert "PAINGUIDE-CSP" not in text and "script-src 'self' 'sha256-abc='" in text
    assert "frame-ancestors" not in text  # not allowed in a meta tag; the server's header carries it
    (site / "b.html").write_text("<html><head></head><body>b</body></html>")
    with pytest.raises(passes.PageError, match=r"b\.html"):
        passes.content_security_policy(site, [])


@pytest.mark.parametrize(
    "body",
    [
        f'<code id="__config">{CONFIG}</code>',
        "<span id='__config'>x</span>",
        "<a href=x id=__config>y</a>",
    ],
)
def test_the_id_check_refuses_a_body_element_with_a_page_id(tmp_path, body):
    passes.check_own_ids(_site(tmp_path, {"ok.html": HEAD + "<body><p>fine</p></body></html>"}))
    (tmp_path / "bad.html").write_text(HEAD + f"<body>{body}</body></html>")
    with pytest.raises(passes.PageError, match=r"bad\.html"):
        passes.check_own_ids(tmp_path)


def test_every_built_page_has_its_settings_in_head_and_the_csp_meta(built):
    site = built / "current" / "site"
    pages = sorted(site.rglob("*.html"))
    assert len(pages) > 20
    for page in pages:
        text = page.read_text(encoding="utf-8")
        head = text[: text.index("</head>")]
        assert text.count('id="__config"') == 1 and 'id="__config"' in head, page
        assert re.search(
            r'<meta http-equiv="Content-Security-Policy" content="default-src &#x27;self&#x27;|'
            r"<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'self'",
            head,
        ), page
        # the policy comes before every script, so it governs them all
        assert head.index("Content-Security-Policy") < head.find("<script"), page


# --- In Chromium, from disk (no server, no CSP header) ------------------------------------------------


def _plant(site: Path, tmp_path: Path, payload: str) -> Path:
    """A copy of the built site whose glossary page body carries ``payload`` (as if every defence before
    the page had failed): what remains are the settings in <head> and the meta CSP."""
    copy = tmp_path / "site"
    shutil.copytree(site, copy)
    page = copy / "glossary.html"
    text = page.read_text(encoding="utf-8")
    page.write_text(text.replace("<article", payload + "<article", 1), encoding="utf-8")
    return page


def _open(browser, url: str) -> tuple[object, object, list[str], list[str]]:
    context = browser.new_context(viewport={"width": 390, "height": 844})
    page = context.new_page()
    errors: list[str] = []
    remote: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    # a request the CSP blocks never reaches the network: Playwright reports it failed with "csp"
    page.on("requestfinished", lambda r: remote.append(r.url) if r.url.startswith(("http:", "https:")) else None)
    page.on(
        "requestfailed",
        lambda r: (
            remote.append(f"{r.url} {r.failure}")
            if r.url.startswith(("http:", "https:")) and (r.failure or "") not in {"csp", "net::ERR_BLOCKED_BY_CSP"}
            else None
        ),
    )
    page.goto(url)
    page.wait_for_timeout(300)
    return context, page, errors, remote


def _search_works(page) -> int:
    page.click("label.md-header__button[for=__search]")
    page.fill("input.md-search__input", "alliance")
    page.wait_for_selector(".md-search-result__item", timeout=10_000)
    return page.locator(".md-search-result__item").count()


@pytest.mark.browser
def test_from_disk_pages_run_with_the_meta_csp_and_offline_search_works(browser, built):
    site = built / "current" / "site"
    for name in ("index.html", "glossary.html", "tools/mme.html"):
        context, page, errors, remote = _open(browser, (site / name).resolve().as_uri())
        try:
            assert _search_works(page) >= 1, name
            assert errors == [] and remote == [], (name, errors, remote)
        finally:
            context.close()


@pytest.mark.browser
def test_from_disk_a_planted_config_element_steers_nothing(browser, built, tmp_path):
    # review reproduction A and row 12, planted past validation and the sanitizer
    payload = f'<code id="__config">{CONFIG}</code><span id="__config">x</span>'
    page_path = _plant(built / "current" / "site", tmp_path, payload)
    context, page, errors, remote = _open(browser, page_path.resolve().as_uri())
    try:
        assert _search_works(page) >= 1  # Material's bundle still runs with its own settings
        assert remote == [] and errors == [], (errors, remote)
    finally:
        context.close()


@pytest.mark.browser
def test_from_disk_the_meta_csp_blocks_inline_and_remote_script(browser, built, tmp_path):
    payload = (
        "<script>window.PWNED = 1</script>"
        '<script src="http://127.0.0.1:8619/evil.js"></script>'
        '<img src="http://127.0.0.1:8619/beacon.png" alt="">'
    )
    page_path = _plant(built / "current" / "site", tmp_path, payload)
    context, page, errors, remote = _open(browser, page_path.resolve().as_uri())
    try:
        assert page.evaluate("typeof window.PWNED") == "undefined"
        assert remote == [], remote  # blocked before any request left the page
        assert any("Content Security Policy" in e for e in errors), errors
    finally:
        context.close()


@pytest.mark.browser
def test_from_disk_the_worker_shim_refuses_a_script_from_another_host(browser, built):
    context, page, _, remote = _open(browser, (built / "current" / "site" / "index.html").resolve().as_uri())
    try:
        message = page.evaluate(
            "() => { try { new window.IFrameWorker('http://127.0.0.1:8619/w.js'); return 'made'; }"
            " catch (e) { return String(e); } }"
        )
        assert "not a relative script path" in message
        assert remote == []
    finally:
        context.close()


# sha256 (first 16 hex digits) of each distinct inline script, the relative base normalized (mkdocs-material 9.8.2)
PINNED_INLINE_SCRIPTS = {"0eb10c249dbdb0be", "9e2703283f0df807", "d74bb3b582599bb3", "ffcc0f7735fdab43"}
_INLINE = re.compile(r"<script(?P<attrs>[^>]*)>(?P<body>.*?)</script>", re.DOTALL | re.IGNORECASE)
_SCOPE = re.compile(r'new URL\("[./]*",location\)')


def _inline_script_shapes(site: Path) -> set[str]:
    shapes = set()
    for page in site.rglob("*.html"):
        for match in _INLINE.finditer(page.read_text(encoding="utf-8")):
            attrs = match.group("attrs").lower()
            if "src=" not in attrs and "application/json" not in attrs:
                shapes.add(_SCOPE.sub('new URL("BASE",location)', match.group("body")))
    return {hashlib.sha256(shape.encode()).hexdigest()[:16] for shape in shapes}


def test_the_inline_scripts_the_csp_allows_are_materials_four(built):
    # The CSP allows the hash of every inline script found in the built pages (publish.inline_script_hashes),
    # so an inline script that ever got into a page would be allowed with it (review 2, N2). Pinned: Material's
    # bootstrap (one per folder depth: it embeds the relative base), palette, content tabs and tab-from-hash.
    # A new Material release changes these on purpose: check the new scripts, then record their shapes.
    assert _inline_script_shapes(built / "current" / "site") == PINNED_INLINE_SCRIPTS


def test_a_component_summary_stays_text_on_the_treatments_index(fixture_catalog):
    # found by bench/hostile.py: the one plain-text field written into a page unescaped; a validated summary
    # with link syntax made the strict build abort ("unrecognized relative link 'jav&#x61;script:…'")
    from painguide.content import kinds
    from painguide.site.entries import treatments_index

    component = next(e for e in fixture_catalog.entries.values() if e.type == "component")
    hostile = component.model_copy(
        update={"summary": component.summary + " [x](jav&#x61;script:alert(1)) ![p](http://h/p.png)"}
    )
    catalog = dataclasses.replace(fixture_catalog, entries={**fixture_catalog.entries, component.id: hostile})
    html = md.markdown(treatments_index(kinds.BY_TYPE["component"], catalog), extensions=SITE_EXTENSIONS)
    assert "script:alert(1)" in html and 'href="jav' not in html and "<img" not in html
