"""In Chromium with JavaScript off: a learner downloads their signed credential, prints the
certificate on one A4 page with its QR code and fingerprint, and anyone checks the file."""
import hashlib
import json
import re

import pytest

from dip.modules.assignments import credentials
from tests.assignments.credential_helpers import offline_verify
from tests.conftest import PASSWORD

pytestmark = pytest.mark.browser


@pytest.fixture
def nojs(browser_page):
    """A second page of the same browser, with JavaScript off and downloads allowed."""
    context = browser_page.context.browser.new_context(java_script_enabled=False,
                                                       accept_downloads=True)
    page = context.new_page()
    page.base = browser_page.base
    yield page
    context.close()


def test_the_learner_downloads_the_credential_and_prints_the_certificate(nojs, certified,
                                                                        tmp_path):
    page = nojs
    page.goto(page.base + "/login")
    page.fill("#username", "learner.a")
    page.fill("#password", PASSWORD)
    page.click("button[type=submit]")
    page.click("text=Your certificate")
    assert page.locator("h1").inner_text() == "Certificate of completion"

    with page.expect_download() as info:
        page.click("text=Download the signed credential")
    download = info.value
    assert download.suggested_filename == f"dip-certificate-{certified['cert'].code}.jwt"
    saved = tmp_path / download.suggested_filename
    download.save_as(saved)
    token = saved.read_text()
    jwks = page.request.get(page.base + "/.well-known/jwks.json").text()
    _header, claims = offline_verify(token, jwks)
    assert claims["credentialSubject"]["identifier"][0]["identityHash"] == "Learner.A"

    # The printed page: one A4 sheet, black on white, the QR code and the file's fingerprint.
    page.emulate_media(media="print")
    assert not page.locator("header").is_visible()
    assert not page.locator("text=Download the signed credential").is_visible()
    assert page.locator("svg.qr").is_visible()
    box = page.locator("svg.qr").bounding_box()
    assert box["width"] >= 100 and abs(box["width"] - box["height"]) < 1  # ≈ 32 mm, square
    printed = page.locator(".certificate").inner_text()
    short = hashlib.sha256(saved.read_bytes()).hexdigest().upper()[:16]
    assert credentials.fingerprint(token).replace(" ", "") == short
    assert credentials.fingerprint(token) in printed
    assert f"/verify/{certified['cert'].code}" in printed
    colours = page.eval_on_selector(".certificate", "e => getComputedStyle(e).borderTopColor")
    assert colours == "rgb(0, 0, 0)"
    pdf = page.pdf(prefer_css_page_size=True)
    assert len(re.findall(rb"/Type\s*/Page(?!s)", pdf)) == 1
    width, height = map(float, re.search(rb"/MediaBox\s*\[\s*0\s+0\s+([\d.]+)\s+([\d.]+)",
                                         pdf).groups())
    assert abs(width - 595) < 1 and abs(height - 842) < 1  # A4 in points

    # In Arabic the printed page is mirrored, and nothing hangs off the sheet (an element
    # pushed off the start side moves a right-to-left page off the paper in print).
    page.emulate_media(media="screen")
    page.goto(page.url.split("?")[0] + "?lang=ar")
    page.emulate_media(media="print")
    assert page.get_attribute("html", "dir") == "rtl"
    outside = page.evaluate("""() => [...document.querySelectorAll('body *')].filter(e => {
        const r = e.getBoundingClientRect();
        return r.width > 0 && (r.left < -1 || r.right > window.innerWidth + 1);
    }).map(e => e.tagName + '.' + e.className)""")
    assert outside == []
    pdf = page.pdf(prefer_css_page_size=True)
    assert len(re.findall(rb"/Type\s*/Page(?!s)", pdf)) == 1

    # Anyone, signed out, checks the file on the public page (the form works without JS).
    page.emulate_media(media="screen")
    page.click("header button[type=submit]")  # sign out
    page.goto(f"{page.base}/verify/{certified['cert2'].code}?lang=en")
    page.set_input_files("#upload", str(saved))
    page.click("form[enctype] button[type=submit]")
    result = page.locator("section.card").inner_text()
    assert "Signature: it matches" in result and "Learner.A" in result
    assert "Status: not revoked" in result
    assert json.loads(jwks)["keys"][0]["kid"].startswith("urn:ietf:params:oauth:jwk-thumbprint")
