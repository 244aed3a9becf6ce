"""In Chromium, as a learner at 320 px in Arabic and 1280 px in English, JavaScript off and on:
the home leads with the next lesson, an answer outside the length rule is questioned before it
is sent and keeps its text, the proposal page's buttons keep clear of its links, nothing
scrolls sideways, and axe-core finds no WCAG A/AA violation (when axe-core is installed)."""
import os
import shutil
import socket
import threading

import pytest
from werkzeug.serving import make_server

from dip.core.access import Role
from dip.extensions import db
from dip.modules.programs.models import LearnerProfile
from tests.browser import axe
from tests.conftest import PASSWORD
from tests.curriculum.conftest import content_dir, synced  # noqa: F401 - the fixtures

pytestmark = [pytest.mark.browser, pytest.mark.slow]

CHROMIUM = os.environ.get("CHROMIUM") or shutil.which("chromium")
SETUPS = [("ar", 320, False), ("ar", 320, True), ("en", 1280, False), ("en", 1280, True)]


@pytest.fixture
def server(app):
    if not CHROMIUM:
        pytest.skip("Chromium not installed")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    live = make_server("127.0.0.1", port, app, threaded=True)
    threading.Thread(target=live.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{port}"
    live.shutdown()


@pytest.fixture
def chromium(server):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM,
                                    args=["--no-sandbox", "--disable-gpu", "--no-first-run"])
        yield browser
        browser.close()


@pytest.fixture
def learner(world, synced, make_user):
    """A learner on the cohort's dates, a text assignment with a length rule, a proposal."""
    from dip.modules.assignments.models import Assignment
    from dip.modules.portfolio import proposals

    db.session.get(LearnerProfile, world["learner"].id).enrolled_on = world["cohort_a"].start_date
    task = Assignment(key="intro", module_key="alpha", title="Introduce yourself", titles={
        "en": "Introduce yourself", "ar": "قدّم نفسك"}, instructions="Write **120 to 200 words**.",
        kind="text", due_week=6, checks=["word_count"], min_words=120, max_words=200,
        rubric=[{"criterion": "Clear", "points": 4}])
    db.session.add(task)
    db.session.commit()
    proposal = proposals.create_proposal(world["learner"].id, "Translate a school website",
                                         "We need our school website in English.", "50", "USD",
                                         None)
    proposals.save_body(proposal, "You need your school website in English. I can do it.")
    proposals.add_comment(proposal, world["trainer"].id, "Say when you deliver.")
    return {"task": task, "proposal": proposal}


def _open(chromium, server, lang, width, js):
    context = chromium.new_context(java_script_enabled=js, bypass_csp=True,
                                   viewport={"width": width, "height": 800})
    page = context.new_page()
    page.goto(f"{server}/login?lang={lang}")
    page.fill("#username", "learner.a")
    page.fill("#password", PASSWORD)
    page.click("main button[type=submit]")
    return page


def _fits(page, width):
    assert page.evaluate("document.documentElement.scrollWidth") <= width, page.url


def _axe(page):
    if axe.AXE is None:  # the pages are still checked in every other way (see tests.browser.axe)
        return
    found = axe.violations(page)
    assert found == [], (page.url, found)


def _apart(page, selector_a, selector_b, gap=4):
    """No box of ``selector_a`` comes within ``gap`` px of a box of ``selector_b``."""
    a = [b for b in (e.bounding_box() for e in page.locator(selector_a).all()) if b]
    b = [b for b in (e.bounding_box() for e in page.locator(selector_b).all()) if b]
    for x in a:
        for y in b:
            apart = (x["x"] + x["width"] + gap <= y["x"] or y["x"] + y["width"] + gap <= x["x"]
                     or x["y"] + x["height"] + gap <= y["y"]
                     or y["y"] + y["height"] + gap <= x["y"])
            assert apart, (page.url, x, y)


@pytest.mark.parametrize("lang,width,js", SETUPS)
def test_learner_home_assignment_and_proposal(chromium, server, learner, lang, width, js):
    page = _open(chromium, server, lang, width, js)
    shots = f"/tmp/dip-learner-{lang}-{width}-{'js' if js else 'nojs'}"
    # The home: the first thing in the page after the greeting is the next lesson, on screen.
    assert page.locator("html").get_attribute("dir") == ("rtl" if lang == "ar" else "ltr")
    go = page.locator("main a.button.go")
    assert go.count() == 1 and go.get_attribute("href") == "/learn/alpha/first"
    assert page.locator("main a").first.get_attribute("href") == "/learn/alpha/first"
    assert go.bounding_box()["y"] + go.bounding_box()["height"] < 800
    _fits(page, width)
    page.screenshot(path=f"{shots}-home.png", full_page=True)
    if js:
        _axe(page)
    # The assignment: a short answer is questioned before it is sent, and keeps its text.
    page.goto(f"{server}/assignments/{learner['task'].id}")
    short = "Hello, my name is Amani and I translate."
    page.fill("#text", short)
    counter = page.locator("#word-count")
    assert counter.is_visible() == js  # the live count needs JavaScript; the question does not
    if js:
        assert "8" in counter.inner_text() and counter.get_attribute("class") == "bad"
    page.click("#answer button[value=submit]")
    assert page.locator("#confirm").is_visible()
    assert page.input_value("#text") == short
    _fits(page, width)
    page.screenshot(path=f"{shots}-confirm.png", full_page=True)
    if js:
        _axe(page)
    page.click("#confirm button[value=anyway]")
    assert page.locator(".flash.success").is_visible()
    assert page.input_value("#text") == short  # still there after sending
    # The proposal: links and buttons never touch.
    page.goto(f"{server}/proposals/{learner['proposal'].id}")
    assert page.locator("#copy").is_visible() == js
    _apart(page, "main button:visible", "main a:visible")
    _fits(page, width)
    page.screenshot(path=f"{shots}-proposal.png", full_page=True)
    if js:
        _axe(page)
    page.context.close()


def test_a_staff_member_moves_a_late_joiners_dates_in_chromium(chromium, server, world, synced,
                                                                make_cohort, make_user):
    from datetime import date, timedelta

    cohort = make_cohort(world["site_a"], "Running", start=date.today() - timedelta(weeks=5))
    joiner = make_user(Role.LEARNER, cohort=cohort, username="late.one")
    make_user(Role.TRAINER, cohort=cohort, username="trainer.r")
    context = chromium.new_context(java_script_enabled=False,
                                   viewport={"width": 320, "height": 800})
    page = context.new_page()
    page.goto(f"{server}/login?lang=ar")
    page.fill("#username", "trainer.r")
    page.fill("#password", PASSWORD)
    page.click("main button[type=submit]")
    page.goto(f"{server}/users/{joiner.id}")
    page.fill("#plan input[name=start]", cohort.start_date.isoformat())
    page.click("#plan button[type=submit]")
    assert page.locator(".flash.success").is_visible()
    db.session.expire_all()
    assert db.session.get(LearnerProfile, joiner.id).plan_start == cohort.start_date
    _fits(page, 320)
    context.close()
