"""The Content-Security-Policy of the site's pages and of the API: one definition for the header the server
sends and for the meta tag every built page carries (so a copy opened from disk is protected too).

The policy allows only the site's own scripts plus the hashes of the few inline scripts Material writes into
every page (computed at build time: ``painguide.site.passes.inline_script_hashes``). With it, each stored-XSS payload
of the first security review would have been blocked even before escaping was fixed, and ``base-uri 'none'``
stops a ``<base href>`` from loading the site's JavaScript from another host.
"""

from __future__ import annotations

# JSON responses never need to load anything.
API_POLICY = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"


def page_policy(script_hashes: tuple[str, ...] | list[str], frame_ancestors: list[str] | None) -> str:
    """The page policy. ``frame_ancestors=None`` leaves that directive out: browsers ignore it in a meta tag
    (and Chromium logs an error for it), so only the header carries it."""
    scripts = " ".join(("'self'", *script_hashes))
    directives = [
        "default-src 'self'",
        f"script-src {scripts}",
        "style-src 'self' 'unsafe-inline'",  # Material sets inline styles; content cannot (sanitized)
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "worker-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
    ]
    if frame_ancestors is not None:
        directives.append(f"frame-ancestors {' '.join(frame_ancestors) or chr(39) + 'none' + chr(39)}")
    return "; ".join(directives)
