"""Loading the curriculum files: idempotent, never loses progress, reports bad files."""
from pathlib import Path

import pytest
from sqlalchemy import select

from dip.extensions import db
from dip.modules.curriculum import services
from dip.modules.curriculum.models import Lesson, LessonCompletion, Module, SelfCheckAttempt
from dip.modules.curriculum.sync import sync
from tests.curriculum.conftest import lesson_text

REAL_CONTENT = Path(__file__).resolve().parents[2] / "dip" / "modules" / "curriculum" / "content"


def _snapshot():
    db.session.expire_all()
    modules = [(m.id, m.key, m.order, m.week_start, m.week_end, m.titles, m.content_hash, m.active)
               for m in db.session.scalars(select(Module).order_by(Module.id))]
    lessons = [(l.id, l.module_id, l.slug, l.order, l.titles, l.texts, l.content_hash, l.active)
               for l in db.session.scalars(select(Lesson).order_by(Lesson.id))]
    return modules, lessons


def test_sync_twice_gives_the_same_database(app, content_dir):
    first = sync(content_dir)
    assert (first["modules"], first["lessons"], first["problems"]) == (2, 3, [])
    before = _snapshot()
    second = sync(content_dir)
    assert second["problems"] == []
    assert _snapshot() == before


def test_an_edited_file_updates_and_progress_survives(app, synced, world, alpha_lesson):
    learner = world["learner"]
    lesson = alpha_lesson("first")
    services.mark_done(learner.id, lesson)
    services.grade(learner.id, lesson, "en", {"0": "1", "1": "0", "2": "0"})
    (synced / "alpha" / "first.md").write_text(lesson_text(title="Colours around us"),
                                               encoding="utf-8")
    sync(synced)
    db.session.expire_all()
    lesson = alpha_lesson("first")
    assert lesson.title_in("en") == "Colours around us"
    assert services.done_ids(learner.id) == {lesson.id}
    assert db.session.scalar(select(SelfCheckAttempt.score)) == 2

    # A file taken away hides the lesson; the learner's record of it stays.
    (synced / "alpha" / "first.md").unlink()
    (synced / "alpha" / "first.fr.md").unlink()
    sync(synced)
    db.session.expire_all()
    assert alpha_lesson("first") is None
    assert db.session.scalar(select(LessonCompletion.lesson_id)) == lesson.id
    assert [l.slug for l in services.module_by_key("alpha").lessons] == ["second"]


def test_malformed_files_are_reported_and_the_rest_loads(app, content_dir, runner):
    (content_dir / "alpha" / "broken.md").write_text("---\ntitle: [unclosed\n---\nbody",
                                                     encoding="utf-8")
    (content_dir / "alpha" / "wrong-answer.md").write_text(
        lesson_text("Wrong").replace("answer: 0", "answer: 7"), encoding="utf-8")
    (content_dir / "alpha" / "no-sections.md").write_text(
        lesson_text("No sections", explanation="Intro"), encoding="utf-8")
    (content_dir / "beta" / "only.fr.md").write_text(
        lesson_text().replace("answer: 1", "answer: 0"), encoding="utf-8")
    report = sync(content_dir)
    reasons = {Path(path).name: reason for path, reason in report["problems"]}
    assert "bad YAML" in reasons["broken.md"]
    assert "answer must be a whole number from 0 to 2" in reasons["wrong-answer.md"]
    assert "## Explanation" in reasons["no-sections.md"]
    assert "match the English file" in reasons["only.fr.md"]
    assert report["lessons"] == 3  # the good files loaded
    assert services.module_by_key("beta").lessons[0].texts.keys() == {"en"}

    result = runner.invoke(args=["dip", "curriculum", "sync", "--path", str(content_dir)])
    assert result.exit_code == 0
    assert "broken.md: bad YAML" in result.output


def test_sync_fails_only_when_nothing_loads(app, content_dir, runner):
    (content_dir / "catalogue.yaml").write_text("modules: nope\n", encoding="utf-8")
    result = runner.invoke(args=["dip", "curriculum", "sync", "--path", str(content_dir)])
    assert result.exit_code != 0
    assert "catalogue.yaml: the catalogue has no 'modules' list" in result.output


def test_markdown_is_rendered_once_safely(app, synced, alpha_lesson):
    text = alpha_lesson("second").texts["en"]
    html = text["html"]
    assert "<script" not in html
    assert '<h2 id="explanation">' in html and '<h3 id="why-it-matters">' in html
    assert [2, "worked-example", "Worked example"] in text["toc"]
    assert ('<a class="external" href="https://www.upwork.com/" rel="noopener noreferrer">'
            'the Upwork site <span class="ext">(external)</span></a>') in html
    assert '<a href="/practice/market-prices">the practice page</a>' in html
    assert ('<img alt="A screen" height="3" loading="lazy" src="/learn/alpha/media/screen.png" '
            'width="4"/>') in html
    assert "missing.png" not in html and "example.org" not in html  # unknown size: left out
    assert text["reading_minutes"] == 1


def test_a_missing_translation_is_english_and_says_so(app, synced, alpha_lesson):
    first, second = alpha_lesson("first"), alpha_lesson("second")
    shown, text = services.lesson_text(first, "fr")
    assert shown == "fr" and "L'herbe est verte." in text["html"]
    assert services.lesson_text(first, "sw")[0] == "en"
    assert services.lesson_text(second, "fr") == ("en", second.texts["en"])
    assert (first.title_in("fr"), first.title_in("fr").lang) == ("First lesson (fr)", "fr")
    assert (first.title_in("ar"), first.title_in("ar").attrs) == (
        "First lesson", ' lang="en" dir="ltr"')


@pytest.mark.slow  # the whole real curriculum (10-15 s): .ci/run runs it
def test_the_real_curriculum_loads_with_six_lessons_per_core_module(app):
    report = sync(REAL_CONTENT)
    assert report["problems"] == [], "\n".join(f"{p}: {r}" for p, r in report["problems"])
    counts = services.module_counts(None)
    short = {m.key: counts.get(m.id, (0, 0))[1] for m in services.modules()
             if m.kind == "core" and counts.get(m.id, (0, 0))[1] < 6}
    assert short == {}, f"core modules with fewer than six lessons: {short}"
