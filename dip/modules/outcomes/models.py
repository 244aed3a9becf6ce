"""Survey answers, report runs, the reviewers' audit log and the change log behind kept figures."""
from datetime import date, datetime

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from dip.core.clock import utcnow
from dip.extensions import db

BASELINE, ENDLINE = "baseline", "endline"
SURVEY_KINDS = (BASELINE, ENDLINE)


class SurveyResponse(db.Model):
    """One learner's answers to the baseline or endline survey (editing updates the same row)."""

    __tablename__ = "survey_responses"
    __table_args__ = (UniqueConstraint("learner_id", "kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    learner_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    kind: Mapped[str] = mapped_column(String(8))
    daily_use: Mapped[str] = mapped_column(String(8))          # daily, weekly, rarely, never
    confidence: Mapped[int]                                    # 1 (not at all) .. 5 (very)
    integrated: Mapped[str] = mapped_column(String(8))         # yes, somewhat, no
    self_employed: Mapped[bool]
    income_change: Mapped[str] = mapped_column(String(8))      # higher, same, lower, none
    assisted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    submitted_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


class ReportRun(db.Model):
    """An outcome export for a scope and window, built by a background job."""

    __tablename__ = "report_runs"

    id: Mapped[int] = mapped_column(primary_key=True)
    requested_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    site_id: Mapped[int | None] = mapped_column(ForeignKey("sites.id"))
    cohort_id: Mapped[int | None] = mapped_column(ForeignKey("cohorts.id"))
    window_start: Mapped[date]
    window_end: Mapped[date]
    threshold: Mapped[int]
    # queued, running, done, failed
    status: Mapped[str] = mapped_column(String(8), default="queued")
    error: Mapped[str | None] = mapped_column(String(500))
    csv_key: Mapped[str | None] = mapped_column(String(200))
    xlsx_key: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    finished_at: Mapped[datetime | None]


class AuditEntry(db.Model):
    """A dashboard view, export or list view, kept for administrators to read."""

    __tablename__ = "outcome_audit"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    role: Mapped[str] = mapped_column(String(12))
    action: Mapped[str] = mapped_column(String(16))  # dashboard, export, download, list
    detail: Mapped[str] = mapped_column(String(300))
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)


class OutcomeChange(db.Model):
    """One committed transaction that wrote data the figures rest on (see outcomes/cache.py)."""

    __tablename__ = "outcome_changes"

    id: Mapped[int] = mapped_column(primary_key=True)
    table: Mapped[str] = mapped_column(String(40))
    changed_at: Mapped[datetime] = mapped_column(default=utcnow)
