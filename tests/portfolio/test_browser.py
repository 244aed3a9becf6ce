"""In Chromium: the proposal autosave keeps typed text on the server; the public page prints."""
from datetime import timedelta

import pytest
from sqlalchemy import select

from flask import current_app

from dip.core import clock

from dip.extensions import db
from dip.modules.portfolio import services
from dip.modules.portfolio.models import Proposal, ProposalVersion
from tests.conftest import PASSWORD

pytestmark = pytest.mark.browser


def _sign_in(page, username):
    page.goto(page.base + "/login")
    page.fill("#username", username)
    page.fill("#password", PASSWORD)
    page.click("button[type=submit]")


def test_proposal_autosaves_every_20_seconds(browser_page, people, make_proposal, monkeypatch):
    proposal = make_proposal(people["learner"])
    page = browser_page
    page.clock.install()
    _sign_in(page, "learner.a")
    page.goto(f"{page.base}/proposals/{proposal.id}")
    assert page.locator("#copy").is_visible()  # the copy button exists only with JavaScript
    page.fill("#body", "You need your school website in English.")
    page.clock.run_for(21_000)
    page.wait_for_selector("#save-status:has-text('✓')")
    db.session.expire_all()
    assert db.session.get(Proposal, proposal.id).body == "You need your school website in English."
    assert [v.kind for v in db.session.scalars(select(ProposalVersion))] == ["auto"]
    # The session ends (idle): the next autosave says it did not save, and the server keeps
    # the text for this learner (dip/core/parked.py). Signing in clears browser storage
    # (Clear-Site-Data, for the next person at the machine), so the copy that matters is the
    # server's: the learner lands on what was kept and sends it again.
    later = clock.utcnow() + timedelta(minutes=current_app.config["SESSION_IDLE_MINUTES"] + 5)
    monkeypatch.setattr(clock, "utcnow", lambda: later)
    page.fill("#body", "More words after the session ended.")
    page.clock.run_for(21_000)
    page.wait_for_selector("#save-status:has-text('✗')")
    _sign_in(page, "learner.a")
    assert page.url.endswith("/kept")
    assert page.input_value("textarea[name=body]") == "More words after the session ended."
    with page.expect_response(lambda r: r.url.endswith("/autosave")):
        page.click("button:text-is('Send it again')")
    assert page.evaluate("() => sessionStorage.length") == 0
    db.session.expire_all()
    assert db.session.get(Proposal, proposal.id).body == "More words after the session ended."
    page.goto(f"{page.base}/proposals/{proposal.id}")
    assert page.input_value("#body") == "More words after the session ended."
    assert not [e for e in page.errors if "Content Security Policy" in e]


def test_public_page_prints_without_navigation(browser_page, people, make_item):
    make_item(people["learner"], title="Letter translation", visibility="public")
    profile = services.profile_of(people["learner"])
    token = services.new_link(profile)
    page = browser_page
    page.goto(f"{page.base}/p/{token}")
    page.emulate_media(media="print")
    assert not page.locator("header").is_visible()
    assert page.locator("#main h3").first.is_visible()
