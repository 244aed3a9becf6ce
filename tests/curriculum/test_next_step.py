"""The learner home leads with one next step: the next lesson, then the next assignment with its
due day, overdue work flagged; a learner who joins a running cohort gets their own dates."""
import re
from datetime import date, timedelta

from babel.dates import format_date

from dip.core.access import Role
from dip.extensions import db
from dip.modules.programs.models import LearnerProfile
from tests.assignments.conftest import make_assignment  # noqa: F401 - the fixture
from tests.conftest import form
from tests.helpers import assert_light_page

LESSON_LINK_RE = re.compile(r'<a [^>]*href="/learn/[a-z-]+/[a-z-]+"')


def _on_cohort_dates(learner, cohort):
    """Make ``learner`` one who was there from the cohort's first day."""
    db.session.get(LearnerProfile, learner.id).enrolled_on = cohort.start_date
    db.session.commit()


def _main(html: str) -> str:
    return html[html.index("<main"):html.index("</main>")]


def test_home_leads_with_one_link_to_the_next_lesson(client, auth, world, synced):
    _on_cohort_dates(world["learner"], world["cohort_a"])  # week 5: module alpha is behind
    auth.login("learner.a")
    response = client.get("/")
    assert_light_page(client, response)
    main = _main(response.get_data(as_text=True))
    links = LESSON_LINK_RE.findall(main)
    assert links == ['<a class="button go" href="/learn/alpha/first"']  # one, not eleven
    assert main.index("Your next step") < main.index("button go") < main.index("This week")
    assert "Start: <span" in main and "First lesson" in main
    assert "Alpha basics" in main and "About 30 minutes of work" in main
    assert "2 lessons are behind your plan." in main and "Overdue" not in main
    client.post("/learn/alpha/first/done", data=form())
    main = _main(client.get("/").get_data(as_text=True))
    assert LESSON_LINK_RE.findall(main) == ['<a class="button go" href="/learn/alpha/second"']
    assert "Continue: <span" in main and "1 lesson is behind your plan." in main
    assert "1 of 3 lessons done" in main


def test_a_new_learner_starts_with_the_first_lesson_before_the_course_starts(
        client, auth, synced, make_cohort, make_user):
    starts = date.today() + timedelta(days=10)
    cohort = make_cohort(start=starts)
    make_user(Role.LEARNER, cohort=cohort, username="new.one")
    auth.login("new.one")
    main = _main(client.get("/?lang=fr").get_data(as_text=True))
    assert LESSON_LINK_RE.findall(main) == ['<a class="button go" href="/learn/alpha/first"']
    assert "First lesson (fr)" in main and "Les bases alpha" in main  # the titles in French
    assert f"{format_date(starts, 'medium', locale='fr')}" in main
    assert "Overdue" not in main and "behind" not in main
    main = _main(client.get("/?lang=ar").get_data(as_text=True))
    # No Arabic title for the lesson: the English one, tagged as English inside the Arabic page.
    assert '<span lang="en" dir="ltr">First lesson</span>' in main
    assert '<span lang="ar" dir="rtl">أساسيات ألفا</span>' in main


def test_next_assignment_with_its_due_day_and_overdue_work_flagged(
        client, auth, world, synced, make_assignment):
    cohort = world["cohort_a"]  # started four weeks ago: week 5
    _on_cohort_dates(world["learner"], cohort)
    late = make_assignment(title="Your CV")
    late.due_week = 2
    upcoming = make_assignment(title="Introduce yourself")
    upcoming.due_week = 7
    later = make_assignment(title="A proposal")
    later.due_week = 20
    db.session.commit()
    auth.login("learner.a")
    for lang in ("en", "fr", "ar"):
        main = _main(client.get(f"/?lang={lang}").get_data(as_text=True))
        due = format_date(cohort.start_date + timedelta(days=7 * 7 - 1), "medium", locale=lang)
        was_due = format_date(cohort.start_date + timedelta(days=13), "medium", locale=lang)
        assert due in main and was_due in main, lang
        assert "A proposal" not in main  # one next assignment, not the whole list
        assert main.index("Your CV") < main.index("Introduce yourself")  # overdue first
    main = _main(client.get("/?lang=en").get_data(as_text=True))
    flagged = re.search(r'<p class="late">(.*?)</p>', main).group(1)
    assert "Overdue:" in flagged and "Your CV" in flagged
    # The lesson comes first: the next step leads, then the assignment.
    assert main.index("button go") < main.index("Your CV")
    client.post(f"/assignments/{late.id}", data=form(text="My CV text.", action="submit"))
    main = _main(client.get("/").get_data(as_text=True))
    assert "Overdue" not in main and "Your CV" not in main and "Introduce yourself" in main


