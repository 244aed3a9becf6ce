"""Sites, cohorts, who works where, and each learner's profile."""
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import ForeignKey, Numeric, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from dip.core.clock import utcnow
from dip.extensions import db


class Site(db.Model):
    """A learning centre, e.g. Dzaleka in Malawi."""

    __tablename__ = "sites"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(80), unique=True)
    country: Mapped[str] = mapped_column(String(2))
    currency: Mapped[str] = mapped_column(String(3))
    timezone: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    cohorts: Mapped[list["Cohort"]] = relationship(
        back_populates="site", order_by="Cohort.start_date.desc()"
    )


class Cohort(db.Model):
    """A group of learners following the six-month program together at one site."""

    __tablename__ = "cohorts"
    __table_args__ = (UniqueConstraint("site_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("sites.id"), index=True)
    name: Mapped[str] = mapped_column(String(80))
    start_date: Mapped[date]
    end_date: Mapped[date]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    site: Mapped[Site] = relationship(back_populates="cohorts")


class SiteGrant(db.Model):
    """A coordinator or reviewer granted a site."""

    __tablename__ = "site_grants"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("sites.id"), primary_key=True)


class CohortTrainer(db.Model):
    """A trainer assigned to a cohort."""

    __tablename__ = "cohort_trainers"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True)
    cohort_id: Mapped[int] = mapped_column(ForeignKey("cohorts.id"), primary_key=True)


class LearnerProfile(db.Model):
    """A learner's enrolment and the few fields reports are disaggregated by."""

    __tablename__ = "learner_profiles"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True)
    cohort_id: Mapped[int] = mapped_column(ForeignKey("cohorts.id"), index=True)
    code: Mapped[str] = mapped_column(String(16), unique=True)
    enrolled_on: Mapped[date]
    baseline_income_usd: Mapped[Decimal] = mapped_column(Numeric(12, 2), default=Decimal("0"))
    gender: Mapped[str | None] = mapped_column(String(16))
    age_band: Mapped[str | None] = mapped_column(String(8))
    country_of_origin: Mapped[str | None] = mapped_column(String(2))
    consent_on: Mapped[date | None]
    # The day this learner's own week 1 begins, set by a trainer (None: the cohort's start, or
    # the day they joined if they joined a running cohort; see ``programs.plans``).
    plan_start: Mapped[date | None]

    cohort: Mapped[Cohort] = relationship()
