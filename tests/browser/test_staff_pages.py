"""In Chromium, on the demo's week 6: every main page of every role has no WCAG 2.2 A/AA
violation (axe-core) in English at 1280 px and Arabic at 320 px and nothing scrolls sideways;
each role's navigation fits one line at 1280 px in every language, its "More" menu opening
without JavaScript; a trainer grades (a running total with JavaScript, "Add up" without it, a
return with only a comment), reads a learner's Word file in the page, reads lesson names in the
progress grid and prints it, and opens an earlier class from the one date field.

With ``DIP_SCREENS=docs/screens`` the first run also writes the screenshots the README links
(``scripts/screens`` makes them and shrinks them).
"""
import os
import shutil
from pathlib import Path

import pytest
from sqlalchemy import select

from dip import create_app
from dip.extensions import db
from tests.browser import axe
from tests.conftest import PG_URL
from tests.browser.test_learner_pages import chromium, server  # noqa: F401 - the fixtures

pytestmark = [pytest.mark.browser, pytest.mark.slow]
PASSWORD = "dzaleka-demo"
SCREENS = os.environ.get("DIP_SCREENS")
LANGS = ["en", "fr", "sw", "ar", "rw", "rn"]


def _config(folder: Path) -> dict:
    """The test application's settings (as ``tests/conftest.py``) on a database in ``folder``."""
    return {"TESTING": True, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder / 'dip.sqlite3'}",
            "WTF_CSRF_ENABLED": False, "UPLOAD_PATH": str(folder / "uploads"), "REDIS_URL": None,
            "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000"}


@pytest.fixture(scope="module")
def demo_copy(database_template, tmp_path_factory):
    """The curriculum and the demo loaded once for this file (loading takes ~15 s)."""
    if PG_URL:
        pytest.skip("browser tests run on SQLite (scripts/test runs them in its SQLite pass)")
    folder = tmp_path_factory.mktemp("demo")
    shutil.copy(database_template, folder / "dip.sqlite3")
    made = create_app(_config(folder))
    with made.app_context():
        runner = made.test_cli_runner()
        assert runner.invoke(args=["dip", "curriculum", "sync"]).exit_code == 0
        result = runner.invoke(args=["dip", "demo"])
        assert result.exit_code == 0, result.output
        db.session.remove()
        db.engine.dispose()
    return folder


@pytest.fixture
def app(demo_copy, tmp_path):
    """A fresh copy of the demo for each test (database and uploaded files)."""
    folder = tmp_path / "site"
    shutil.copytree(demo_copy, folder)
    made = create_app(_config(folder))
    made.extensions["dip_queue"]["url"] = None
    with made.app_context():
        yield made
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def demo(app):
    """The addresses of the pages each role of the demo uses most."""
    from dip.modules.accounts.services import get_by_username
    from dip.modules.assignments.models import Assignment, Submission
    from dip.modules.curriculum import services as curriculum
    from dip.modules.curriculum.models import Lesson, SelfCheckAttempt
    from dip.modules.programs import services as programs

    cohort = programs.cohort_by_name("Cohort 1", programs.site_by_name("Dzaleka"))
    lesson = curriculum.lessons()[2]
    learner01 = get_by_username("learner01")
    tried = db.session.get(Lesson, db.session.scalar(  # a self-check with a review of the last try
        select(SelfCheckAttempt.lesson_id).where(SelfCheckAttempt.learner_id == learner01.id)
        .order_by(SelfCheckAttempt.id.desc()).limit(1)))
    intro = db.session.scalar(select(Assignment).where(Assignment.key == "introduce-yourself"))
    waiting = {s.assignment.key: s.id for s in db.session.scalars(
        select(Submission).where(Submission.status == "submitted").order_by(Submission.id))}
    c = f"/cohorts/{cohort.id}"
    ended = programs.cohort_by_name("Dzaleka 2025", programs.site_by_name("Dzaleka")).end_date
    published = f"/outcomes/?period={ended.year}-Q{(ended.month - 1) // 3 + 1}"  # its figures
    return {
        "cohort": cohort.id, "text": waiting["introduce-yourself"], "docx": waiting["cv-docx"],
        "pages": {
            "learner01": ["/", "/learn/", f"/learn/{lesson.module.key}/{lesson.slug}",
                          "/assignments/", f"/assignments/{intro.id}", "/earnings/",
                          "/earnings/income", "/earnings/new", "/proposals/", "/portfolio/",
                          f"/learn/{tried.module.key}/{tried.slug}/check"],
            "learner08": ["/earnings/", "/earnings/income"],  # a payment waits for its rate
            "trainer": ["/", c, "/grading/", f"/grading/{waiting['introduce-yourself']}",
                        f"/grading/{waiting['cv-docx']}/file", f"{c}/gradebook",
                        f"{c}/attendance", f"{c}/progress", f"{c}/progress/print",
                        f"{c}/completion"],
            "coordinator": ["/", "/users/", "/outcomes/", "/rates/", "/earnings/",
                            f"/earnings/learners/{get_by_username('learner08').id}"],
            "reviewer": ["/", published],
            "admin": ["/", "/users/"],
        },
    }


