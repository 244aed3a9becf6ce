"""Mixed-direction text: English typed in the Arabic interface (and Arabic in the English one)
is written and shown the right way round. Every text box says ``dir="auto"``, and every piece of
text a person typed (names, titles, comments, proposals, portfolio items, feedback) sits in an
element that takes its own direction (``dir`` or ``<bdi>``), never the page's."""
import re
from datetime import date
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from dip.core.access import Role
from dip.extensions import db
from tests.helpers import crawl

TEMPLATES = Path(__file__).resolve().parent.parent / "dip" / "templates"
TAG_RE = re.compile(r"<(input|textarea)\b[^>]*>", re.S)
NOT_TEXT = {"hidden", "checkbox", "radio", "file", "submit", "button", "number", "date", "month",
            "range", "color", "image", "reset"}
# The earnings pages are being reworked in parallel (that branch drops this box); drop it from
# here once merged.
PENDING = {"earnings/import_mapping.html"}
MARK = "Mkr"  # in every piece of English text the people below typed


def _text_box(tag: str) -> bool:
    kind = re.search(r'\btype="([^"]+)"', tag)
    return tag.startswith("<textarea") or not kind or kind.group(1) not in NOT_TEXT


def test_every_text_box_in_the_templates_takes_its_own_direction():
    missing = {}
    for path in sorted(TEMPLATES.rglob("*.html")):
        name = str(path.relative_to(TEMPLATES))
        boxes = [m.group(0) for m in TAG_RE.finditer(path.read_text()) if _text_box(m.group(0))]
        bad = [t for t in boxes if 'dir="auto"' not in t]
        if bad:
            missing[name] = bad
    assert set(missing) <= PENDING, missing


@pytest.fixture
def typed(world, make_site, make_cohort, make_user):
    """People, work, proposals and portfolio items whose every text was typed in English."""
    from dip.modules.assignments import services as assignments
    from dip.modules.assignments.completion import take_attendance
    from dip.modules.portfolio import proposals, services as portfolio

    site = make_site(f"{MARK} Site")
    cohort = make_cohort(site, f"{MARK} Cohort")
    learner = make_user(Role.LEARNER, cohort=cohort, username="mkr.learner",
                        display_name=f"{MARK} Learner Amina")
    trainer = make_user(Role.TRAINER, cohort=cohort, username="mkr.trainer",
                        display_name=f"{MARK} Trainer Esther")
    make_user(Role.COORDINATOR, site=site, username="mkr.coord", display_name=f"{MARK} Coord")
    task = assignments.create_assignment(cohort.id, trainer.id, f"{MARK} task title",
                                         f"{MARK} instructions", "text", 1, "Clear | 4", [], True)
    optional = assignments.create_assignment(cohort.id, trainer.id, f"{MARK} second task",
                                             f"{MARK} more", "text", 2, "Clear | 4", [], True)
    sub = assignments.submit(task, learner.id, text=f"{MARK} my answer")
    assignments.grade(sub, trainer.id, [4], f"{MARK} well done feedback", returned=False)
    assignments.submit(optional, learner.id, text=f"{MARK} second answer")
    take_attendance(cohort.id, date.today(), {learner.id: "present"}, trainer.id)
    item = portfolio.save_item(learner.id, {
        "title": f"{MARK} item title", "client_need": f"{MARK} need", "what_i_did": f"{MARK} did",
        "skills": ["translation"], "tags": f"{MARK} tag", "sample_text": f"{MARK} sample",
        "visibility": "public"})
    profile = portfolio.profile_of(learner)
    portfolio.save_profile(profile, f"{MARK} Amina K.", f"{MARK} headline", f"{MARK} about")
    token = portfolio.new_link(profile)
    proposal = proposals.create_proposal(learner.id, f"{MARK} job title",
                                         f"{MARK} client brief", "50", "USD", None)
    proposals.save_body(proposal, f"{MARK} proposal body")
    proposals.save_body(proposal, f"{MARK} proposal body, second version")
    proposals.add_comment(proposal, trainer.id, f"{MARK} comment", quote=f"{MARK} quoted")
    db.session.commit()
    return {"learner": learner, "trainer": trainer, "cohort": cohort, "item": item,
            "proposal": proposal, "token": token, "sub": sub}


def _misdirected(html: str) -> list[str]:
    """Typed text (holding MARK) whose nearest direction-setting element is the page itself."""
    soup = BeautifulSoup(html, "html.parser")
    bad = []
    for node in soup.body.find_all(string=re.compile(MARK)):
        parent, ok = node.parent, False
        while parent is not None and parent.name not in ("body", "html"):
            if parent.name in ("bdi", "textarea") or parent.get("dir") in ("auto", "ltr"):
                ok = True
                break
            if parent.get("dir"):  # rtl, or a tag in another language's direction
                break
            parent = parent.parent
        if not ok:
            bad.append(f"<{node.parent.name}>{node.strip()[:40]}")
    return bad


def _boxes_without_direction(html: str) -> list[str]:
    soup = BeautifulSoup(html, "html.parser")
    return [str(t)[:80] for t in soup.find_all(["input", "textarea"])
            if (t.name == "textarea" or t.get("type", "text") not in NOT_TEXT)
            and t.get("dir") != "auto"]


@pytest.mark.slow
@pytest.mark.parametrize("who", ["mkr.learner", "mkr.trainer", "mkr.coord", "admin"])
def test_typed_text_keeps_its_direction_in_the_arabic_interface(client, auth, typed, who):
    extra = [f"/proposals/{typed['proposal'].id}", f"/proposals/{typed['proposal'].id}/versions",
             f"/portfolio/{typed['item'].id}", "/assignments/",
             f"/portfolio/learners/{typed['learner'].id}", f"/portfolio/{typed['item'].id}/edit",
             f"/users/{typed['learner'].id}", f"/p/{typed['token']}"]
    if who != "mkr.learner":
        extra.append(f"/grading/{typed['sub'].id}")
    auth.login(who)
    client.get("/?lang=ar")
    problems, seen = {}, 0
    pages = list(crawl(client, "/", max_pages=45)) + [(u, client.get(u)) for u in extra]
    for url, response in pages:
        if response.status_code != 200 or response.mimetype != "text/html":
            continue
        html = response.get_data(as_text=True)
        assert '<html lang="ar" dir="rtl">' in html, url
        seen += html.count(MARK)
        found = _misdirected(html) + _boxes_without_direction(html)
        if found:
            problems[url] = found
    assert seen > 10  # the crawl reached the typed text
    assert problems == {}
