"""Surveys, the audit log, and choosing a report's scope and window for a user."""
from dataclasses import dataclass
from datetime import date, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import bindparam, select

from dip.core import scope as access_scope
from dip.core.access import Role
from dip.core.clock import today, utcnow
from dip.core.errors import ServiceError
from dip.core.memo import built_once
from dip.extensions import db
from dip.modules.outcomes.indicators import Scope, Window
from dip.modules.outcomes.models import BASELINE, ENDLINE, SURVEY_KINDS, AuditEntry, SurveyResponse
from dip.modules.outcomes.periods import (
    BadPeriod, Period, latest_quarter, month_period, parse_day, parse_period,
)
from dip.modules.programs.models import Cohort, LearnerProfile, Site

#: Survey answers, stored as these codes; labels live in forms.py.
DAILY_USE = ("daily", "weekly", "rarely", "never")
INTEGRATED = ("yes", "somewhat", "no")
INCOME_CHANGE = ("higher", "same", "lower", "none")
ENDLINE_DUE_DAYS = 14
DEFAULT_WINDOW_DAYS = 365


# ---- surveys ----

def survey_of(learner_id: int, kind: str) -> SurveyResponse | None:
    """The learner's answers to the ``kind`` survey, if given."""
    return db.session.scalar(select(SurveyResponse).where(
        SurveyResponse.learner_id == learner_id, SurveyResponse.kind == kind))


def save_survey(learner_id: int, kind: str, answers: dict, assisted_by_id: int | None = None
                ) -> SurveyResponse:
    """Record (or update) a learner's survey; ``assisted_by_id`` is the trainer who filled it."""
    if kind not in SURVEY_KINDS:
        raise ServiceError(_l("There is no such survey."))
    checks = {"daily_use": DAILY_USE, "integrated": INTEGRATED, "income_change": INCOME_CHANGE}
    for name, allowed in checks.items():
        if answers.get(name) not in allowed:
            raise ServiceError(_l("Choose an answer."), name)
    if answers.get("confidence") not in (1, 2, 3, 4, 5):
        raise ServiceError(_l("Choose an answer."), "confidence")
    response = survey_of(learner_id, kind)
    if response is None:
        response = SurveyResponse(learner_id=learner_id, kind=kind)
        db.session.add(response)
    for name in ("daily_use", "confidence", "integrated", "income_change"):
        setattr(response, name, answers[name])
    response.self_employed = bool(answers.get("self_employed"))
    response.assisted_by_id = assisted_by_id
    response.updated_at = utcnow()
    db.session.commit()
    return response


def surveys_due(learner_id: int) -> list[str]:
    """The surveys a learner should fill now: baseline once enrolled, endline near the end."""
    profile = db.session.get(LearnerProfile, learner_id)
    if profile is None:
        return []
    done = set(db.session.scalars(_kinds_done(), {"learner_id": learner_id}))
    due = [] if BASELINE in done else [BASELINE]
    endline_from = profile.cohort.end_date - timedelta(days=ENDLINE_DUE_DAYS)
    if ENDLINE not in done and today() >= endline_from:
        due.append(ENDLINE)
    return due


@built_once
def _kinds_done():
    return select(SurveyResponse.kind).where(SurveyResponse.learner_id == bindparam("learner_id"))


def cohort_survey_status(cohort_id: int) -> dict[int, dict[str, SurveyResponse]]:
    """Responses of a cohort's learners, by learner and kind (one query)."""
    rows = db.session.scalars(
        select(SurveyResponse)
        .join(LearnerProfile, LearnerProfile.user_id == SurveyResponse.learner_id)
        .where(LearnerProfile.cohort_id == cohort_id))
    status: dict[int, dict[str, SurveyResponse]] = {}
    for row in rows:
        status.setdefault(row.learner_id, {})[row.kind] = row
    return status


# ---- the audit log ----

def audit(user, action: str, detail: str) -> None:
    """Record that ``user`` viewed or exported outcomes (committed at once)."""
    db.session.add(AuditEntry(user_id=user.id, role=user.role, action=action, detail=detail[:300]))
    db.session.commit()


def audit_page(page: int, per_page: int = 50):
    """A page of the audit log, newest first, and the usernames of the people in it."""
    from dip.modules.accounts.models import User

    newest = select(AuditEntry).order_by(AuditEntry.created_at.desc(), AuditEntry.id.desc())
    entries = db.paginate(newest, page=page, per_page=per_page, error_out=False, count=True)
    ids = {e.user_id for e in entries.items}
    names = dict(db.session.execute(select(User.id, User.username).where(User.id.in_(ids))).all())
    return entries, names


# ---- scope and window ----

@dataclass
class Choice:
    """A report's scope and window as the user chose them, checked against what they may see.

    With a ``period`` (a whole month or quarter, and the programme or a site) the figures are
    the published ones, the same for every reader; otherwise they are the staff's operational
    view of any cohort or window.
    """

    where: Scope
    window: Window
    site: Site | None = None
    cohort: Cohort | None = None
    period: Period | None = None
    site_ids: tuple[int, ...] = ()

    def describe(self) -> str:
        """A short, non-personal description for the audit log and exports."""
        what = (f"cohort {self.cohort.site.name} / {self.cohort.name}" if self.cohort
                else f"site {self.site.name}" if self.site else "program")
        if self.period is not None:
            return f"{what}, {self.period.code}"
        return f"{what}, {self.window.start.isoformat()}..{self.window.end.isoformat()}"

    def args(self) -> dict:
        """The query-string arguments that select this choice again."""
        args = ({"period": self.period.code} if self.period is not None else
                {"start": self.window.start.isoformat(), "end": self.window.end.isoformat()})
        if self.cohort:
            args["scope"] = f"c{self.cohort.id}"
        elif self.site:
            args["scope"] = f"s{self.site.id}"
        return args


