"""In Chromium: the proposal autosave keeps typed text on the server; the public page prints."""
import pytest
from sqlalchemy import select

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


def test_proposal_autosaves_every_20_seconds(browser_page, people, make_proposal):
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
    # The session ends (cookies gone): the next autosave says it did not save.
    page.context.clear_cookies()
    page.fill("#body", "More words after the session ended.")
    page.clock.run_for(21_000)
    page.wait_for_selector("#save-status:has-text('✗')")
    _sign_in(page, "learner.a")
    page.goto(f"{page.base}/proposals/{proposal.id}")
    # The words typed after the session ended were kept in this tab and are offered again.
    assert page.input_value("#body") == "More words after the session ended."
    assert "not saved yet is back" in page.inner_text("#save-status")
    page.click("#proposal button[type=submit]")
    page.wait_for_selector("text=Saved as version 2")
    db.session.expire_all()
    assert db.session.get(Proposal, proposal.id).body == "More words after the session ended."
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
