"""Signing out and signing in leave nothing the site stored in the browser for the next person
at a shared computer (issue 11): ``Clear-Site-Data: "storage"`` on both responses, checked in
Chromium with JavaScript on (the optional scripts write sessionStorage)."""
import os
import shutil
import socket
import threading

import pytest
from werkzeug.serving import make_server

from tests.conftest import PASSWORD

pytestmark = pytest.mark.browser
CHROMIUM = os.environ.get("CHROMIUM") or shutil.which("chromium")
WRITE = ("() => { localStorage.setItem('dip-note', 'private text');"
         " sessionStorage.setItem('dip-/proposals/1/autosave', 'unsaved proposal'); }")
COUNT = "() => localStorage.length + sessionStorage.length"


@pytest.fixture
def page(app):
    if not CHROMIUM:
        pytest.skip("Chromium not installed")
    from playwright.sync_api import sync_playwright

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = make_server("127.0.0.1", port, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM,
                                        args=["--no-sandbox", "--disable-gpu", "--no-first-run"])
            context = browser.new_context()  # JavaScript on: the scripts that store things run
            page = context.new_page()
            page.base = f"http://127.0.0.1:{port}"
            yield page
            context.close()
            browser.close()
    finally:
        server.shutdown()


def _sign_in(page, username):
    page.goto(page.base + "/login")
    page.fill("#username", username)
    page.fill("#password", PASSWORD)
    page.click("main button[type=submit]")


def test_signing_out_clears_what_the_site_stored(page, world):
    _sign_in(page, world["learner"].username)
    assert page.url == page.base + "/"
    page.evaluate(WRITE)
    assert page.evaluate(COUNT) == 2
    page.click("text=Sign out")
    assert page.url.endswith("/login")
    assert page.evaluate(COUNT) == 0


def test_signing_in_clears_what_the_last_person_left(page, world):
    page.goto(page.base + "/login")
    page.evaluate(WRITE)  # left by someone whose session simply ended
    _sign_in(page, world["learner"].username)
    assert page.url == page.base + "/"
    assert page.evaluate(COUNT) == 0



def test_signing_out_in_one_tab_clears_the_others(page, world):
    """A proposal left open in another tab kept its unsaved text in sessionStorage."""
    _sign_in(page, world["learner"].username)
    other = page.context.new_page()
    other.goto(page.base + "/")
    other.evaluate(WRITE)
    page.click("text=Sign out")
    assert other.evaluate(COUNT) == 0
