from __future__ import annotations

import re

import pytest

from painguide.content.markup import render_markdown
from painguide.site.sanitize import sanitize_page

ATTACKS = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "[x](javascript:alert(1))",
    "<a href='JaVaScRiPt:alert(1)'>x</a>",
    "<svg onload=alert(1)>",
    "<iframe src=//evil.example></iframe>",
    "<div style='background:url(javascript:alert(1))'>x</div>",
    "<a href='data:text/html,<script>alert(1)</script>'>x</a>",
    "<object data=x></object><embed src=x>",
    "<form action=//evil.example><input name=a></form>",
]


@pytest.mark.parametrize("attack", ATTACKS)
def test_markdown_output_is_safe(attack):
    out = render_markdown(f"Text before. {attack} Text after.").lower()
    assert "<script" not in out and "onerror" not in out and "onload" not in out
    assert "javascript:" not in out and "<iframe" not in out and "data:text/html" not in out
    assert "style=" not in out and "<object" not in out and "<form" not in out
    assert "text before." in out


def test_markdown_keeps_formatting():
    out = render_markdown("**Bold**, *em*, [link](https://example.org)\n\n- one\n- two")
    assert "<strong>Bold</strong>" in out and "<em>em</em>" in out and "<li>one</li>" in out
    assert 'href="https://example.org"' in out


@pytest.mark.parametrize("attack", ATTACKS)
def test_page_sanitizer_removes_active_content(attack):
    out = sanitize_page(f"<div class='x'>{attack}</div>").lower()
    assert "<script" not in out and "onerror" not in out and "onload" not in out
    assert not re.search(r"=\s*[\"']?\s*(javascript|data):", out), out  # as text it is harmless, not as a URL
    assert "<iframe" not in out and "style=" not in out


def test_page_sanitizer_keeps_material_markup():
    html = (
        '<div class="tabbed-set tabbed-alternate" data-tabs="1:2"><input checked="checked" id="__tabbed_1_1" '
        'name="__tabbed_1" type="radio"><div class="tabbed-labels"><label for="__tabbed_1_1">For clinicians'
        '</label></div></div><abbr title="Morphine milligram equivalent">MME</abbr>'
        '<h2 id="sources">Sources<a class="headerlink" href="#sources" title="Permanent link">¶</a></h2>'
    )
    out = sanitize_page(html)
    for kept in (
        'data-tabs="1:2"',
        'type="radio"',
        'for="__tabbed_1_1"',
        "<abbr title=",
        'href="#sources"',
        'id="sources"',
    ):
        assert kept in out
