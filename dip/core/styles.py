"""The stylesheet: inline on a browser's first visit, from its cache on every later one.

A first visit over a slow link (Regular 2G: 300 ms a round trip) must not wait for a second
round trip to fetch the stylesheet before it can show the page. So a browser that has not
yet got the stylesheet receives it inside the page (``<style>``, allowed by its hash in the
Content-Security-Policy) together with a ``prefetch`` link, last in the page, that fetches the
fingerprinted file once the page has arrived (cached for a year, immutable), and a ``dip_css`` cookie naming
that version. Later pages see the cookie and link the cached file instead, so they carry
no stylesheet at all. A new version of the stylesheet has a new fingerprint and cookie value:
the next page is again self-contained. The copy inside a page is the stylesheet without its
comments and line breaks, and without its last part (gradebook, progress grid, certificates,
file previews: about 400 bytes compressed that no learner page uses) unless the page's template
asks for all of it; the file itself always holds everything.
"""
import base64
import hashlib
import re
from pathlib import Path

from flask import Flask, g, request, url_for
from markupsafe import Markup

COOKIE = "dip_css"
FILE = "dip.css"
#: What follows this comment in the stylesheet only staff pages and certificates use: pages
#: carry the part above it, unless their template says ``{% set all_css = true %}``.
MARKER = "/* ==== Below: only in the linked file"
YEAR = 365 * 24 * 3600


def init_app(app: Flask) -> str:
    """Read the stylesheet once; return the CSP sources that allow its inline copies."""
    text = (Path(app.static_folder) / FILE).read_text(encoding="utf-8")
    common = text.split(MARKER)[0]
    inline = {"common": _bare(common), "all": _bare(text)}
    app.extensions["dip_styles"] = {
        "inline": {k: Markup(v) for k, v in inline.items()},
        "version": hashlib.sha256(text.encode()).hexdigest()[:10],
    }

    @app.after_request
    def remember(response):
        if g.get("_css_inlined") and response.status_code < 400:
            state = app.extensions["dip_styles"]
            response.set_cookie(COOKIE, state["version"], max_age=YEAR, httponly=True,
                                samesite="Lax", secure=app.config.get("SESSION_COOKIE_SECURE", False))
        return response

    return " ".join("'sha256-" + base64.b64encode(hashlib.sha256(v.encode()).digest()).decode()
                    + "'" for v in inline.values())


def _bare(css: str) -> str:
    """The stylesheet without its comments and line breaks, for the copy inside a page (two
    regular expressions do it safely for this file, which has no strings; a minifier
    dependency would save a few more bytes at the price of another package)."""
    return re.sub(r"\n+", "", re.sub(r"/\*.*?\*/", "", css, flags=re.S))


def head(app: Flask) -> dict:
    """What base.html needs: ``inline_css`` (the stylesheet's text, or None when this browser
    has it cached) and ``css_url`` (the fingerprinted file)."""
    state = app.extensions["dip_styles"]
    url = url_for("static", filename=FILE, v=state["version"])
    if request.cookies.get(COOKIE) == state["version"]:
        return {"inline_css": None, "css_url": url}
    g._css_inlined = True
    return {"inline_css": state["inline"], "css_url": url}
