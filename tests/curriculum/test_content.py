"""The course content itself: every promised language present, translations complete (no
question, step, picture or label dropped), a picture in every lesson, times that add up."""
from pathlib import Path

import pytest
from sqlalchemy import select

from dip.modules.curriculum import services
from dip.modules.curriculum.check import check
from dip.modules.curriculum.content import LANGS, ContentError, load_catalogue
from dip.modules.curriculum.models import SelfCheckAttempt
from dip.modules.curriculum.sync import sync
from dip.extensions import db
from tests.curriculum.conftest import lesson_text
from tests.curriculum.test_sync import REAL_CONTENT

TRANSLATIONS = tuple(lang for lang in LANGS if lang != "en")


@pytest.fixture(scope="module")
def real_report():
    """The content check of the real course, once for this file."""
    return check(REAL_CONTENT, TRANSLATIONS)


def test_every_promised_language_is_there_and_no_translation_drops_anything(real_report):
    problems = "\n".join(f"{Path(p).relative_to(REAL_CONTENT)}: {r}"
                         for p, r in real_report["problems"])
    assert real_report["problems"] == [], problems


def test_every_lesson_has_a_picture(real_report):
    assert real_report["without_picture"] == []


def test_module_times_add_up_and_match_the_lessons(app):
    report = sync(REAL_CONTENT)
    assert [r for p, r in report["problems"] if "hours" in r] == []
    for module in services.modules():
        assert module.lesson_hours + module.practice_hours == module.hours
        assert "en" in module.languages


def _problems(root: Path, langs=("fr",)) -> list[str]:
    return [f"{Path(p).name}: {r}" for p, r in check(root, langs)["problems"]]


def test_the_check_sees_a_promised_language_missing(content_dir):
    catalogue = content_dir / "catalogue.yaml"
    catalogue.write_text(catalogue.read_text().replace("languages: [en]", "languages: [en, fr]"))
    assert _problems(content_dir) == [
        "second.fr.md: missing: the catalogue promises alpha in fr"]
    report = check(content_dir, ("fr", "sw"))
    assert report["missing"]["sw"] == ["alpha/first", "alpha/second", "beta/only"]


def test_the_check_sees_a_dropped_question_step_picture_or_label(drawn):
    assert _problems(drawn, ("fr", "ar")) == []
    french = drawn / "alpha" / "first.fr.md"
    text = french.read_text(encoding="utf-8")
    french.write_text(text.replace("1. Look outside.", "Look outside.")
                      .replace("![Un écran sur son pied](images/screen-parts.svg)", "")
                      .replace('    t-stand: "Pied"\n', ""), encoding="utf-8")
    assert _problems(drawn) == [
        "first.fr.md: has 0 practice steps, the English has 1",
        "first.fr.md: does not show images/screen-parts.svg",
        "first.fr.md: has no label for t-stand in images/screen-parts.svg"]
    question = text.index('  - question: "Two plus two?"')
    french.write_text(text[:question] + text[text.index("  - question: \"Which key"):],
                      encoding="utf-8")
    assert _problems(drawn) == ["first.fr.md: selfcheck has 2 questions, the English has 3"]


def test_a_translation_that_drops_something_still_loads_and_is_reported(app, drawn):
    french = drawn / "alpha" / "first.fr.md"
    french.write_text(french.read_text(encoding="utf-8").replace('    t-stand: "Pied"\n', ""),
                      encoding="utf-8")
    report = sync(drawn)
    assert [(Path(p).name, r) for p, r in report["problems"]] == [
        ("first.fr.md", "has no label for t-stand in images/screen-parts.svg")]
    lesson = services.lesson_by_slug(services.module_by_key("alpha"), "first")
    assert lesson.languages == ["ar", "en", "fr"]


def test_the_check_lists_lessons_without_a_picture(drawn):
    assert check(drawn, ())["without_picture"] == ["beta/only"]  # second has a photo


def test_hours_must_add_up(content_dir):
    catalogue = content_dir / "catalogue.yaml"
    catalogue.write_text(catalogue.read_text().replace("practice_hours: 29", "practice_hours: 20"))
    with pytest.raises(ContentError, match=r"alpha: lesson_hours \(1\) and practice_hours "
                                           r"\(20\) must add up to hours \(30\)"):
        load_catalogue(content_dir)


def test_lesson_time_must_match_the_lessons_minutes(app, content_dir):
    catalogue = content_dir / "catalogue.yaml"
    catalogue.write_text(catalogue.read_text().replace(
        "lesson_hours: 1\n    practice_hours: 29", "lesson_hours: 5\n    practice_hours: 25"))
    report = sync(content_dir)
    assert [r for p, r in report["problems"]] == [
        "alpha: lesson_hours is 5 but its lessons' minutes add up to 1.0 h"]


def test_a_self_check_is_graded_the_same_in_every_language(app, world, drawn):
    sync(drawn)
    lesson = services.lesson_by_slug(services.module_by_key("alpha"), "first")
    learner = world["learner"].id
    answers = {"0": "1", "1": "0", "2": "0"}
    scores = {lang: services.grade(learner, lesson, lang, answers).score
              for lang in ("en", "fr", "ar", "sw", "rw")}
    assert scores == {"en": 2, "fr": 2, "ar": 2, "sw": 2, "rw": 2}
    # Answered in French, reviewed in Arabic: the same choices, right and wrong, in Arabic.
    attempt = db.session.scalars(select(SelfCheckAttempt).order_by(SelfCheckAttempt.id)).all()[1]
    review = services.review(lesson, "ar", attempt)
    assert [q["right"] for q in review] == [True, False, True]
    assert review[0]["question"] == "ما لون العشب؟"


def test_the_check_command_lists_what_is_missing_per_language(app, runner, drawn):
    args = ["dip", "curriculum", "check", "--path", str(drawn), "--lang", "fr", "--lang", "sw"]
    result = runner.invoke(args=args)
    assert result.exit_code == 0, result.output
    assert "fr: 1 of 3 lessons translated; missing: 2 lesson(s), 0 assignment(s)" in result.output
    assert "sw: 0 of 3 lessons translated; missing: 3 lesson(s), 0 assignment(s)" in result.output
    assert "  alpha/second\n" in result.output and "lessons without a picture: 1" in result.output
    (drawn / "alpha" / "images" / "screen-parts.svg").write_text("<svg><script/></svg>")
    result = runner.invoke(args=args)
    assert result.exit_code == 1 and "screen-parts.svg: the root element must be" in result.output