def test_a_late_joiner_gets_their_own_dates_which_a_trainer_adjusts(
        client, auth, world, synced, make_cohort, make_user, make_assignment):
    cohort = make_cohort(world["site_a"], "Running", start=date.today() - timedelta(weeks=5))
    joiner = make_user(Role.LEARNER, cohort=cohort, username="late.one")  # joins in week 6
    work = make_assignment(title="Introduce yourself")
    work.due_week = 2
    db.session.commit()
    auth.login("late.one")
    main = _main(client.get("/").get_data(as_text=True))
    assert "This week: week 1 of 26" in main and "You have your own dates" in main
    assert "You are on track." in main and "Overdue" not in main
    assert format_date(date.today() + timedelta(days=13), "medium", locale="en") in main
    own_due = format_date(date.today() + timedelta(days=13), "medium", locale="en")
    assert own_due in client.get(f"/assignments/{work.id}").get_data(as_text=True)
    assert f"<bdi>{own_due}</bdi>" in client.get("/assignments/").get_data(as_text=True)
    auth.logout()

    auth.login("trainer.a")  # a trainer of another cohort: no such learner
    assert client.post(f"/learners/{joiner.id}/plan",
                       data=form(start=cohort.start_date.isoformat())).status_code == 404
    auth.logout()
    make_user(Role.TRAINER, cohort=cohort, username="trainer.r")
    auth.login("trainer.r")
    person = client.get(f"/users/{joiner.id}").get_data(as_text=True)
    assert "Own catch-up plan" in person and 'name="start"' in person
    assert f'value="{date.today().isoformat()}"' in person
    early = client.post(f"/learners/{joiner.id}/plan",
                        data=form(start=(cohort.start_date - timedelta(days=1)).isoformat()))
    assert early.status_code == 302
    assert "cannot begin before the cohort starts" in client.get(early.location).get_data(
        as_text=True)
    two_weeks_back = date.today() - timedelta(weeks=2)
    client.post(f"/learners/{joiner.id}/plan", data=form(start=two_weeks_back.isoformat()))
    assert db.session.get(LearnerProfile, joiner.id).plan_start == two_weeks_back
    auth.logout()
    auth.login("late.one")
    main = _main(client.get("/").get_data(as_text=True))
    assert "This week: week 3 of 26" in main and "Overdue:" in main  # due in week 2, now past
    auth.logout()
    auth.login("trainer.r")  # back on the cohort's dates
    client.post(f"/learners/{joiner.id}/plan", data=form(start=cohort.start_date.isoformat()))
    auth.logout()
    auth.login("late.one")
    main = _main(client.get("/").get_data(as_text=True))
    assert "This week: week 6 of 26" in main and "You have your own dates" not in main


def test_only_staff_in_scope_change_a_learners_dates(client, auth, world):
    target = f"/learners/{world['learner'].id}/plan"
    for who, status in (("learner.a", 403), ("reviewer.a", 403), ("learner.b", 403)):
        auth.login(who)
        assert client.post(target, data=form(start=date.today().isoformat())).status_code == status
        auth.logout()
    auth.login("coord.a")
    assert client.post(target, data=form(start=date.today().isoformat())).status_code == 302
    assert db.session.get(LearnerProfile, world["learner"].id).plan_start == date.today()
