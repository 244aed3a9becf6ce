"""The one place that decides whose personal data the current user may see.

Every query for personal data filters on ``learner_ids(user)``, ``cohort_ids(user)`` or
``site_ids(user)`` (SQL subqueries, so a page costs one query however many learners):

* a learner sees only themself;
* a trainer the learners of the cohorts they teach;
* a coordinator the learners of every cohort at the sites they are granted;
* a reviewer no individual record (aggregates only, over their granted sites);
* an admin everyone.

Staff powers over a person (a reset code, deactivation, renaming, placing, correcting a
learner's profile) are decided by ``may_manage``: only over someone whose whole scope lies
inside the actor's, so nobody gains, through another account, a site they do not hold.

This module reads the membership tables of ``programs`` and ``accounts``: it is the one
place in ``core`` allowed to, because scoping must be decided once, not per feature.
"""
from sqlalchemy import Select, false, literal, or_, select, true, union

from dip.core.access import Role
from dip.core.clock import utcnow


def _models():
    from dip.modules.accounts.models import User
    from dip.modules.programs.models import Cohort, CohortTrainer, LearnerProfile, Site, SiteGrant

    return User, Site, Cohort, SiteGrant, CohortTrainer, LearnerProfile


def site_ids(user) -> Select:
    """Sites whose cohorts (or aggregates, for reviewers) ``user`` may see."""
    User, Site, Cohort, SiteGrant, CohortTrainer, LearnerProfile = _models()
    if user.role == Role.ADMIN:
        return select(Site.id)
    if user.role in (Role.COORDINATOR, Role.REVIEWER):
        return select(SiteGrant.site_id).where(SiteGrant.user_id == user.id)
    return select(Cohort.site_id).where(Cohort.id.in_(cohort_ids(user)))


def cohort_ids(user) -> Select:
    """Cohorts ``user`` may see."""
    User, Site, Cohort, SiteGrant, CohortTrainer, LearnerProfile = _models()
    if user.role == Role.ADMIN:
        return select(Cohort.id)
    if user.role in (Role.COORDINATOR, Role.REVIEWER):
        return select(Cohort.id).where(Cohort.site_id.in_(site_ids(user)))
    if user.role == Role.TRAINER:
        return select(CohortTrainer.cohort_id).where(CohortTrainer.user_id == user.id)
    return select(LearnerProfile.cohort_id).where(LearnerProfile.user_id == user.id)


def learner_ids(user) -> Select:
    """Learners whose personal records ``user`` may open. Empty for reviewers."""
    User, Site, Cohort, SiteGrant, CohortTrainer, LearnerProfile = _models()
    if user.role == Role.ADMIN:
        return select(LearnerProfile.user_id)
    if user.role == Role.REVIEWER:
        return select(LearnerProfile.user_id).where(false())
    if user.role == Role.LEARNER:
        return select(literal(user.id))
    return select(LearnerProfile.user_id).where(LearnerProfile.cohort_id.in_(cohort_ids(user)))


def staff_ids(user) -> Select:
    """Trainers, coordinators and reviewers ``user`` may manage (admins: everyone)."""
    User, Site, Cohort, SiteGrant, CohortTrainer, LearnerProfile = _models()
    if user.role == Role.ADMIN:
        return select(User.id).where(User.role != Role.LEARNER)
    if user.role != Role.COORDINATOR:
        return select(User.id).where(false())
    sites = site_ids(user)
    trainers = select(CohortTrainer.user_id).where(
        CohortTrainer.cohort_id.in_(select(Cohort.id).where(Cohort.site_id.in_(sites)))
    )
    granted = select(SiteGrant.user_id).where(SiteGrant.site_id.in_(sites))
    return select(User.id).where(or_(User.id.in_(trainers), User.id.in_(granted)))


def user_ids(user) -> Select:
    """Every user ``user`` may see in the user lists: learners in scope plus staff in scope."""
    User = _models()[0]
    return select(User.id).where(
        or_(User.id.in_(learner_ids(user)), User.id.in_(staff_ids(user))))


def may_see_learner(user, learner_id: int) -> bool:
    """Return whether ``user`` may open the personal record of learner ``learner_id``."""
    from dip.extensions import db

    if user.role == Role.ADMIN:
        return True
    return bool(db.session.scalar(select(true()).where(literal(learner_id).in_(learner_ids(user)))))


def may_see_cohort(user, cohort_id: int) -> bool:
    """Return whether ``user`` may open cohort ``cohort_id``."""
    from dip.extensions import db

    return bool(db.session.scalar(select(true()).where(literal(cohort_id).in_(cohort_ids(user)))))


def holdings(person) -> tuple[set[int], set[int]]:
    """Every site ``person`` is granted and every cohort they teach or learn in."""
    from dip.extensions import db

    User, Site, Cohort, SiteGrant, CohortTrainer, LearnerProfile = _models()
    sites = set(db.session.scalars(select(SiteGrant.site_id).where(SiteGrant.user_id == person.id)))
    cohorts = set(db.session.scalars(union(
        select(CohortTrainer.cohort_id).where(CohortTrainer.user_id == person.id),
        select(LearnerProfile.cohort_id).where(LearnerProfile.user_id == person.id))))
    return sites, cohorts


def may_manage(actor, person) -> bool:
    """Whether ``actor`` may use staff powers on ``person``: reset codes, deactivation, renaming,
    placing, correcting a profile.

    Only when everything ``person`` holds (every site granted, every cohort taught or learnt
    in) lies inside ``actor``'s scope: a one-site coordinator who could reset the password of a
    two-site coordinator could sign in as them and read the other site. Admins manage everyone;
    only admins manage admins, and people who hold nothing; trainers manage learners only.
    """
    from dip.extensions import db

    if actor.role == Role.ADMIN:
        return True
    if actor.role not in (Role.TRAINER, Role.COORDINATOR) or person.role == Role.ADMIN:
        return False
    if actor.role == Role.TRAINER and person.role != Role.LEARNER:
        return False
    User, Site, Cohort, SiteGrant, CohortTrainer, LearnerProfile = _models()
    sites, cohorts = holdings(person)
    if not sites and not cohorts:
        return False
    inside_sites = set(db.session.scalars(
        select(Site.id).where(Site.id.in_(sites), Site.id.in_(site_ids(actor))))) if sites else set()
    inside_cohorts = set(db.session.scalars(
        select(Cohort.id).where(Cohort.id.in_(cohorts), Cohort.id.in_(cohort_ids(actor))))) \
        if cohorts else set()
    return inside_sites == sites and inside_cohorts == cohorts


def private_on_hold(user) -> bool:
    """Whether ``user``'s private items are held back after a reset with a staff-issued code
    (``dip/modules/accounts/holds.py``): hidden from every session of the account meanwhile,
    so whoever redeemed the code cannot read what the owner keeps from staff."""
    from dip.extensions import db
    from dip.modules.accounts.models import ResetCode

    return bool(db.session.scalar(select(true()).where(
        ResetCode.user_id == user.id, ResetCode.hold_until > utcnow()).limit(1)))
