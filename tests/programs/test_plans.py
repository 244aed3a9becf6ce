"""A learner's own dates at their edges: who counts as a late joiner, what a trainer's day means
after a move, and which day work of a week falls due."""
from datetime import date, timedelta

import pytest

from dip.core.access import Role
from dip.core.errors import ServiceError
from dip.extensions import db
from dip.modules.programs import plans
from dip.modules.programs.models import LearnerProfile


@pytest.fixture
def cohort(make_cohort):
    return make_cohort(start=date.today() - timedelta(weeks=5))


def _profile(make_user, cohort, joined_after_days):
    user = make_user(Role.LEARNER, cohort=cohort)
    profile = db.session.get(LearnerProfile, user.id)
    profile.enrolled_on = cohort.start_date + timedelta(days=joined_after_days)
    db.session.commit()
    return profile


def test_two_missed_weeks_make_a_late_joiner(app, cohort, make_user):
    on_time = _profile(make_user, cohort, 13)  # typed in during the first two weeks
    late = _profile(make_user, cohort, 14)
    assert not plans.is_personal(on_time) and plans.week(on_time) == 6
    assert plans.is_personal(late) and plans.plan_start(late) == late.enrolled_on
    assert plans.week(late) == 4  # joined 21 days ago: their own week 4
    assert plans.plan_end(late) - plans.plan_start(late) == cohort.end_date - cohort.start_date


def test_work_of_a_week_is_due_on_its_last_day(app, cohort, make_user):
    profile = _profile(make_user, cohort, 0)
    assert plans.due_date(profile, 1) == cohort.start_date + timedelta(days=6)
    assert plans.week(profile, plans.due_date(profile, 1)) == 1
    assert plans.week(profile, plans.due_date(profile, 1) + timedelta(days=1)) == 2
    assert plans.week(profile, cohort.start_date - timedelta(days=1)) is None
    assert plans.week(profile, cohort.end_date + timedelta(days=1)) is None


def test_a_trainers_day_holds_inside_the_cohort_only(app, cohort, make_cohort, make_user):
    profile = _profile(make_user, cohort, 30)
    with pytest.raises(ServiceError):
        plans.set_plan_start(profile, cohort.start_date - timedelta(days=1))
    with pytest.raises(ServiceError):
        plans.set_plan_start(profile, cohort.end_date + timedelta(days=1))
    chosen = cohort.start_date + timedelta(days=20)
    plans.set_plan_start(profile, chosen)
    assert plans.plan_start(profile) == chosen
    later = make_cohort(start=date.today() + timedelta(weeks=10))
    profile.cohort_id = later.id  # moved: the day chosen for the old cohort means nothing
    db.session.commit()
    db.session.refresh(profile)
    assert plans.plan_start(profile) == later.start_date and not plans.is_personal(profile)
