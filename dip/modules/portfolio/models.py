"""Portfolio items, the public page's settings, profile readiness, and proposal drafts."""
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import ForeignKey, Numeric, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from dip.core.clock import utcnow
from dip.extensions import db

VISIBILITY = ("private", "cohort", "public")
SAMPLE_KINDS = ("docx", "xlsx", "pdf", "png", "jpg")
STATUSES = ("draft", "sent", "won", "lost")
READINESS = ("account", "photo", "title", "overview", "portfolio", "rate", "languages",
             "identity")


class PortfolioItem(db.Model):
    """A work sample a learner shows clients: what was needed, what they did, and the sample."""

    __tablename__ = "portfolio_items"
    __table_args__ = (UniqueConstraint("learner_id", "from_submission_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    learner_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    client_need: Mapped[str] = mapped_column(Text, default="")
    what_i_did: Mapped[str] = mapped_column(Text, default="")
    skills: Mapped[list] = mapped_column(db.JSON, default=list)  # keys of SKILLS
    tags: Mapped[list] = mapped_column(db.JSON, default=list)  # the learner's own words
    sample_text: Mapped[str | None] = mapped_column(Text)
    file_key: Mapped[str | None] = mapped_column(String(120))
    file_kind: Mapped[str | None] = mapped_column(String(8))
    file_name: Mapped[str | None] = mapped_column(String(120))
    visibility: Mapped[str] = mapped_column(String(8), default="private")
    # The graded submission it was made from (one item per submission: a retry adds nothing).
    from_submission_id: Mapped[int | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


class PublicProfile(db.Model):
    """What the public page shows, and its secret link (``token`` None: no public page)."""

    __tablename__ = "portfolio_profiles"

    learner_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True)
    token: Mapped[str | None] = mapped_column(String(64), unique=True)
    shown_name: Mapped[str] = mapped_column(String(80), default="")
    headline: Mapped[str] = mapped_column(String(200), default="")
    about: Mapped[str] = mapped_column(Text, default="")
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


class ReadinessMark(db.Model):
    """A step of the freelance profile checklist: ticked by the learner, confirmed by a trainer."""

    __tablename__ = "readiness_marks"

    learner_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True)
    step: Mapped[str] = mapped_column(String(16), primary_key=True)
    ticked_at: Mapped[datetime] = mapped_column(default=utcnow)
    confirmed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    confirmed_at: Mapped[datetime | None]


class Proposal(db.Model):
    """A proposal a learner writes for a job post they pasted."""

    __tablename__ = "proposals"

    id: Mapped[int] = mapped_column(primary_key=True)
    learner_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    job_title: Mapped[str] = mapped_column(String(200))
    client_description: Mapped[str] = mapped_column(Text, default="")
    budget_amount: Mapped[Decimal | None] = mapped_column(Numeric(12, 2))
    budget_currency: Mapped[str] = mapped_column(String(3), default="USD")
    deadline: Mapped[date | None]
    body: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(8), default="draft", index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    status_changed_at: Mapped[datetime | None]


class ProposalVersion(db.Model):
    """The text of a proposal after a save that changed it (``kind``: save, auto, restore)."""

    __tablename__ = "proposal_versions"
    __table_args__ = (UniqueConstraint("proposal_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    proposal_id: Mapped[int] = mapped_column(ForeignKey("proposals.id"), index=True)
    number: Mapped[int]
    body: Mapped[str] = mapped_column(Text, default="")
    kind: Mapped[str] = mapped_column(String(8), default="save")
    saved_at: Mapped[datetime] = mapped_column(default=utcnow)


class ProposalComment(db.Model):
    """A trainer's comment on a proposal, perhaps quoting a passage of it."""

    __tablename__ = "proposal_comments"

    id: Mapped[int] = mapped_column(primary_key=True)
    proposal_id: Mapped[int] = mapped_column(ForeignKey("proposals.id"), index=True)
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    quote: Mapped[str | None] = mapped_column(Text)
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    seen_at: Mapped[datetime | None]  # when the learner opened the proposal after it

    proposal: Mapped[Proposal] = relationship()
