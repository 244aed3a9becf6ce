"""When a learner's work is due: dates from their own plan, the next assignment, the overdue ones.

Due weeks are weeks of the learner's plan (``programs.plans``), so someone who joined a running
cohort has their own due dates, not the cohort's. Work is done once a version was sent and not
returned for revision.
"""
from datetime import date

from dip.core.clock import today
from dip.modules.assignments.models import Assignment
from dip.modules.assignments.services import assignments_for_cohorts, latest_status_by_assignment
from dip.modules.programs import plans, services as programs
from dip.modules.programs.models import LearnerProfile

SHOWN_OVERDUE = 3


def due_on(profile: LearnerProfile | None, assignment: Assignment) -> date | None:
    """The day ``assignment`` is due for the learner of ``profile`` (None: no due week)."""
    if profile is None or not assignment.due_week:
        return None
    return plans.due_date(profile, assignment.due_week)


def _waiting(status: str | None) -> bool:
    """Whether the learner still has to send something (nothing yet, or returned)."""
    return status is None or status == "returned"


def learner_work(user) -> dict | None:
    """A learner's next assignment and the required ones overdue, each with its due day.

    Items are ``{"assignment", "due", "returned"}``; ``overdue`` holds at most three (the
    oldest), ``overdue_more`` how many more there are. Three queries.
    """
    profile = programs.profile_of(user)
    if profile is None:
        return None
    latest = latest_status_by_assignment(user.id)
    todo = []
    for assignment in assignments_for_cohorts([profile.cohort_id]):
        status = latest.get(assignment.id)
        if _waiting(status):
            todo.append({"assignment": assignment, "due": due_on(profile, assignment),
                         "returned": status is not None})
    todo.sort(key=lambda item: (item["due"] is None, item["due"] or date.max,
                                item["assignment"].title))
    now = today()
    overdue = [i for i in todo if i["due"] and i["due"] < now and i["assignment"].required]
    upcoming = [i for i in todo if not i["due"] or i["due"] >= now]
    return {"next": upcoming[0] if upcoming else None, "overdue": overdue[:SHOWN_OVERDUE],
            "overdue_more": max(0, len(overdue) - SHOWN_OVERDUE), "count": len(todo)}
