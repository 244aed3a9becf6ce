"""Earnings entries and their audit trail, exchange rates, statement imports, monthly income."""
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import ForeignKey, Index, Numeric, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column

from dip.core.clock import utcnow
from dip.extensions import db

PLATFORMS = ("upwork", "fiverr", "freelancer", "peopleperhour", "local", "other")
KINDS = ("translation", "transcription", "data_entry", "writing", "design",
         "virtual_assistance", "other")
#: An import batch waits for its column mapping, then is queued, running, done or failed.
BATCH_STATUSES = ("mapping", "queued", "running", "done", "failed")
MANUAL = "manual"


class EarningEntry(db.Model):
    """Money a learner earned (or a fee or refund: negative) on a day, in its own currency.

    ``natural_key`` is unique per learner, so importing the same statement twice adds
    nothing; a deleted entry stays (``deleted_at`` set) so money never disappears silently.
    """

    __tablename__ = "earning_entries"
    __table_args__ = (
        UniqueConstraint("learner_id", "natural_key"),
        Index("ix_earning_entries_learner_day", "learner_id", "earned_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    learner_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    earned_on: Mapped[date]
    amount: Mapped[Decimal] = mapped_column(Numeric(14, 2))
    currency: Mapped[str] = mapped_column(String(3))
    platform: Mapped[str] = mapped_column(String(20), default="other")
    client: Mapped[str] = mapped_column(String(120), default="")
    kind: Mapped[str] = mapped_column(String(20), default="other")
    hours: Mapped[Decimal | None] = mapped_column(Numeric(7, 2))
    note: Mapped[str] = mapped_column(String(500), default="")
    # "manual", or the import batch the entry came from (``batch_id`` then set too).
    source: Mapped[str] = mapped_column(String(12), default=MANUAL)
    batch_id: Mapped[int | None] = mapped_column(ForeignKey("import_batches.id"), index=True)
    natural_key: Mapped[str] = mapped_column(String(200))
    verified: Mapped[bool] = mapped_column(default=False)
    verified_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    verified_at: Mapped[datetime | None]
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime | None]
    deleted_at: Mapped[datetime | None]
    deleted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    @property
    def month(self) -> date:
        """The first day of the entry's month."""
        return self.earned_on.replace(day=1)


class EntryChange(db.Model):
    """One line of an entry's audit trail: who did what, when, and the values before and after."""

    __tablename__ = "earning_entry_changes"

    id: Mapped[int] = mapped_column(primary_key=True)
    entry_id: Mapped[int] = mapped_column(ForeignKey("earning_entries.id"), index=True)
    action: Mapped[str] = mapped_column(String(12))  # create, edit, delete, restore, verify
    changed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    changed_at: Mapped[datetime] = mapped_column(default=utcnow)
    old: Mapped[dict] = mapped_column(db.JSON, default=dict)
    new: Mapped[dict] = mapped_column(db.JSON, default=dict)


class ExchangeRate(db.Model):
    """How many US dollars one unit of ``currency`` was worth in ``month`` (its first day).

    A rate belongs to a site (set by its coordinator or an admin) or, with ``site_id`` NULL,
    to every site (set by an admin). A learner's income uses their site's rate, else the
    all-site one, so nobody at another site can change what a site's learners earned.
    """

    __tablename__ = "exchange_rates"
    __table_args__ = (
        UniqueConstraint("site_id", "currency", "month"),
        # NULLs are distinct in a unique constraint: one all-site rate a month needs its own index.
        Index("uq_exchange_rates_all_sites", "currency", "month", unique=True,
              sqlite_where=text("site_id IS NULL"), postgresql_where=text("site_id IS NULL")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    site_id: Mapped[int | None] = mapped_column(ForeignKey("sites.id"))
    currency: Mapped[str] = mapped_column(String(3))
    month: Mapped[date]
    rate_to_usd: Mapped[Decimal] = mapped_column(Numeric(24, 12))
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


class ImportBatch(db.Model):
    """One uploaded statement and what importing it did: the job's record of truth."""

    __tablename__ = "import_batches"

    id: Mapped[int] = mapped_column(primary_key=True)
    learner_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    uploaded_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    file_key: Mapped[str] = mapped_column(String(120))
    file_name: Mapped[str] = mapped_column(String(120))
    file_size: Mapped[int] = mapped_column(default=0)
    status: Mapped[str] = mapped_column(String(8), default="queued", index=True)
    format: Mapped[str | None] = mapped_column(String(16))
    default_currency: Mapped[str | None] = mapped_column(String(3))
    mapping: Mapped[dict | None] = mapped_column(db.JSON)
    date_order: Mapped[str | None] = mapped_column(String(3))  # "dmy" or "mdy", as the person said
    rows_read: Mapped[int] = mapped_column(default=0)
    added: Mapped[int] = mapped_column(default=0)
    duplicates: Mapped[int] = mapped_column(default=0)
    rejected: Mapped[int] = mapped_column(default=0)
    skipped: Mapped[int] = mapped_column(default=0)
    errors: Mapped[list] = mapped_column(db.JSON, default=list)  # [{"line", "reason"}], rejected
    skips: Mapped[list] = mapped_column(db.JSON, default=list)  # [{"line", "reason"}], skipped
    error: Mapped[str | None] = mapped_column(Text)  # why the whole file failed
    attempts: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    queued_at: Mapped[datetime | None]
    started_at: Mapped[datetime | None]
    finished_at: Mapped[datetime | None]

    @property
    def finished(self) -> bool:
        """Whether the job has nothing more to do (done or failed)."""
        return self.status in ("done", "failed")


class ColumnMapping(db.Model):
    """Which columns of an unknown statement hold what, remembered by the file's header.

    A mapping belongs to its owner: the learner for their own uploads, the learner's site
    for staff uploads (``owner`` is ``learner:<id>`` or ``site:<id>``). It is applied
    without asking only to uploads of the person who last confirmed it
    (``updated_by_id``); anyone else sees the mapping step pre-filled and confirms it.
    """

    __tablename__ = "column_mappings"
    __table_args__ = (UniqueConstraint("signature", "owner"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    signature: Mapped[str] = mapped_column(String(64))
    owner: Mapped[str] = mapped_column(String(40))
    owner_learner_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    owner_site_id: Mapped[int | None] = mapped_column(ForeignKey("sites.id"))
    header: Mapped[list] = mapped_column(db.JSON, default=list)
    mapping: Mapped[dict] = mapped_column(db.JSON, default=dict)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


class MonthlyIncome(db.Model):
    """A learner's income in one month, in USD: computed by jobs from entries and rates, never typed.

    Only entries whose currency has a rate for the month count (``entry_count``); a month
    whose entries all wait for a rate has no row.
    """

    __tablename__ = "monthly_income"
    __table_args__ = (Index("ix_monthly_income_month", "month"),)

    learner_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True)
    month: Mapped[date] = mapped_column(primary_key=True)
    total_usd: Mapped[Decimal] = mapped_column(Numeric(14, 2))
    entry_count: Mapped[int] = mapped_column(default=0)
    computed_at: Mapped[datetime] = mapped_column(default=utcnow)


class IncomeDue(db.Model):
    """A learner-month whose monthly income must be computed again.

    Written when an entry or a rate changes, deleted by the recompute that did the work. If
    Redis or a worker loses the job, the row stays, and ``flask dip jobs reconcile`` queues it
    again: the database, not RQ, says what is still to do.
    """

    __tablename__ = "income_due"

    learner_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True)
    month: Mapped[date] = mapped_column(primary_key=True)
    since: Mapped[datetime] = mapped_column(default=utcnow, index=True)
