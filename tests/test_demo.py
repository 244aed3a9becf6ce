"""`flask dip demo` shows week 6 of a real cohort to someone trying the platform: lessons done
at different paces, classes taken, work graded, returned and waiting in the queue (a Word and an
Excel file among it), baseline surveys, and first earnings that all convert to dollars; running
it twice changes nothing, and the finished cohort "Dzaleka 2025" stays."""
import pytest
from sqlalchemy import func, select

from dip.extensions import db

pytestmark = pytest.mark.slow


def _counts():
    from dip.modules.accounts.models import User
    from dip.modules.assignments.models import AttendanceMark, Certificate, Submission
    from dip.modules.curriculum.models import LessonCompletion, SelfCheckAttempt
    from dip.modules.earnings.models import EarningEntry, ExchangeRate
    from dip.modules.outcomes.models import SurveyResponse

    return {m.__name__: db.session.scalar(select(func.count()).select_from(m)) for m in (
        User, Submission, AttendanceMark, Certificate, LessonCompletion, SelfCheckAttempt,
        EarningEntry, ExchangeRate, SurveyResponse)}


@pytest.fixture
def demo(app, runner):
    assert runner.invoke(args=["dip", "curriculum", "sync"]).exit_code == 0
    result = runner.invoke(args=["dip", "demo"])
    assert result.exit_code == 0, result.output
    return result


def test_the_demo_is_week_6_of_a_running_cohort(demo, client):
    from dip.core.clock import today
    from dip.modules.assignments.models import ClassSession, Submission
    from dip.modules.curriculum.models import LessonCompletion
    from dip.modules.programs import plans, services as programs
    from dip.modules.programs.models import LearnerProfile

    site = programs.site_by_name("Dzaleka")
    cohort = programs.cohort_by_name("Cohort 1", site)
    assert programs.week_of(cohort) == 6
    learners = programs.learners_of(cohort)
    ids = [u.id for u in learners]
    done = dict(db.session.execute(select(LessonCompletion.learner_id, func.count())
                                   .where(LessonCompletion.learner_id.in_(ids))
                                   .group_by(LessonCompletion.learner_id)).all())
    assert len(done) >= 18 and len(set(done.values())) > 3  # everyone at their own pace
    states = dict(db.session.execute(select(Submission.status, func.count())
                                     .where(Submission.learner_id.in_(ids))
                                     .group_by(Submission.status)).all())
    assert states["graded"] >= 5 and states["returned"] >= 1 and states["submitted"] >= 5
    waiting_kinds = set(db.session.scalars(select(Submission.file_kind).where(
        Submission.learner_id.in_(ids), Submission.status == "submitted")))
    assert {"docx", "xlsx"} <= waiting_kinds  # the grading form's file preview has work
    classes = db.session.scalars(select(ClassSession.held_on).where(
        ClassSession.cohort_id == cohort.id)).all()
    assert len(classes) >= 8 and max(classes) < today()
    joiner = db.session.scalar(select(LearnerProfile).join(
        LearnerProfile.cohort).where(LearnerProfile.cohort_id == cohort.id,
                                     LearnerProfile.enrolled_on > cohort.start_date))
    assert joiner is not None and plans.is_personal(joiner) and plans.week(joiner) < 6


