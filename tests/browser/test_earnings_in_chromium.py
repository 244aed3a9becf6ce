"""The earnings pages in Chromium, at 320 px in Arabic and 1280 px in English, JavaScript off
and on: on a phone the entries are cards that show platform, client and details; the income
chart names the months, keeps its labels and dollar axis readable and apart, mirrors in Arabic
and starts at the cohort's start; nothing scrolls sideways; axe-core finds no violation."""
from datetime import date
from decimal import Decimal

import pytest

from dip.extensions import db
from dip.modules.earnings.income import add_months
from dip.modules.programs.models import Cohort
from tests.browser.test_learner_pages import (  # noqa: F401 - the fixtures
    SETUPS, _apart, _axe, _fits, _open, chromium, server,
)

pytestmark = [pytest.mark.browser, pytest.mark.slow]
THIS_MONTH = date.today().replace(day=1)


def log(learner, amount, day, currency="USD", **extra):
    from dip.modules.earnings import services

    services.log_entry(learner, learner.id, {"earned_on": day, "amount": Decimal(amount),
                                             "currency": currency, "kind": "translation",
                                             **extra})


@pytest.fixture
def earner(world):
    """A learner whose cohort began five months ago, with earnings in three of its months and
    one kwacha entry still waiting for its rate."""
    cohort = db.session.get(Cohort, world["cohort_a"].id)
    cohort.start_date = add_months(THIS_MONTH, -5).replace(day=7)
    db.session.commit()
    learner = world["learner"]
    for back, amount, platform, client in ((4, "60.00", "upwork", "Lumière Édition"),
                                           (2, "1250.00", "fiverr", "PodNest"),
                                           (1, "35.50", "local", "Dzaleka Cooperative")):
        log(learner, amount=amount, day=add_months(THIS_MONTH, -back).replace(day=9),
            platform=platform, client=client)
    log(learner, amount="17350.00", currency="MWK", day=date.today(), platform="local",
        client="مدرسة الأمل")  # no kwacha rate this month yet
    return learner


def _boxes(page, selector):
    return [b for b in (e.bounding_box() for e in page.locator(selector).all()) if b]


def _overlap(a, b) -> bool:
    return not (a["x"] + a["width"] <= b["x"] or b["x"] + b["width"] <= a["x"]
                or a["y"] + a["height"] <= b["y"] or b["y"] + b["height"] <= a["y"])


@pytest.mark.parametrize("lang,width,js", SETUPS)
def test_the_earnings_pages_on_a_phone_and_a_desktop(  # noqa: F811 - the fixtures
        chromium, server, earner, lang, width, js):
    page = _open(chromium, server, lang, width, js)
    shots = f"/tmp/dip-earnings-{lang}-{width}-{'js' if js else 'nojs'}"
    page.goto(f"{server}/earnings/")
    page.screenshot(path=f"{shots}-log.png", full_page=True)
    _fits(page, width)
    if js:
        _axe(page)
    # Every entry shows its platform, client and details link, on screen.
    rows = page.locator("table.stack tbody tr")
    assert rows.count() == 4
    for i in range(4):
        for cell in ("td[data-label]:nth-child(4)", "td[data-label]:nth-child(5)", "td a"):
            box = rows.nth(i).locator(cell).first.bounding_box()
            assert box and box["width"] > 0 and 0 <= box["x"] and box["x"] + box["width"] <= width
    if width < 600:  # cards: one below the other, each its full width
        boxes = [rows.nth(i).bounding_box() for i in range(4)]
        assert all(b["width"] > width * 0.7 for b in boxes)
        assert all(a["y"] + a["height"] <= b["y"] for a, b in zip(boxes, boxes[1:]))
    _apart(page, "main a.button", "main a:not(.button)")  # buttons never touch links
    # The kwacha waiting for its rate is shown in kwacha, not as $0.00 with no word.
    assert "17,350.00" in page.locator("main").inner_text()

    page.goto(f"{server}/earnings/income")
    page.screenshot(path=f"{shots}-income.png", full_page=True)
    _fits(page, width)
    if js:
        _axe(page)
    labels = page.locator(".chart svg text[text-anchor=middle]")
    # From the cohort's start to this month: six months, named in the reader's language.
    assert labels.count() == 6
    names = [labels.nth(i).text_content() for i in range(6)]
    if lang == "en":
        assert names[-1] == THIS_MONTH.strftime("%b")
    else:  # يناير … ديسمبر, not 01 … 12
        assert all("\u0600" <= n[0] <= "\u06ff" for n in names)
    sizes = page.evaluate("[...document.querySelectorAll('.chart svg text')].map("
                          "t => parseFloat(getComputedStyle(t).fontSize))")
    assert min(sizes) >= 11
    month_boxes = _boxes(page, ".chart svg text[text-anchor=middle]")
    assert not any(_overlap(a, b) for i, a in enumerate(month_boxes) for b in month_boxes[i + 1:])
    axis = _boxes(page, ".chart svg text:not([text-anchor=middle])")
    assert len(axis) >= 3 and all(0 <= b["x"] and b["x"] + b["width"] <= width for b in axis)
    bars = _boxes(page, ".chart rect")
    oldest, newest = bars[0], bars[-1]
    if lang == "ar":  # mirrored: the oldest month on the right, the axis on the right
        assert oldest["x"] > newest["x"] and min(b["x"] for b in axis) > newest["x"]
    else:
        assert oldest["x"] < newest["x"] and max(b["x"] for b in axis) < oldest["x"]

    page.goto(f"{server}/earnings/new")
    page.screenshot(path=f"{shots}-form.png", full_page=True)
    _fits(page, width)
    if js:
        _axe(page)
    page.context.close()


@pytest.mark.parametrize("lang,width", [("ar", 320), ("en", 1280)])
def test_a_coordinator_sets_a_rate_for_their_site_in_chromium(  # noqa: F811 - the fixtures
        chromium, server, world, earner, lang, width):
    from tests.conftest import PASSWORD

    context = chromium.new_context(java_script_enabled=True, bypass_csp=True,
                                   viewport={"width": width, "height": 800})
    page = context.new_page()
    page.goto(f"{server}/login?lang={lang}")
    page.fill("#username", world["coordinator"].username)
    page.fill("#password", PASSWORD)
    page.click("main button[type=submit]")
    page.goto(f"{server}/rates/")
    page.screenshot(path=f"/tmp/dip-earnings-rates-{lang}-{width}.png", full_page=True)
    _fits(page, width)
    _axe(page)
    assert page.locator("#site option").all_inner_texts() == ["Dzaleka"]  # their site only
    page.fill("#currency", "MWK")
    page.fill("#month", date.today().strftime("%Y-%m"))
    page.fill("#rate", "1733" if lang == "en" else "١٧٣٣")  # an Arabic keyboard's digits too
    page.locator("main form button[type=submit]").first.click()
    assert "17,350.00" not in page.locator(".flash.info").all_inner_texts()
    page.goto(f"{server}/earnings/learners/{earner.id}")
    page.screenshot(path=f"/tmp/dip-earnings-staff-{lang}-{width}.png", full_page=True)
    _fits(page, width)
    _axe(page)
    assert "10.01" in page.locator("main").inner_text()  # 17,350 MWK at 1,733 a dollar
    context.close()
