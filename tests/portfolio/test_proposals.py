"""Proposal drafts: saves and versions, retries, compare and restore, comments, status, scope."""
from datetime import timedelta
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from dip.core import clock
from dip.core.errors import ServiceError
from dip.extensions import db
from dip.modules.portfolio.models import Proposal, ProposalVersion
from tests.conftest import form
from tests.helpers import assert_light_page

JOB = {"job_title": "Transcribe a podcast", "budget_amount": "1,250.50", "budget_currency": "usd",
       "client_description": "We need a clean English transcript of a 30-minute podcast.",
       "deadline": ""}


def _versions():
    return db.session.scalar(select(func.count()).select_from(ProposalVersion))


def test_create_from_a_job_post_then_write_and_save(client, auth, people):
    auth.login("learner.a")
    assert_light_page(client, client.get("/proposals/new"))
    response = client.post("/proposals/new", data=form(JOB))
    assert response.status_code == 302
    proposal = db.session.scalar(select(Proposal))
    assert (proposal.budget_amount, proposal.budget_currency) == (
        __import__("decimal").Decimal("1250.50"), "USD")
    url = f"/proposals/{proposal.id}"
    page = client.get(url)
    html = page.get_data(as_text=True)
    assert "Transcribe a podcast" in html and "Readiness checks" in html and "portfolio.js" in html
    assert "Clients read many proposals" in html  # each check says why it matters
    assert_light_page(client, page)
    response = client.post(url, data=form(body="You need a clean transcript of your podcast."),
                           follow_redirects=True)
    assert "Saved as version 1" in response.get_data(as_text=True)
    assert "You need a clean transcript" in response.get_data(as_text=True)


def test_bad_budget_is_refused_and_the_post_kept(client, auth, people):
    auth.login("learner.a")
    response = client.post("/proposals/new", data=form(JOB, budget_amount="fifty"))
    html = response.get_data(as_text=True)
    assert "as a number" in html and "clean English transcript" in html
    assert db.session.scalar(select(func.count()).select_from(Proposal)) == 0


def test_every_changed_save_is_a_version_and_a_retry_is_not(client, auth, people, make_proposal):
    proposal = make_proposal(people["learner"])
    auth.login("learner.a")
    url = f"/proposals/{proposal.id}"
    body = form(body="First text.")
    assert client.post(url, data=body).status_code == 302
    assert client.post(url, data=body).status_code == 302  # the same request again (retry)
    assert _versions() == 1
    client.post(url, data=form(body="First text."))  # a new save, unchanged text
    assert _versions() == 1
    client.post(url, data=form(body="Second text."))
    assert _versions() == 2


def test_autosave_keeps_text_and_versions_changes(client, auth, people, make_proposal):
    proposal = make_proposal(people["learner"])
    auth.login("learner.a")
    url = f"/proposals/{proposal.id}/autosave"
    same = form(body="typed so far")
    assert client.post(url, data=same).status_code == 204
    assert client.post(url, data=same).status_code in (204, 302)  # a retried request
    assert client.post(url, data=form(body="typed so far")).status_code == 204
    assert _versions() == 1
    assert client.post(url, data=form(body="typed so far, and more")).status_code == 204
    rows = db.session.scalars(select(ProposalVersion).order_by(ProposalVersion.number)).all()
    assert [(v.number, v.kind) for v in rows] == [(1, "auto"), (2, "auto")]
    assert "typed so far, and more" in client.get(f"/proposals/{proposal.id}").get_data(
        as_text=True)


def test_session_ending_mid_writing_loses_nothing(client, auth, people, make_proposal, app,
                                                  monkeypatch):
    proposal = make_proposal(people["learner"])
    auth.login("learner.a")
    client.post(f"/proposals/{proposal.id}/autosave", data=form(body="My words so far"))
    later = clock.utcnow() + timedelta(minutes=app.config["SESSION_IDLE_MINUTES"] + 1)
    monkeypatch.setattr(clock, "utcnow", lambda: later)
    # The next save finds the session ended: it is sent to sign in, nothing breaks.
    response = client.post(f"/proposals/{proposal.id}/autosave", data=form(body="lost?"))
    assert response.status_code == 302 and "/login" in response.location
    auth.login("learner.a")
    html = client.get(f"/proposals/{proposal.id}").get_data(as_text=True)
    assert "My words so far" in html


def test_compare_two_versions_and_restore_one(client, auth, people, make_proposal):
    proposal = make_proposal(people["learner"])
    auth.login("learner.a")
    url = f"/proposals/{proposal.id}"
    client.post(url, data=form(body="I can deliver in five days. Thank you."))
    client.post(url, data=form(body="I can deliver in three days. Which format do you need?"))
    page = client.get(f"{url}/versions?a=1&b=2")
    html = page.get_data(as_text=True)
    assert "five" in html.split("<del>")[1].split("</del>")[0]
    assert "three" in html.split("<ins>")[1].split("</ins>")[0]
    assert "words added" in html
    assert_light_page(client, page)
    assert client.get(f"{url}/versions?a=1&b=9").status_code == 404
    body = form(number="1")
    response = client.post(f"{url}/restore", data=body, follow_redirects=True)
    assert "Version 1 restored as version 3" in response.get_data(as_text=True)
    client.post(f"{url}/restore", data=body)  # retried: not restored twice
    assert _versions() == 3
    assert db.session.get(Proposal, proposal.id).body == "I can deliver in five days. Thank you."
    assert client.post(f"{url}/versions/42/restore", data=form()).status_code == 404


