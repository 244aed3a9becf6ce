"""Each readiness check on a good and a bad proposal, with a reason that explains it."""
from datetime import date

import pytest

from dip.modules.portfolio import checks

TODAY = date(2026, 11, 29)
DEADLINE = date(2026, 12, 10)  # 11 days away
TITLE = "Translate a school website"
BRIEF = ("We need our school website translated from French to English. About 2000 words, "
         "accurate and friendly tone.")
ITEMS = ["Letter translation"]
GOOD = """Hi Claire,

You need your school website translated from French to English with an accurate and friendly \
tone. I can do this. I am a French and English translator, and I recently translated a school \
letter for parents. You can see it in my portfolio item "Letter translation".

I will translate the 2000 words in 5 days, so you will have the English pages well before your \
deadline. I will keep the friendly tone of your website and check every page twice. I will also \
keep the names of your classes and teachers as they are.

My plan is simple. First, I read the whole website. Then I translate each page. Finally, I \
proofread the English text and send it to you in a Word file.

Which pages are the most important for you? Do you want me to translate the menus too?

Best regards,
Amina"""


def _run(body, deadline=DEADLINE, items=ITEMS, url=None, brief=BRIEF):
    return {c.code: c for c in checks.run(body, TITLE, brief, deadline, items, url, TODAY)}


def test_a_good_proposal_passes_every_check(app):
    results = _run(GOOD)
    assert {code: c.ok for code, c in results.items()} == {code: True for code in checks.LABELS}
    with app.test_request_context():
        for c in results.values():
            assert checks.describe(c)  # every result says what it found
            assert str(checks.WHY[c.code])  # and why it matters


@pytest.mark.parametrize("body", ["Hello, I can do it. Which pages?", " ".join(["word"] * 400)])
def test_length(app, body):
    check = _run(body)["length"]
    assert not check.ok
    with app.test_request_context():
        assert "aim for 80 to 300" in checks.describe(check)


@pytest.mark.parametrize("body", [
    "Dear Sir, you need your school website translated. " + GOOD,
    "To whom it may concern,\n" + GOOD,
    "I am a hard-working freelancer with many skills. " + GOOD,
])
def test_opening_addresses_the_client_not_dear_sir(body):
    assert not _run(body)["opening"].ok


def test_client_words(app):
    body = "I am a hard worker. I will do a very nice job for you in 3 days. Can we talk? " * 5
    check = _run(body)["client_words"]
    assert not check.ok and check.values["count"] == 0
    assert _run(GOOD)["client_words"].values["count"] >= 3


@pytest.mark.parametrize("body, ok, state", [
    (GOOD, True, "fits"),
    (GOOD.replace("in 5 days", "in 3 weeks"), False, "late"),
    (GOOD.replace("in 5 days", "by 5 December"), True, "fits"),
    (GOOD.replace("in 5 days", "by 2026-12-20"), False, "late"),
    (GOOD.replace("in 5 days", "within 48 hours"), True, "fits"),
    (GOOD.replace("in 5 days", "soon"), False, "none"),
])
def test_timeline_fits_the_deadline(body, ok, state):
    check = _run(body)["timeline"]
    assert (check.ok, check.values["state"]) == (ok, state)


def test_timeline_without_deadline_or_after_it(app):
    assert _run(GOOD, deadline=None)["timeline"].ok
    passed = _run(GOOD, deadline=date(2026, 11, 20))["timeline"]
    assert not passed.ok
    with app.test_request_context():
        assert "passed" in checks.describe(passed)


def test_asks_a_question():
    assert not _run(GOOD.replace("?", "."))["question"].ok


def test_links_a_portfolio_item():
    no_mention = GOOD.replace('"Letter translation"', "online")
    assert not _run(no_mention)["portfolio"].ok
    url = "https://dip.example/p/abc123"
    assert _run(no_mention + "\n" + url, url=url)["portfolio"].ok
    assert not _run(GOOD, items=[])["portfolio"].ok


@pytest.mark.parametrize("slip", ["[name]", "{client name}", "<your price>", "XXX", "TODO"])
def test_no_leftover_placeholders(app, slip):
    check = _run(GOOD.replace("Claire", slip))["placeholders"]
    assert not check.ok
    with app.test_request_context():
        assert slip in checks.describe(check)


def test_sentences_not_too_long(app):
    long_sentence = ("I am writing to tell you that I have a lot of experience and that I can "
                     "translate your website and also your letters and your brochures and any "
                     "other document that you might have now or later in the year. ")
    check = _run(GOOD + "\n" + long_sentence)["sentences"]
    assert not check.ok and check.values["count"] == 1
    with app.test_request_context():
        assert "1 sentence is longer than 35 words" in checks.describe(check)
