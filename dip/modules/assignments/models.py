"""Assignments, submissions (one row per version) and their grades, attendance, completion, certificates."""
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import ForeignKey, Numeric, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from dip.core import words
from dip.core.clock import utcnow
from dip.extensions import db
from dip.modules.curriculum.langs import LangStr, pick

KINDS = ("text", "file", "link")
FILE_KINDS = ("docx", "xlsx", "pdf", "png", "jpg")
ATTENDANCE = ("present", "late", "absent", "excused")


class Assignment(db.Model):
    """Work learners hand in: from the curriculum (``key`` set) or a trainer's, for one cohort."""

    __tablename__ = "assignments"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str | None] = mapped_column(String(80), unique=True)
    module_key: Mapped[str | None] = mapped_column(String(80), index=True)
    cohort_id: Mapped[int | None] = mapped_column(ForeignKey("cohorts.id"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    titles: Mapped[dict] = mapped_column(db.JSON, default=dict)
    # The instructions in every language are read only by the page that shows them (deferred):
    # a list of assignments or a home panel decodes none of them.
    instructions: Mapped[str] = mapped_column(Text, default="", deferred=True, deferred_group="texts")
    kind: Mapped[str] = mapped_column(String(8), default="text")
    accept: Mapped[list] = mapped_column(db.JSON, default=list)
    due_week: Mapped[int | None]
    required: Mapped[bool] = mapped_column(default=True)
    checks: Mapped[list] = mapped_column(db.JSON, default=list)
    # The length rule of a written answer (front matter ``words: {min, max}``): the page shows
    # it, the learner is asked before sending outside it, and the word-count check applies it.
    min_words: Mapped[int | None]
    max_words: Mapped[int | None]
    rubric: Mapped[list] = mapped_column(db.JSON, default=list)  # [{"criterion": str, "points": int}]
    # Curriculum translations: {lang: {"instructions": str, "rubric": [criterion, ...]}}
    texts: Mapped[dict] = mapped_column(db.JSON, default=dict, deferred=True, deferred_group="texts")
    active: Mapped[bool] = mapped_column(default=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    @property
    def max_points(self) -> int:
        """The rubric's total."""
        return sum(int(c["points"]) for c in self.rubric)

    @property
    def word_rule(self) -> tuple[int | None, int | None]:
        """(fewest, most) words a written answer should have; None where there is no limit."""
        return self.min_words, self.max_words

    def fits_length(self, count: int) -> bool:
        """Whether an answer of ``count`` words keeps the length rule (always, without one)."""
        return words.fits(count, self.min_words, self.max_words)

    def title_in(self, lang: str) -> LangStr:
        """The title in ``lang``, else in English (it says which; a trainer's: unknown)."""
        if self.key is None:
            return LangStr(self.title, "")
        return pick({"en": self.title, **(self.titles or {})}, lang)

    @property
    def languages(self) -> list[str]:
        """The languages the instructions and rubric can be read in (English first)."""
        return ["en", *sorted(self.texts or {})]

    def instructions_in(self, lang: str) -> LangStr:
        """The instructions (Markdown) in ``lang``, else in English (it says which)."""
        text = (self.texts or {}).get(lang)
        return LangStr(text["instructions"], lang) if text else LangStr(self.instructions,
                                                                         self._own_lang)

    def rubric_in(self, lang: str) -> list[dict]:
        """The rubric with each criterion in ``lang`` (a ``LangStr``), else in English."""
        text = (self.texts or {}).get(lang)
        return [{**item, "criterion": LangStr(text["rubric"][n], lang) if text
                 else LangStr(item["criterion"], self._own_lang)} for n, item in enumerate(self.rubric)]

    @property
    def _own_lang(self) -> str:
        """English for the curriculum's; unknown for a trainer's own (typed in any language)."""
        return "en" if self.key else ""


class Draft(db.Model):
    """A learner's text being written, kept on the server so a dropped connection loses nothing."""

    __tablename__ = "assignment_drafts"
    __table_args__ = (UniqueConstraint("assignment_id", "learner_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    assignment_id: Mapped[int] = mapped_column(ForeignKey("assignments.id"))
    learner_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    text: Mapped[str] = mapped_column(Text, default="")
    saved_at: Mapped[datetime] = mapped_column(default=utcnow)


class Submission(db.Model):
    """One version of a learner's work, with its grading aids and (once graded) its grade."""

    __tablename__ = "submissions"
    __table_args__ = (UniqueConstraint("assignment_id", "learner_id", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    assignment_id: Mapped[int] = mapped_column(ForeignKey("assignments.id"), index=True)
    learner_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    version: Mapped[int] = mapped_column(default=1)
    text: Mapped[str | None] = mapped_column(Text)
    link: Mapped[str | None] = mapped_column(String(500))
    file_key: Mapped[str | None] = mapped_column(String(120))
    file_kind: Mapped[str | None] = mapped_column(String(8))
    file_name: Mapped[str | None] = mapped_column(String(120))
    submitted_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    # Grading aids: "none" (nothing to check), "queued", "done" or "failed".
    checks_status: Mapped[str] = mapped_column(String(8), default="none")
    checks: Mapped[list] = mapped_column(db.JSON, default=list)  # [{"label","ok","detail"}]
    # "submitted" (waiting for a trainer), "graded", "returned" (for revision), "superseded".
    status: Mapped[str] = mapped_column(String(12), default="submitted", index=True)
    scores: Mapped[list] = mapped_column(db.JSON, default=list)  # points per rubric criterion
    score: Mapped[int | None]
    max_score: Mapped[int | None]
    feedback: Mapped[str | None] = mapped_column(Text)
    graded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    graded_at: Mapped[datetime | None]

    assignment: Mapped[Assignment] = relationship()

    @property
    def percent(self) -> Decimal | None:
        """The score as a percentage (None until graded)."""
        if self.score is None or not self.max_score:
            return None
        return (Decimal(self.score) * 100 / Decimal(self.max_score)).quantize(Decimal("0.1"))


class ClassSession(db.Model):
    """A class of a cohort on a date."""

    __tablename__ = "class_sessions"
    __table_args__ = (UniqueConstraint("cohort_id", "held_on"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    cohort_id: Mapped[int] = mapped_column(ForeignKey("cohorts.id"), index=True)
    held_on: Mapped[date]
    taken_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))


class AttendanceMark(db.Model):
    """Whether a learner came to a class: present, late, absent or excused."""

    __tablename__ = "attendance_marks"

    session_id: Mapped[int] = mapped_column(ForeignKey("class_sessions.id"), primary_key=True)
    learner_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True, index=True)
    status: Mapped[str] = mapped_column(String(8))


class CompletionRule(db.Model):
    """A cohort's completion thresholds (a cohort without a row uses the defaults)."""

    __tablename__ = "completion_rules"

    cohort_id: Mapped[int] = mapped_column(ForeignKey("cohorts.id"), primary_key=True)
    pass_percent: Mapped[Decimal] = mapped_column(Numeric(5, 2), default=Decimal("60"))
    attendance_percent: Mapped[Decimal] = mapped_column(Numeric(5, 2), default=Decimal("80"))
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


class Certificate(db.Model):
    """Proof a learner completed: a public code shows the name, the programme and the date only.

    ``credential`` keeps the signed Open Badges credential (a compact JWS) once made, so its
    fingerprint on paper stays true; ``status_list``/``status_index`` is its place in the
    public revocation list.
    """

    __tablename__ = "certificates"
    __table_args__ = (UniqueConstraint("status_list", "status_index"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    learner_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    cohort_id: Mapped[int] = mapped_column(ForeignKey("cohorts.id"), index=True)
    shown_name: Mapped[str] = mapped_column(String(80))
    program: Mapped[str] = mapped_column(String(120))
    issued_on: Mapped[date]
    issued_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    revoked_at: Mapped[datetime | None]
    revoked_reason: Mapped[str | None] = mapped_column(String(200))
    status_list: Mapped[int] = mapped_column(default=1, server_default="1")
    status_index: Mapped[int | None]
    credential: Mapped[str | None] = mapped_column(Text)


class IssuerKey(db.Model):
    """An Ed25519 key the programme signs credentials with; retired keys stay published.

    ``kid`` is the key's RFC 9278 thumbprint URI. The private key is PKCS#8, encrypted with a
    key derived from SECRET_KEY, so a database dump or backup never holds it in clear.
    """

    __tablename__ = "issuer_keys"

    kid: Mapped[str] = mapped_column(String(120), primary_key=True)
    public_jwk: Mapped[dict] = mapped_column(db.JSON)
    private_pem: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    retired_at: Mapped[datetime | None]