def test_other_learner_and_other_staff_get_404_reviewer_403(client, auth, people, make_proposal,
                                                           make_user):
    from dip.core.access import Role

    proposal = make_proposal(people["learner2"], body="Secret proposal text")
    url = f"/proposals/{proposal.id}"
    auth.login("learner.a")
    for path in ("", "/versions", "/plain", "/job"):
        assert client.get(url + path).status_code == 404, path
    assert client.post(url, data=form(body="hijack")).status_code == 404
    assert client.post(url + "/autosave", data=form(body="hijack")).status_code == 404
    assert client.post(url + "/status", data=form(status="won")).status_code == 404
    assert "Secret proposal text" not in client.get("/proposals/").get_data(as_text=True)
    auth.logout()
    make_user(Role.TRAINER, cohort=people["cohort_b"], username="trainer.b")
    auth.login("trainer.b")
    assert client.get(url).status_code == 404
    assert client.post(url + "/comments", data=form(body="hi")).status_code == 404
    auth.logout()
    auth.login("reviewer.a")
    assert client.get(url).status_code == 403
    assert client.get("/proposals/").status_code == 403
    assert db.session.get(Proposal, proposal.id).body == "Secret proposal text"


def test_trainer_comments_with_a_quote_and_learner_sees_it_on_home(client, auth, people,
                                                                    make_proposal):
    proposal = make_proposal(people["learner"], body="Dear Sir, I am hard working.")
    auth.login("trainer.a")
    assert "Proposals to coach" in client.get("/").get_data(as_text=True)
    listing = client.get("/proposals/")
    assert "Translate a school website" in listing.get_data(as_text=True)
    assert_light_page(client, listing)
    page = client.get(f"/proposals/{proposal.id}")
    assert "Dear Sir, I am hard working." in page.get_data(as_text=True)
    assert_light_page(client, page)
    assert client.post(f"/proposals/{proposal.id}", data=form(body="x")).status_code == 403
    body = form(quote="Dear Sir", body="Start with the client's need instead.")
    assert client.post(f"/proposals/{proposal.id}/comments", data=body).status_code == 302
    client.post(f"/proposals/{proposal.id}/comments", data=body)  # retried: one comment
    auth.logout()
    auth.login("learner.a")
    home = client.get("/").get_data(as_text=True)
    assert "New comments from your trainer" in home
    assert home.count("Start with the client") == 1
    html = client.get(f"/proposals/{proposal.id}").get_data(as_text=True)
    assert "<blockquote" in html and "Dear Sir" in html
    # Seen now: no longer new on the home page.
    assert "New comments from your trainer" not in client.get("/").get_data(as_text=True)


def test_status_and_win_rate(client, auth, people, make_proposal, app):
    a = make_proposal(people["learner"], title="Job A")
    b = make_proposal(people["learner"], title="Job B")
    make_proposal(people["learner"], title="Job C")
    auth.login("learner.a")
    client.post(f"/proposals/{a.id}/status", data=form(status="sent"))
    response = client.post(f"/proposals/{b.id}/status", data=form(status="won"),
                           follow_redirects=True)
    html = response.get_data(as_text=True)
    assert "Status: Won" in html
    assert "earnings.new_entry" in app.view_functions
    assert "/earnings/new?" in html and "amount=50.00" in html and "currency=USD" in html
    assert "won 1 of 2 proposals sent" in client.get("/proposals/").get_data(as_text=True)
    assert client.post(f"/proposals/{a.id}/status", data=form(status="bogus"),
                       follow_redirects=True).status_code == 200
    assert db.session.get(Proposal, a.id).status == "sent"
    auth.logout()
    auth.login("trainer.a")
    assert "Won 1 of 2 proposals sent" in client.get(
        f"/portfolio/learners/{people['learner'].id}").get_data(as_text=True)


def test_plain_text_is_clean(client, auth, people, make_proposal):
    proposal = make_proposal(people["learner"],
                             body="Hello\u200b  Maria,  \r\n\r\n\r\n\r\nI can help.\u00a0 ")
    auth.login("learner.a")
    response = client.get(f"/proposals/{proposal.id}/plain")
    assert response.mimetype == "text/plain"
    assert response.get_data(as_text=True) == "Hello Maria,\n\nI can help."


