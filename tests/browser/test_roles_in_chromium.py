"""In a real browser (Debian's Chromium through Playwright), JavaScript off: each role signs in
and out, the back button shows nothing personal afterwards, and Arabic reads right to left."""
import os
import shutil
import socket
import threading

import pytest
from werkzeug.serving import make_server

from dip.core.access import Role

pytestmark = pytest.mark.browser

CHROMIUM = os.environ.get("CHROMIUM") or shutil.which("chromium")


@pytest.fixture
def live_server(app):
    if not CHROMIUM:
        pytest.skip("Chromium not installed: sudo apt-get install chromium (scripts/test does it as root)")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = make_server("127.0.0.1", port, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{port}"
    server.shutdown()


@pytest.fixture
def page(live_server, tmp_path):
    from playwright.sync_api import sync_playwright
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync", "--no-first-run"])
        context = browser.new_context(java_script_enabled=False)
        external = []
        context.on("request", lambda r: None if r.url.startswith(live_server) or r.url.startswith("data:")
                   else external.append(r.url))
        page = context.new_page()
        page.base = live_server
        page.external = external
        yield page
        context.close()
        browser.close()


@pytest.mark.parametrize("role", [r.value for r in Role])
def test_each_role_signs_in_and_out(page, world, role):
    user = world[role]
    page.goto(page.base + "/login")
    page.fill("#username", user.username)
    page.fill("#password", "correct horse 42")
    page.click("button[type=submit]")
    assert page.url == page.base + "/"
    assert page.locator("h1").inner_text().startswith("Hello")
    page.screenshot(path=f"/tmp/dip-home-{role}.png", full_page=True)
    page.click("text=Sign out")
    assert page.url.endswith("/login")
    assert "You are signed out" in page.content()
    page.go_back()  # WSTG-ATHN-06: the next person at the machine presses Back
    assert user.display_name not in page.content() or page.url.endswith("/login")
    assert page.external == []


def test_arabic_is_right_to_left(page, world):
    page.goto(page.base + "/login")
    page.click("a[hreflang=ar]")
    assert page.locator("html").get_attribute("dir") == "rtl"
    page.fill("#username", world["learner"].username)
    page.fill("#password", "correct horse 42")
    page.click("button[type=submit]")
    assert page.locator("html").get_attribute("dir") == "rtl"
    page.screenshot(path="/tmp/dip-home-ar.png", full_page=True)
    header = page.locator("header").bounding_box()
    brand = page.locator(".brand").bounding_box()
    assert brand["x"] > header["x"] + header["width"] / 2  # the brand sits on the right


def test_page_is_usable_at_320_pixels(page, world):
    page.set_viewport_size({"width": 320, "height": 640})
    page.goto(page.base + "/login")
    width = page.locator("body").bounding_box()["width"]
    assert width <= 320
    assert page.locator("#password").is_visible()
