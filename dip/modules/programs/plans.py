"""A learner's own dates: their cohort's, or a catch-up plan for someone who joined late.

A learner who joins a running cohort (in its third week or later) would otherwise find every
lesson and assignment of the weeks they missed overdue on their first day. They get their own
plan instead: the same weeks, shifted to begin on the day they joined. A trainer may move the
plan's first day (to help someone catch up faster, or to put them back on the cohort's dates).
Lessons "this week" and assignment due dates read the plan through ``week`` and ``due_date``.
"""
from datetime import date, timedelta

from flask_babel import lazy_gettext as _l

from dip.core.clock import today
from dip.core.errors import ServiceError
from dip.extensions import db
from dip.modules.programs.models import LearnerProfile
from dip.modules.programs.services import PROGRAM_WEEKS

# Learners are often typed in during the first days: only someone who missed two whole weeks
# is given their own dates without a trainer asking.
LATE_AFTER_DAYS = 14


def joined_late(profile: LearnerProfile) -> bool:
    """Whether the learner joined their cohort in its third week or later (before it ended)."""
    cohort = profile.cohort
    return (profile.enrolled_on - cohort.start_date).days >= LATE_AFTER_DAYS \
        and profile.enrolled_on <= cohort.end_date


def plan_start(profile: LearnerProfile) -> date:
    """The day the learner's week 1 begins: a trainer's choice (within this cohort), else the
    day a late joiner joined, else the cohort's start."""
    cohort = profile.cohort
    # A day a trainer chose in another cohort means nothing here (the learner was moved).
    chosen = profile.plan_start
    if chosen is not None and cohort.start_date <= chosen <= cohort.end_date:
        return chosen
    if joined_late(profile):
        return profile.enrolled_on
    return cohort.start_date


def is_personal(profile: LearnerProfile) -> bool:
    """Whether the learner follows dates of their own rather than the cohort's."""
    return plan_start(profile) != profile.cohort.start_date


def plan_end(profile: LearnerProfile) -> date:
    """The last day of the learner's plan: as long as the cohort's, from their own start."""
    cohort = profile.cohort
    return plan_start(profile) + (cohort.end_date - cohort.start_date)


def week(profile: LearnerProfile, on: date | None = None) -> int | None:
    """The week (1..26) of the learner's own plan on ``on``; None before it starts or after it
    ends."""
    on = on or today()
    start = plan_start(profile)
    if on < start or on > plan_end(profile):
        return None
    return min((on - start).days // 7 + 1, PROGRAM_WEEKS)


def due_date(profile: LearnerProfile, due_week: int) -> date:
    """The last day of week ``due_week`` of the learner's plan: when work of that week is due."""
    return plan_start(profile) + timedelta(days=7 * due_week - 1)


def set_plan_start(profile: LearnerProfile, day: date | None) -> None:
    """A trainer moves the learner's week 1 to ``day`` (the cohort's start: the cohort's dates).

    Raises ServiceError for a day before the cohort starts or after it ends.
    """
    cohort = profile.cohort
    if day is None:
        raise ServiceError(_l("Choose the day the learner's week 1 begins."), "start")
    if day < cohort.start_date:
        raise ServiceError(_l("The plan cannot begin before the cohort starts."), "start")
    if day > cohort.end_date:
        raise ServiceError(_l("The plan must begin before the cohort ends."), "start")
    profile.plan_start = day
    db.session.commit()