def test_proposal_text_is_inert(client, auth, people, make_proposal):
    attack = '<script>alert(1)</script><a href="javascript:alert(2)">x</a>'
    proposal = make_proposal(people["learner"], title=attack, body=attack, description=attack)
    auth.login("trainer.a")
    html = client.get(f"/proposals/{proposal.id}").get_data(as_text=True)
    assert "<script>alert" not in html and 'href="javascript' not in html
    assert "&lt;script&gt;" in html
    client.post(f"/proposals/{proposal.id}/comments", data=form(body=attack, quote=attack))
    auth.logout()
    auth.login("learner.a")
    for url in ("/", f"/proposals/{proposal.id}", "/proposals/"):
        assert "<script>alert" not in client.get(url).get_data(as_text=True)


def test_versions_page_stays_light_with_many_versions(client, auth, people, make_proposal):
    from dip.modules.portfolio import proposals

    proposal = make_proposal(people["learner"])
    for i in range(150):  # an afternoon of autosaves
        proposals.save_body(proposal, f"Version number {i} of a proposal. " * 20, kind="auto")
    auth.login("learner.a")
    assert_light_page(client, client.get(f"/proposals/{proposal.id}/versions"))
    assert_light_page(client, client.get(f"/proposals/{proposal.id}/versions?a=1&b=150"))


def test_diff_is_word_level_complete_and_fast(app):
    import time

    from dip.modules.portfolio import proposals

    old = "I can deliver in five days. Thank you.\n\nBest, Amina"
    new = "I can deliver in three days. Which format do you need?\n\nBest, Amina"
    result = proposals.diff(old, new)
    assert ("removed", "five ") in result["parts"] and ("added", "three ") in result["parts"]
    assert "".join(t for op, t in result["parts"] if op != "added") == old
    assert "".join(t for op, t in result["parts"] if op != "removed") == new
    # A long, repetitive text (the slow case of a word-level match) stays quick.
    text = "You need the website in English. I will deliver in 5 days. Which pages first? " * 200
    start = time.perf_counter()
    result = proposals.diff(text, text.replace("5 days", "3 days", 1) + " Thanks.")
    assert time.perf_counter() - start < 2
    assert result["added"] == 3 and result["removed"] == 2


def test_too_long_text_is_refused_and_kept_on_the_page(client, auth, people, make_proposal):
    proposal = make_proposal(people["learner"], body="Short and saved.")
    auth.login("learner.a")
    long_text = "Careful words. " * 1400  # over 20,000 characters
    response = client.post(f"/proposals/{proposal.id}", data=form(body=long_text))
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "Careful words. Careful words." in html
    assert "20000" in html  # the limit is named in the message
    assert db.session.get(Proposal, proposal.id).body == "Short and saved."


def test_coordinator_of_the_site_reads_and_comments(client, auth, people, make_proposal):
    proposal = make_proposal(people["learner"], body="My proposal.")
    auth.login("coord.a")
    assert "My proposal." in client.get(f"/proposals/{proposal.id}").get_data(as_text=True)
    assert client.post(f"/proposals/{proposal.id}/comments",
                       data=form(body="Add a question.")).status_code == 302
    assert client.post(f"/proposals/{proposal.id}/comments",
                       data=form(body="  ")).status_code == 302  # refused kindly, no comment
    from dip.modules.portfolio.models import ProposalComment
    assert db.session.scalar(select(func.count()).select_from(ProposalComment)) == 1


def test_the_word_count_is_the_same_on_the_checks_and_versions_pages(client, auth, people,
                                                                     make_proposal):
    """One count (``dip.core.words``): numbers and hyphenated words count, a lone dash does not."""
    body = "I can translate 20 descriptions in 5 days - for 60 USD. Mr Weber's e-mail is fine."
    proposal = make_proposal(people["learner"], body=body)
    auth.login("learner.a")
    checks = client.get(f"/proposals/{proposal.id}").get_data(as_text=True)
    assert "16 words; aim for 80 to 300." in checks
    versions = client.get(f"/proposals/{proposal.id}/versions").get_data(as_text=True)
    assert '<td class="num">16</td>' in versions
    client.post(f"/proposals/{proposal.id}", data=form(body=body + " Thank you, Amina"))
    compared = client.get(f"/proposals/{proposal.id}/versions?a=1&b=2").get_data(as_text=True)
    assert "4 words added, 1 word removed." in compared  # "fine." became "fine. "


def test_a_budget_is_read_the_readers_way(app):
    """'12,50' in the French interface is twelve and a half, never 1,250 (issue 14)."""
    from dip.modules.portfolio.proposals import parse_budget

    from flask_babel import force_locale

    with app.test_request_context("/"):
        with force_locale("fr"):
            assert parse_budget("12,50", "eur") == (Decimal("12.50"), "EUR")
            assert parse_budget("1 250,50", "usd")[0] == Decimal("1250.50")
        with force_locale("en"):
            assert parse_budget("1,250.50", "usd")[0] == Decimal("1250.50")
            with pytest.raises(ServiceError):
                parse_budget("12,50", "usd")  # in English: ambiguous, asked again, not guessed