def _sign_in(chromium, server, user, lang, width, js=True, height=None):  # noqa: F811
    context = chromium.new_context(java_script_enabled=js, bypass_csp=True,
                                   viewport={"width": width, "height": height or 800})
    page = context.new_page()
    page.goto(f"{server}/login?lang={lang}")
    page.fill("#username", user)
    page.fill("#password", PASSWORD)
    page.click("main button[type=submit]")
    assert page.url == f"{server}/", page.url
    page.wait_for_load_state("load")  # the stylesheet too: layouts are measured after it
    return page


def _one_line(page) -> bool:
    """Whether the brand, every navigation item and the sign-out button share one line."""
    return page.evaluate("""() => {
        const boxes = [...document.querySelectorAll('header .brand, header > nav > ul > li,'
                                                     + ' header form button')]
            .map(e => e.getBoundingClientRect());
        const top = Math.min(...boxes.map(b => b.top)), bottom = Math.min(...boxes.map(b => b.bottom));
        return boxes.every(b => b.top < bottom && b.bottom > top);
    }""")


SHOTS = {("learner01", 0): "learner-home", ("learner01", 2): "lesson",
         ("trainer", 3): "grading-form", ("reviewer", 1): "outcomes"}


@pytest.mark.parametrize("lang,width", [("en", 1280), ("ar", 320)])
def test_every_main_page_of_every_role_passes_axe(chromium, server, demo, lang,  # noqa: F811
                                                  width):
    axe.require()
    problems = []
    for user, paths in demo["pages"].items():
        page = _sign_in(chromium, server, user, lang, width, height=800 if width > 320 else 640)
        for n, path in enumerate(paths):
            response = page.goto(server + path)
            if not response.ok:
                problems.append((user, path, response.status))
                continue
            assert page.locator("html").get_attribute("dir") == ("rtl" if lang == "ar" else "ltr")
            if page.evaluate("document.documentElement.scrollWidth") > width:
                problems.append((user, path, "scrolls sideways"))
            if width == 1280 and not _one_line(page):
                problems.append((user, path, "navigation on more than one line"))
            found = axe.violations(page)
            if found:
                problems.append((user, path, found))
            if SCREENS and (user, n) in SHOTS:
                Path(SCREENS).mkdir(parents=True, exist_ok=True)
                page.screenshot(path=f"{SCREENS}/{SHOTS[user, n]}-{lang}-{width}.png")
        page.context.close()
    assert problems == [], "\n".join(map(str, problems))


@pytest.mark.parametrize("lang", LANGS)
def test_each_roles_navigation_fits_one_line(chromium, server, demo, lang):  # noqa: F811
    for user in demo["pages"]:
        page = _sign_in(chromium, server, user, lang, 1280, js=False)
        assert _one_line(page), (user, lang)
        more = page.locator("header li.more")
        if more.count():
            # Without JavaScript: the menu opens on a click and its links can be followed.
            link = more.locator("ul a").first
            assert not link.is_visible()
            more.locator("summary").click()
            assert link.is_visible()
            target = link.get_attribute("href")
            link.click()
            assert page.url == server + target
        page.locator("header form button").click()  # sign-out: one click, from any page
        assert page.url.endswith("/login")
        page.context.close()


