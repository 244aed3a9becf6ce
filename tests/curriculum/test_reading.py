"""What a reader sees of languages: text tagged with its real language, a missing translation
announced at the top, assignments in the reader's language, and pages that do not load
lesson bodies they do not show."""
import re

import pytest
from sqlalchemy import event

from dip.extensions import db
from dip.modules.assignments.services import sync_assignments
from dip.modules.assignments.models import Assignment
from dip.modules.curriculum.sync import sync
from tests.conftest import form


def test_a_translated_lesson_is_tagged_with_its_language(client, auth, world, drawn):
    sync(drawn)
    auth.login("learner.a")
    page = client.get("/learn/alpha/first?lang=ar").get_data(as_text=True)
    assert '<html lang="ar" dir="rtl">' in page
    assert '<article class="lesson" lang="ar" dir="rtl">' in page
    assert "not yet written in your language" not in page
    check = client.get("/learn/alpha/first/check?lang=ar").get_data(as_text=True)
    assert re.search(r'<fieldset class="choice" lang="ar" dir="rtl"><legend>1\. ما لون العشب؟', check)


def test_a_missing_translation_says_so_and_shows_english_tagged_as_english(
        client, auth, world, drawn):
    sync(drawn)
    auth.login("learner.a")
    page = client.get("/learn/alpha/second?lang=ar").get_data(as_text=True)
    notice = re.search(r'<p class="flash info" role="status">(.*?)</p>', page).group(1)
    assert notice.index("<a ") > 0  # the notice first, then the languages it exists in
    assert '<bdi><a href="/learn/alpha/second?lang=en" lang="en" hreflang="en">English</a></bdi>' \
        in notice
    assert page.index("flash info") < page.index("<h1")
    assert '<article class="lesson" lang="en" dir="ltr">' in page
    assert '<ul lang="en" dir="ltr"><li>Name the colour of grass' in page
    assert '<h1 lang="en" dir="ltr">Second lesson</h1>' in page
    # The section headings belong to the interface: in Arabic, tagged as such inside English.
    assert re.search(r'<h2 id="explanation" lang="ar" dir="rtl">[^<]+</h2>', page)
    # A lesson that exists in French offers French to a Swahili reader.
    first = client.get("/learn/alpha/first?lang=sw").get_data(as_text=True)
    assert 'hreflang="fr">Français</a>' in first and 'hreflang="ar">العربية</a>' in first


def test_module_and_index_pages_show_times_and_tag_titles(client, auth, world, drawn):
    sync(drawn)
    auth.login("learner.a")
    index = client.get("/learn/?lang=en").get_data(as_text=True)
    assert "1 hour of lessons · 29 hours of practice" in index
    module = client.get("/learn/alpha/?lang=ar").get_data(as_text=True)
    assert '<h1 lang="ar" dir="rtl">أساسيات ألفا</h1>' in module
    assert '<p lang="en" dir="ltr">The first module.</p>' in module  # no Arabic summary
    assert "English" in module  # second lesson has no Arabic text, and says so
    english = client.get("/learn/alpha/?lang=en").get_data(as_text=True)
    assert "30 minutes" in english and "not yet written in your language" not in english


def test_one_main_button_per_step_in_the_self_check(client, auth, world, synced):
    auth.login("learner.a")
    page = client.get("/learn/alpha/first").get_data(as_text=True)
    take = re.search(r'<a class="button" href="/learn/alpha/first/check">Take the self-check</a>',
                     page)
    done = re.search(r'<button type="submit"( class="[^"]*")?>Mark as done</button>', page)
    assert take and done.group(1) == ' class="secondary"' and take.start() < done.start()
    questions = client.get("/learn/alpha/first/check").get_data(as_text=True)
    check = re.search(r'<button type="submit"( class="[^"]*")?>Check my answers</button>',
                      questions)
    done = re.search(r'<button type="submit"( class="[^"]*")?>Mark as done</button>', questions)
    assert check.group(1) is None and done.group(1) == ' class="secondary"'
    assert check.start() < done.start()
    css_url = re.search(r'href="(/static/dip.css[^"]*)"', page).group(1).replace("&amp;", "&")
    with client.get(css_url) as css:  # the contents list never splits across columns
        assert not re.search(r"\.toc\{[^}]*columns", css.get_data(as_text=True))
    assert "About 30 minutes of work · 1 minute of reading" in page


ASSIGNMENT = """---
key: first-words
title: {en: "First words", fr: "Premiers mots"}
kind: text
due_week: 3
rubric:
  - criterion: "Three sentences"
    points: 6
  - criterion: "Clear"
    points: 4
---
Write **three** sentences about you.
"""
TRANSLATION = """---
rubric:
  - "Trois phrases"
  - "Clair"
---
Écrivez **trois** phrases sur vous.
"""


