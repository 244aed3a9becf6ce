"""Sites, cohorts and placing people in them."""
import secrets
from datetime import date
from decimal import Decimal
from zoneinfo import available_timezones

from babel import Locale
from flask_babel import lazy_gettext as _l
from sqlalchemy import bindparam, func, select
from sqlalchemy.orm import joinedload

from dip.core import scope
from dip.core.memo import built_once, per_session
from dip.core.access import Role
from dip.core.clock import today
from dip.core.errors import ServiceError
from dip.core.money import is_currency
from dip.core.months import add_months
from dip.extensions import db
from dip.modules.accounts.models import User
from dip.modules.programs.models import Cohort, CohortTrainer, LearnerProfile, Site, SiteGrant

PROGRAM_MONTHS = 6
PROGRAM_WEEKS = 26


def create_site(name: str, country: str, currency: str, timezone: str) -> Site:
    """Create a site after checking its country, currency and time zone codes."""
    name, country, currency = (name or "").strip(), (country or "").strip().upper(), (
        currency or "").strip().upper()
    if not name:
        raise ServiceError(_l("Give the site a name."), "name")
    if db.session.scalar(select(Site).where(func.lower(Site.name) == name.lower())):
        raise ServiceError(_l("A site called %(name)s already exists.", name=name), "name")
    if country not in Locale("en").territories or not country.isalpha() or len(country) != 2:
        raise ServiceError(_l("Use a two-letter country code such as MW, KE or JO."), "country")
    if not is_currency(currency):
        raise ServiceError(_l("Use a three-letter currency code such as MWK, KES or JOD."),
                           "currency")
    if timezone not in available_timezones():
        raise ServiceError(_l("Use a time zone such as Africa/Blantyre."), "timezone")
    site = Site(name=name, country=country, currency=currency, timezone=timezone)
    db.session.add(site)
    db.session.commit()
    return site


def create_cohort(site: Site, name: str, start: date, end: date | None = None) -> Cohort:
    """Create a cohort; it ends six months after ``start`` unless ``end`` is given."""
    name = (name or "").strip()
    if not name:
        raise ServiceError(_l("Give the cohort a name."), "name")
    end = end or add_months(start, PROGRAM_MONTHS)
    if end <= start:
        raise ServiceError(_l("The end date must come after the start date."), "end_date")
    exists = db.session.scalar(
        select(Cohort).where(Cohort.site_id == site.id, func.lower(Cohort.name) == name.lower())
    )
    if exists:
        raise ServiceError(_l("This site already has a cohort called %(name)s.", name=name), "name")
    cohort = Cohort(site_id=site.id, name=name, start_date=start, end_date=end)
    db.session.add(cohort)
    db.session.commit()
    return cohort


def new_learner_code() -> str:
    """A pseudonymous learner code for reports, e.g. ``L-7KQ2M9``."""
    alphabet = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
    return "L-" + "".join(secrets.choice(alphabet) for _ in range(6))


_KEEP = object()  # an argument not given: a learner already enrolled keeps what they had


def enrol(user: User, cohort: Cohort, gender=_KEEP, age_band=_KEEP, country_of_origin=_KEEP,
          baseline_income_usd=_KEEP, enrolled_on: date | None = None) -> LearnerProfile:
    """Place learner ``user`` in ``cohort`` (the caller commits).

    A learner already enrolled is moved: their code, gender, age band, country and baseline
    income stay unless new values are given.
    """
    profile = db.session.get(LearnerProfile, user.id)
    if profile is None:
        profile = LearnerProfile(user_id=user.id, code=new_learner_code(), cohort_id=cohort.id,
                                 enrolled_on=enrolled_on or today(),
                                 baseline_income_usd=Decimal("0"))
        db.session.add(profile)
    profile.cohort_id = cohort.id
    profile.enrolled_on = enrolled_on or profile.enrolled_on
    given = {"gender": gender, "age_band": age_band, "country_of_origin": country_of_origin,
             "baseline_income_usd": baseline_income_usd}
    for name, value in given.items():
        if value is not _KEEP:
            setattr(profile, name, value)
    db.session.flush()
    return profile


