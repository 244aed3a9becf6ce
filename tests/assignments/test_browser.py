"""In Chromium: the optional autosave script keeps typed text on the server; certificates print."""
import re

import pytest
from sqlalchemy import select

from dip.extensions import db
from dip.modules.assignments import completion, services
from dip.modules.assignments.models import Draft
from tests.conftest import PASSWORD

pytestmark = pytest.mark.browser


def _sign_in(page, username):
    page.goto(page.base + "/login")
    page.fill("#username", username)
    page.fill("#password", PASSWORD)
    page.click("button[type=submit]")


def test_autosave_posts_the_draft_every_20_seconds(browser_page, course):
    page = browser_page
    page.clock.install()
    _sign_in(page, "learner.a")
    page.goto(f"{page.base}/assignments/{course['text'].id}")
    page.fill("#text", "Hello, I am Amina and I translate French.")
    page.clock.run_for(21_000)
    page.wait_for_selector("#draft-status:has-text('✓')")
    db.session.expire_all()
    draft = db.session.scalar(select(Draft))
    assert draft is not None and draft.text == "Hello, I am Amina and I translate French."
    # The browser is closed and opened again: the text comes back from the server.
    page.context.clear_cookies()
    _sign_in(page, "learner.a")
    page.goto(f"{page.base}/assignments/{course['text'].id}")
    assert page.input_value("#text") == "Hello, I am Amina and I translate French."
    assert not [e for e in page.errors if "Content Security Policy" in e]


def test_certificate_prints_on_one_a4_page(browser_page, course, past_days):
    for a in (course["text"], course["docx"]):
        sub = services.submit(a, course["learner"].id, text="x") if a.kind == "text" else None
        if sub:
            services.grade(sub, course["trainer"].id, [6, 4], "", returned=False)
    course["docx"].required = False
    db.session.commit()
    completion.take_attendance(course["cohort_a"].id, past_days[0],
                               {course["learner"].id: "present", course["learner2"].id: "absent"},
                               course["trainer"].id)
    cert = completion.issue_certificate(course["cohort_a"], course["learner"].id,
                                        course["coordinator"].id)
    page = browser_page
    _sign_in(page, "learner.a")
    page.goto(f"{page.base}/certificates/{cert.id}")
    page.emulate_media(media="print")
    assert not page.locator("header").is_visible()
    assert not page.locator("form").first.is_visible()
    assert page.locator(".cert-name").is_visible()
    pdf = page.pdf(prefer_css_page_size=True)
    assert len(re.findall(rb"/Type\s*/Page(?!s)", pdf)) == 1  # one A4 sheet
