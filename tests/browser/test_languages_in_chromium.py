"""In Chromium at 320 px, JavaScript off: a real lesson read in Kinyarwanda or Kirundi, whose
text is still English, says so at the top in the reader's language and fits a small phone."""
import struct

import pytest

from tests.browser.test_roles_in_chromium import live_server, page  # noqa: F401 - fixtures

pytestmark = [pytest.mark.browser, pytest.mark.slow]

NOTICE = {"rw": "Iri somo ntirirandikwa mu rurimi rwawe",
          "rn": "Iki cigwa ntikiranditswe mu rurimi rwawe"}


def _png_width(data: bytes) -> int:
    return struct.unpack(">I", data[16:20])[0]


@pytest.mark.parametrize("lang", ["rw", "rn"])
def test_lesson_in_kinyarwanda_or_kirundi_at_320_pixels(page, world, lang):  # noqa: F811
    from dip.modules.curriculum import services
    from dip.modules.curriculum.sync import sync
    from tests.curriculum.test_sync import REAL_CONTENT

    sync(REAL_CONTENT)
    lesson = services.lessons()[0]
    page.set_viewport_size({"width": 320, "height": 640})
    page.goto(page.base + f"/login?lang={lang}")
    page.fill("#username", world["learner"].username)
    page.fill("#password", "correct horse 42")
    page.click("button[type=submit]")
    page.goto(page.base + f"/learn/{lesson.module.key}/{lesson.slug}")
    assert page.locator("html").get_attribute("lang") == lang
    notice = page.locator("p.flash.info").first
    assert notice.inner_text().startswith(NOTICE[lang])
    assert notice.locator("a[hreflang=en]").count() == 1  # the languages it exists in
    assert page.locator("article.lesson").get_attribute("lang") == "en"
    page.screenshot(path=f"/tmp/dip-lesson-{lang}-320-top.png")
    shot = page.screenshot(path=f"/tmp/dip-lesson-{lang}-320.png", full_page=True)
    assert _png_width(shot) <= 320  # nothing pushes the page sideways
    assert page.external == []