class OutOfScope(LookupError):
    """The chosen site or cohort does not exist or is not the user's."""


def period_of(start: date, end: date) -> Period | None:
    """The month or quarter that is exactly ``start``..``end``, if any."""
    month = month_period(start)
    for period in (month, month.quarter):
        if (period.start, period.end) == (start, end):
            return period
    return None


def choose(user, site_id=None, cohort_id=None, start=None, end=None, period=None) -> Choice:
    """Check a chosen scope and period against ``user``'s sites; BadPeriod for a bad date.

    Reviewers read published scopes (the programme, a site) and periods (ended months and
    quarters) only; staff may also choose a cohort or any window. Default: the last quarter.
    """
    reviewer = is_reviewer(user)
    site = cohort = None
    if cohort_id:
        cohort = db.session.get(Cohort, cohort_id)
        if reviewer or cohort is None or not access_scope.may_see_cohort(user, cohort.id):
            raise OutOfScope(cohort_id)
        site = cohort.site
    elif site_id:
        site = db.session.get(Site, site_id)
        allowed = db.session.scalar(select(Site.id).where(
            Site.id == site_id, Site.id.in_(access_scope.site_ids(user))))
        if site is None or allowed is None:
            raise OutOfScope(site_id)
    where = Scope(site_id=site.id if site and not cohort else None,
                  cohort_id=cohort.id if cohort else None)
    sites = tuple(sorted(db.session.scalars(access_scope.site_ids(user))))
    if period or (not cohort and not start and not end):
        chosen = parse_period(period) if period else latest_quarter(today())
        if chosen.end >= today():
            raise BadPeriod(_l("%(period)s has not ended yet: choose an earlier month or "
                               "quarter.", period=chosen.code))
        if cohort is None:
            return Choice(where, Window(chosen.start, chosen.end), site, None, chosen, sites)
        start, end = chosen.start.isoformat(), chosen.end.isoformat()
    elif reviewer:
        raise BadPeriod(_l("Reviewers read whole months or quarters: choose one in the list."))
    if cohort is not None:
        default_start, default_end = cohort.start_date, cohort.end_date
    else:
        default_end = today()
        default_start = default_end - timedelta(days=DEFAULT_WINDOW_DAYS - 1)
    window_start, window_end = parse_day(start, default_start), parse_day(end, default_end)
    if window_end < window_start:
        window_start, window_end = window_end, window_start
    return Choice(where, Window(window_start, window_end), site, cohort, None, sites)


def previous_cohort(cohort: Cohort) -> Cohort | None:
    """The cohort of the same site that started last before ``cohort``."""
    return db.session.scalar(
        select(Cohort)
        .where(Cohort.site_id == cohort.site_id, Cohort.start_date < cohort.start_date)
        .order_by(Cohort.start_date.desc()).limit(1))


def comparison(user, choice: Choice) -> tuple[str, Choice] | None:
    """What the headline is shown beside: the previous cohort, period or window.

    A cohort is compared with the previous cohort of the same site over that cohort's own six
    months; a published period with the period before it; any other window with the same
    scope over the equally long window before.
    """
    if choice.cohort is not None:
        prev = previous_cohort(choice.cohort)
        if prev is None:
            return None
        return "cohort", choose(user, cohort_id=prev.id)
    if choice.period is not None:
        before = choice.period.previous()
        return "period", Choice(choice.where, Window(before.start, before.end), choice.site,
                                None, before, choice.site_ids)
    length = choice.window.end - choice.window.start
    end = choice.window.start - timedelta(days=1)
    return "window", Choice(choice.where, Window(end - length, end), choice.site, None, None,
                            choice.site_ids)


def figures(user, choice: Choice, threshold: int, disaggregate: bool = True):
    """(report, income by month) for ``choice``: the published figures of a period, or the
    staff's operational view; either is computed once per change of the data behind it."""
    from dip.modules.outcomes import cache, indicators as ind, published

    if choice.period is not None:
        return published.report(choice.site_ids, choice.period, choice.where.site_id, threshold)
    key = ("operational", choice.site_ids, choice.where, choice.window, threshold, disaggregate,
           today())
    return cache.cached(key, lambda: (
        ind.report(user, choice.where, choice.window, threshold, disaggregate),
        ind.monthly_series(user, choice.where, choice.window, threshold)))


def facts(user, choice: Choice) -> list:
    """The learners behind the figures of ``choice`` (one ``Fact`` each), as the list of the
    learners behind a figure reads them: kept, like the figures, until the data changes."""
    from dip.modules.outcomes import cache, indicators as ind

    key = ("facts", user.id, choice.site_ids, choice.where, choice.window, today())
    return cache.cached(key, lambda: ind.facts(user, choice.where, choice.window))


def is_reviewer(user) -> bool:
    """Reviewers see aggregates only and are audited."""
    return user.role == Role.REVIEWER
