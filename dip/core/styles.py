"""The stylesheet: inline on a browser's first visit, from its cache on every later one.

A first visit over a slow link (Regular 2G: 300 ms a round trip) must not wait for a second
round trip to fetch the stylesheet before it can show the page. So a browser that has not
yet got the stylesheet receives it inside the page (``<style>``, allowed by its hash in the
Content-Security-Policy) together with a ``prefetch`` link, last in the page, that fetches the
fingerprinted file once the page has arrived (cached for a year, immutable), and a ``dip_css`` cookie naming
that version. Later pages see the cookie and link the cached file instead, so they carry
no stylesheet at all. A new version of the stylesheet has a new fingerprint and cookie value:
the next page is again self-contained. The whole stylesheet is the critical one (about 2 KB
compressed): every page shows the header, navigation, cards and forms it styles.
"""
import base64
import hashlib
from pathlib import Path

from flask import Flask, g, request, url_for
from markupsafe import Markup

COOKIE = "dip_css"
FILE = "dip.css"
YEAR = 365 * 24 * 3600


def init_app(app: Flask) -> str:
    """Read the stylesheet once; return the CSP source that allows it inline."""
    text = (Path(app.static_folder) / FILE).read_text(encoding="utf-8")
    digest = hashlib.sha256(text.encode()).digest()
    app.extensions["dip_styles"] = {
        "text": Markup(text), "version": hashlib.sha256(text.encode()).hexdigest()[:10],
    }

    @app.after_request
    def remember(response):
        if g.get("_css_inlined") and response.status_code < 400:
            state = app.extensions["dip_styles"]
            response.set_cookie(COOKIE, state["version"], max_age=YEAR, httponly=True,
                                samesite="Lax", secure=app.config.get("SESSION_COOKIE_SECURE", False))
        return response

    return "'sha256-" + base64.b64encode(digest).decode() + "'"


def head(app: Flask) -> dict:
    """What base.html needs: ``inline_css`` (the stylesheet's text, or None when this browser
    has it cached) and ``css_url`` (the fingerprinted file)."""
    state = app.extensions["dip_styles"]
    url = url_for("static", filename=FILE, v=state["version"])
    if request.cookies.get(COOKIE) == state["version"]:
        return {"inline_css": None, "css_url": url}
    g._css_inlined = True
    return {"inline_css": state["text"], "css_url": url}