@pytest.mark.parametrize("lang,width,js", [("en", 1280, True), ("en", 1280, False),
                                           ("ar", 320, True), ("ar", 320, False)])
def test_a_trainer_grades_and_returns_work(chromium, server, demo, lang, width, js):  # noqa: F811
    from dip.modules.assignments.models import Submission

    page = _sign_in(chromium, server, "trainer", lang, width, js=js)
    page.goto(f"{server}/grading/{demo['text']}")
    boxes = page.locator("input.points")
    # Each box and its "/ 3" stay on one line, however narrow the screen.
    for cell in page.locator("td.num.nowrap").all():
        box, most = cell.locator("input"), cell.locator("span")
        if box.count():
            b, m = box.bounding_box(), most.bounding_box()
            assert b["y"] <= m["y"] + m["height"] / 2 <= b["y"] + b["height"]
    for i in range(boxes.count()):
        boxes.nth(i).fill("2")
    total = page.locator("#total span")
    if js:
        assert total.inner_text() == str(2 * boxes.count())  # as the trainer types
        assert not page.locator("#add-up").is_visible()
    else:
        assert total.inner_text() == "0"
        page.click("#add-up")
        assert page.locator("#total span").inner_text() == str(2 * boxes.count())
        assert page.input_value("#points-0") == "2"
    assert page.locator("#verdict").inner_text() != ""
    # Return with a comment only: no score box stops it, in the browser or on the server.
    for i in range(boxes.count()):
        page.locator("input.points").nth(i).fill("")
    page.fill("#feedback", "Say which documents you translate.")
    page.click("button[value=return]")
    assert page.locator(".flash.success").is_visible(), page.content()[:2000]
    db.session.expire_all()
    sub = db.session.get(Submission, demo["text"])
    assert sub.status == "returned" and sub.score is None
    # The learner's Word file, read in the page (no download).
    page.goto(f"{server}/grading/{demo['docx']}")
    downloads = []
    page.on("download", lambda download: downloads.append(download))
    page.locator("main a.button", has_text="docx").click()
    assert page.locator("article.doc h2").first.inner_text() == "Curriculum vitae"
    assert page.locator("article.doc li").count() == 3
    assert downloads == []
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    page.context.close()


def test_progress_grid_names_lessons_and_prints(chromium, server, demo):  # noqa: F811
    from dip.modules.curriculum import services as curriculum

    first = curriculum.lessons()[0]
    page = _sign_in(chromium, server, "trainer", "en", 1280, js=False)
    page.goto(f"{server}/cohorts/{demo['cohort']}/progress")
    header = page.get_by_role("columnheader", name="Digital culture")
    assert header.count() == 1
    link = page.get_by_role("link", name=f"1 {first.title_in('en')}")
    assert link.get_attribute("title") == first.title_in("en")
    link.focus()  # by keyboard, the name shows beside the number
    tip = page.evaluate("""() => getComputedStyle(document.activeElement, '::after').content""")
    assert first.title_in("en") in tip
    page.click("text=Printable view")
    page.emulate_media(media="print")
    assert not page.locator("header").is_visible()
    assert page.locator("section.module-print").count() == len(curriculum.modules())
    page.context.close()


def test_attendance_opens_an_earlier_class_from_its_one_date_field(chromium, server,  # noqa: F811
                                                                   demo):
    from dip.modules.assignments import completion

    first = completion.sessions_of(demo["cohort"])[-1].held_on
    page = _sign_in(chromium, server, "trainer", "ar", 320, js=False)
    page.goto(f"{server}/cohorts/{demo['cohort']}/attendance")
    assert page.locator("input[type=date]").count() == 1
    page.fill("#held_on", first.isoformat())
    page.click("button[value=open]")
    assert page.url.endswith(f"on={first.isoformat()}")
    assert page.input_value("#held_on") == first.isoformat()
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
    page.context.close()