def test_every_demo_earning_but_one_has_its_months_rate(demo, client):
    from dip.demo import WAITING_FOR_RATE
    from dip.modules.earnings.models import EarningEntry, ExchangeRate

    waiting = f"learner{WAITING_FOR_RATE + 1:02d}"
    rates = {(r.currency, r.month) for r in db.session.scalars(select(ExchangeRate))}
    entries = db.session.scalars(select(EarningEntry).where(EarningEntry.currency != "USD")).all()
    assert entries
    without = [e for e in entries if (e.currency, e.earned_on.replace(day=1)) not in rates]
    from dip.modules.accounts.services import get_by_username

    assert len(without) == 1 and without[0].learner_id == get_by_username(waiting).id
    # So a learner who earned in kwacha sees dollars, not $0.00; the one waiting sees why.
    for n in range(1, 9):
        client.post("/login", data={"username": f"learner{n:02d}", "password": "dzaleka-demo"})
        html = client.get("/earnings/?lang=en").get_data(as_text=True)
        assert "Total earned" in html
        if n == WAITING_FOR_RATE + 1:
            assert "2,600.00" in html and "waiting for its exchange rate" in html
        else:
            assert "waiting for" not in html.lower()
            total = html.split("Total earned")[1].split("</strong>")[0]
            assert "$" in total and "$0.00" not in total
        client.post("/logout")
    client.post("/login", data={"username": "coordinator", "password": "dzaleka-demo"})
    assert "KES" in client.get("/rates/?lang=en").get_data(as_text=True).split("Missing rates")[1]


def test_running_the_demo_twice_changes_nothing(demo, runner):
    before = _counts()
    assert before["Certificate"] >= 9  # the graduates of Dzaleka 2025 stay
    result = runner.invoke(args=["dip", "demo"])
    assert result.exit_code == 0, result.output
    assert _counts() == before


def test_the_trainer_finds_work_to_grade(demo, client):
    client.post("/login", data={"username": "trainer", "password": "dzaleka-demo"})
    html = client.get("/grading/?lang=en").get_data(as_text=True)
    assert "submissions wait for a grade" in html and "Nothing to grade" not in html


def test_a_demo_learners_last_try_shows_as_many_ticks_as_its_score(demo, client):
    from bs4 import BeautifulSoup

    from dip.modules.curriculum.models import Lesson, SelfCheckAttempt

    attempts = db.session.scalars(select(SelfCheckAttempt)).all()
    assert attempts and all(None not in a.answers for a in attempts)
    client.post("/login", data={"username": "learner01", "password": "dzaleka-demo"})
    shown = 0
    for attempt in attempts:
        lesson = db.session.get(Lesson, attempt.lesson_id)
        if attempt.learner_id != _learner01() or shown == 3:
            continue
        html = client.get(f"/learn/{lesson.module.key}/{lesson.slug}/check?lang=en").get_data(
            as_text=True)
        review = BeautifulSoup(html, "html.parser").find("ol", class_="review")
        assert len(review.select("span.ok")) == attempt.score
        assert len(review.select("span.bad")) == attempt.total - attempt.score
        assert "No answer." not in review.get_text()
        shown += 1
    assert shown


def _learner01() -> int:
    from dip.modules.accounts.models import User

    return db.session.scalar(select(User.id).where(User.username == "learner01"))


@pytest.mark.parametrize("name,lang", [("English", "en"), ("French", "fr"), ("Swahili", "sw"),
                                       ("Arabic", "ar"), ("Kinyarwanda", "rw"),
                                       ("Kirundi", "rn")])
def test_the_readme_says_who_starts_in_which_language(name, lang):
    import re
    from pathlib import Path

    from dip.demo import LEARNERS

    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    row = re.search(rf"^\| {name} \| (.*) \|$", readme, re.M).group(1)
    learners = {f"learner{i:02d}" for i, item in enumerate(LEARNERS, 1) if item[1] == lang}
    assert learners == set(re.findall(r"learner\d\d", row))


def test_the_screenshots_are_small_and_of_the_first_screen():
    import struct
    from pathlib import Path

    folder = Path(__file__).resolve().parents[1] / "docs" / "screens"
    for page in ("learner-home", "lesson", "grading-form", "outcomes"):
        for lang, width in (("en", 1280), ("ar", 320)):
            data = (folder / f"{page}-{lang}-{width}.png").read_bytes()
            assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) < 60 * 1024
            assert struct.unpack(">II", data[16:24]) == (width, 800 if width > 320 else 640)