def place(user: User, cohort: Cohort | None = None, site: Site | None = None) -> None:
    """Put a new user where their role belongs: learner or trainer in a cohort, others at a site.

    The caller commits. Raises ServiceError when the role needs a place that is missing.
    """
    if user.role == Role.LEARNER:
        if cohort is None:
            raise ServiceError(_l("Choose the learner's cohort."), "cohort")
        enrol(user, cohort)
    elif user.role == Role.TRAINER:
        if cohort is None:
            raise ServiceError(_l("Choose the cohort this trainer teaches."), "cohort")
        db.session.merge(CohortTrainer(user_id=user.id, cohort_id=cohort.id))
    elif user.role in (Role.COORDINATOR, Role.REVIEWER):
        if site is None:
            raise ServiceError(_l("Choose the site this person works with."), "site")
        db.session.merge(SiteGrant(user_id=user.id, site_id=site.id))
    db.session.flush()


def places_of(user: User) -> list[str]:
    """Where ``user`` works or learns, as "Site · Cohort" or "Site" labels."""
    if user.role == Role.LEARNER:
        query = (select(Cohort).join(LearnerProfile, LearnerProfile.cohort_id == Cohort.id)
                 .where(LearnerProfile.user_id == user.id))
    elif user.role == Role.TRAINER:
        query = (select(Cohort).join(CohortTrainer, CohortTrainer.cohort_id == Cohort.id)
                 .where(CohortTrainer.user_id == user.id))
    elif user.role in (Role.COORDINATOR, Role.REVIEWER):
        sites = db.session.scalars(select(Site).join(SiteGrant, SiteGrant.site_id == Site.id)
                                   .where(SiteGrant.user_id == user.id).order_by(Site.name))
        return [s.name for s in sites]
    else:
        return []
    return [f"{c.site.name} · {c.name}" for c in db.session.scalars(query.order_by(Cohort.name))]


def visible_sites(user) -> list[Site]:
    """Sites ``user`` may see, by name."""
    return list(db.session.scalars(
        select(Site).where(Site.id.in_(scope.site_ids(user))).order_by(Site.name)))


def visible_cohorts(user) -> list[Cohort]:
    """Cohorts ``user`` may see, newest first."""
    return list(db.session.scalars(
        select(Cohort).where(Cohort.id.in_(scope.cohort_ids(user)))
        .order_by(Cohort.start_date.desc(), Cohort.name)))


def learner_counts(cohort_ids: list[int]) -> dict[int, int]:
    """Active learners per cohort, in one query."""
    rows = db.session.execute(
        select(LearnerProfile.cohort_id, func.count())
        .join(User, User.id == LearnerProfile.user_id)
        .where(LearnerProfile.cohort_id.in_(cohort_ids), User.active)
        .group_by(LearnerProfile.cohort_id))
    return dict(rows.all())


def trainers_of(cohort: Cohort) -> list[User]:
    """The trainers of ``cohort``."""
    return list(db.session.scalars(_trainers(), {"cohort_id": cohort.id}))


@built_once
def _trainers():
    return (select(User).join(CohortTrainer, CohortTrainer.user_id == User.id)
            .where(CohortTrainer.cohort_id == bindparam("cohort_id")).order_by(User.display_name))


def learners_of(cohort: Cohort, include_inactive: bool = False) -> list[User]:
    """The learners of ``cohort``, by display name."""
    query = (select(User).join(LearnerProfile, LearnerProfile.user_id == User.id)
             .where(LearnerProfile.cohort_id == cohort.id).order_by(User.display_name))
    if not include_inactive:
        query = query.where(User.active)
    return list(db.session.scalars(query))


@per_session(key=lambda user: user.id)
def profile_of(user: User) -> LearnerProfile | None:
    """The learner profile of ``user``, if they are a learner, with its cohort and site (one
    query, read once per request: a home page's panels each ask for it)."""
    return db.session.scalars(_profile(), {"user_id": user.id}).first()


@built_once
def _profile():
    return (select(LearnerProfile).where(LearnerProfile.user_id == bindparam("user_id"))
            .options(joinedload(LearnerProfile.cohort).joinedload(Cohort.site)))


def week_of(cohort: Cohort, on: date | None = None) -> int | None:
    """The program week (1..26) ``cohort`` is in on ``on``; None before start or after end."""
    on = on or today()
    if on < cohort.start_date or on > cohort.end_date:
        return None
    return min((on - cohort.start_date).days // 7 + 1, PROGRAM_WEEKS)


def site_by_name(name: str) -> Site | None:
    """The site called ``name`` (any case)."""
    return db.session.scalar(select(Site).where(func.lower(Site.name) == (name or "").lower()))


def cohort_by_name(name: str, site: Site | None = None) -> Cohort | None:
    """The cohort called ``name`` (any case), within ``site`` when given."""
    query = select(Cohort).where(func.lower(Cohort.name) == (name or "").lower())
    if site is not None:
        query = query.where(Cohort.site_id == site.id)
    return db.session.scalars(query).first()