@pytest.fixture
def translated(app, tmp_path):
    """A curriculum assignment with its French translation."""
    folder = tmp_path / "alpha" / "assignments"
    folder.mkdir(parents=True)
    (folder / "first-words.md").write_text(ASSIGNMENT, encoding="utf-8")
    (folder / "first-words.fr.md").write_text(TRANSLATION, encoding="utf-8")
    return folder


def test_assignment_translations_are_texts_not_assignments(app, translated):
    assert sync_assignments(translated.parent.parent) == []
    (assignment,) = db.session.query(Assignment).all()
    assert assignment.texts == {"fr": {"instructions": "Écrivez **trois** phrases sur vous.",
                                       "rubric": ["Trois phrases", "Clair"]}}
    (translated / "first-words.sw.md").write_text(TRANSLATION.replace('  - "Clair"\n', ""),
                                                  encoding="utf-8")
    (translated / "ghost.fr.md").write_text(TRANSLATION, encoding="utf-8")
    problems = {p.rsplit("/", 1)[1]: r for p, r in sync_assignments(translated.parent.parent)}
    assert problems == {"first-words.sw.md": "rubric has 1 criteria, the English has 2",
                        "ghost.fr.md": "a translation without a loaded English file"}
    assert db.session.query(Assignment).count() == 1


def test_assignment_and_rubric_in_the_readers_language(client, auth, world, translated):
    sync_assignments(translated.parent.parent)
    assignment = db.session.query(Assignment).one()
    auth.login("learner.a")
    page = client.get(f"/assignments/{assignment.id}?lang=fr").get_data(as_text=True)
    assert '<div class="instructions" lang="fr" dir="ltr"><p>Écrivez <strong>trois</strong>' in page
    assert '<td lang="fr" dir="ltr">Trois phrases</td>' in page
    assert "not yet written in your language" not in page
    page = client.get(f"/assignments/{assignment.id}?lang=ar").get_data(as_text=True)
    assert '<div class="instructions" lang="en" dir="ltr"><p>Write' in page
    assert 'hreflang="fr">Français</a>' in page and page.index("flash info") < page.index("<h1")
    assert '<td lang="en" dir="ltr">Three sentences</td>' in page
    client.post(f"/assignments/{assignment.id}", data=form(text="Hello. I am. Here.",
                                                              action="submit"))
    auth.logout()
    auth.login("trainer.a")
    sub = assignment.id
    from dip.modules.assignments.models import Submission
    sub = db.session.query(Submission).one()
    grading = client.get(f"/grading/{sub.id}?lang=fr").get_data(as_text=True)
    assert '<td lang="fr" dir="ltr"><label for="points-0">Trois phrases</label>' in grading


class _Statements:
    """The SQL a block of code sends (an SQLAlchemy engine event)."""

    def __enter__(self):
        self.seen = []
        event.listen(db.engine, "before_cursor_execute", self._record)
        return self

    def _record(self, conn, cursor, statement, *args):
        self.seen.append(statement)

    def __exit__(self, *exc):
        event.remove(db.engine, "before_cursor_execute", self._record)

    def reading_lesson_texts(self) -> list[str]:
        return [s for s in self.seen if re.search(r"curriculum_lessons\.texts", s)]


def test_overview_pages_do_not_load_lesson_bodies(client, auth, world, drawn, make_user):
    sync(drawn)
    auth.login("learner.a")
    client.get("/learn/alpha/")  # the module page's pack size is made once per content
    for url in ("/", "/learn/", "/learn/alpha/", "/learn/alpha/first", "/assignments/",
                "/earnings/", "/proposals/", "/portfolio/"):
        with _Statements() as sql:
            assert client.get(url).status_code == 200
        reading = sql.reading_lesson_texts()
        if url == "/learn/alpha/first":  # the lesson page reads its own body, one language
            assert len(reading) == 1
            assert "JSON_EXTRACT(curriculum_lessons.texts" in reading[0] \
                or "curriculum_lessons.texts -> " in reading[0]
        else:
            assert reading == [], url
    auth.logout()
    auth.login("trainer.a")
    with _Statements() as sql:
        assert client.get(f"/cohorts/{world['cohort_a'].id}/progress").status_code == 200
    assert sql.reading_lesson_texts() == []


def test_a_learner_home_asks_the_database_each_thing_once(client, auth, world, drawn):
    """The home's panels share what they read: the learner's profile and cohort, the lessons
    done, the plan's outline, once each, and no assignment's instructions in any language."""
    sync(drawn)
    auth.login("learner.a")
    client.get("/")
    with _Statements() as sql:
        assert client.get("/").status_code == 200

    def reads(table):
        return [s for s in sql.seen if re.search(rf"FROM {table}\b", s)]

    for table in ("learner_profiles", "cohorts", "lesson_completions", "cohort_schedules"):
        assert len(reads(table)) <= 1, (table, len(reads(table)))
    assert not [s for s in sql.seen if re.search(r"assignments\.(texts|instructions)", s)]
