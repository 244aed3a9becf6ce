"""DIP modules and lessons (synced from content files), progress, self-check attempts, schedules."""
from datetime import datetime

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from dip.core.clock import utcnow
from dip.extensions import db
from dip.modules.curriculum.langs import LangStr, pick


class Module(db.Model):
    """A DIP module or workshop, as the catalogue describes it."""

    __tablename__ = "curriculum_modules"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(80), unique=True)
    order: Mapped[int]
    kind: Mapped[str] = mapped_column(String(12), default="core")
    week_start: Mapped[int]
    week_end: Mapped[int]
    hours: Mapped[int] = mapped_column(default=0)
    lesson_hours: Mapped[int] = mapped_column(default=0)  # reading and lesson activities
    practice_hours: Mapped[int] = mapped_column(default=0)  # assignments, practice with the trainer
    languages: Mapped[list] = mapped_column(db.JSON, default=list)  # what the module ships in
    digcomp: Mapped[list] = mapped_column(db.JSON, default=list)
    titles: Mapped[dict] = mapped_column(db.JSON, default=dict)
    summaries: Mapped[dict] = mapped_column(db.JSON, default=dict)
    content_hash: Mapped[str] = mapped_column(String(64), default="")
    active: Mapped[bool] = mapped_column(default=True)

    lessons: Mapped[list["Lesson"]] = relationship(
        back_populates="module", order_by="(Lesson.order, Lesson.slug)",
        primaryjoin="and_(Module.id == Lesson.module_id, Lesson.active)", viewonly=True)

    def title_in(self, lang: str) -> LangStr:
        """The title in ``lang``, else in English (it says which)."""
        return pick(self.titles, lang, self.key)

    def summary_in(self, lang: str) -> LangStr:
        """The summary in ``lang``, else in English (it says which)."""
        return pick(self.summaries, lang)


class Lesson(db.Model):
    """One lesson; ``texts`` holds the rendered versions by language (``en`` always)."""

    __tablename__ = "curriculum_lessons"
    __table_args__ = (UniqueConstraint("module_id", "slug"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    module_id: Mapped[int] = mapped_column(ForeignKey("curriculum_modules.id"), index=True)
    slug: Mapped[str] = mapped_column(String(80))
    order: Mapped[int]
    minutes: Mapped[int] = mapped_column(default=0)
    titles: Mapped[dict] = mapped_column(db.JSON, default=dict)
    digcomp: Mapped[list] = mapped_column(db.JSON, default=list)
    # {lang: {"html", "toc": [[level, id, text]], "outcomes": [...], "selfcheck": [...],
    #         "reading_minutes", "pictures", "practice_steps"}}: 13 KB a language. Deferred:
    # only a page that shows the lesson's body loads it (issue 15: 615 KB per home view).
    texts: Mapped[dict] = mapped_column(db.JSON, default=dict, deferred=True)
    languages: Mapped[list] = mapped_column(db.JSON, default=list)  # the keys of texts
    content_hash: Mapped[str] = mapped_column(String(64), default="")
    active: Mapped[bool] = mapped_column(default=True)

    module: Mapped[Module] = relationship(back_populates="lessons")

    def title_in(self, lang: str) -> LangStr:
        """The title in ``lang``, else in English (it says which)."""
        return pick(self.titles, lang, self.slug)

    def text_lang(self, lang: str) -> str:
        """The language the lesson is shown in to a ``lang`` reader: theirs, else English."""
        return lang if lang in (self.languages or ()) else "en"


class Picture(db.Model):
    """A lesson drawing in one language, checked and labelled at sync (served, cached a year)."""

    __tablename__ = "curriculum_pictures"
    __table_args__ = (UniqueConstraint("module_id", "name", "lang"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    module_id: Mapped[int] = mapped_column(ForeignKey("curriculum_modules.id"))
    name: Mapped[str] = mapped_column(String(80))
    lang: Mapped[str] = mapped_column(String(8))
    svg: Mapped[str] = mapped_column(Text)
    fingerprint: Mapped[str] = mapped_column(String(16))


class LessonCompletion(db.Model):
    """A learner marked a lesson done."""

    __tablename__ = "lesson_completions"

    learner_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True)
    lesson_id: Mapped[int] = mapped_column(ForeignKey("curriculum_lessons.id"), primary_key=True,
                                           index=True)
    at: Mapped[datetime] = mapped_column(default=utcnow)


class SelfCheckAttempt(db.Model):
    """One try at a lesson's self-check, graded on the server; every attempt is kept."""

    __tablename__ = "selfcheck_attempts"

    id: Mapped[int] = mapped_column(primary_key=True)
    learner_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    lesson_id: Mapped[int] = mapped_column(ForeignKey("curriculum_lessons.id"), index=True)
    answers: Mapped[list] = mapped_column(db.JSON, default=list)  # chosen index or None
    score: Mapped[int]
    total: Mapped[int]
    at: Mapped[datetime] = mapped_column(default=utcnow)

    @property
    def percent(self) -> int:
        """The score as a whole percentage."""
        return round(100 * self.score / self.total) if self.total else 0


class CohortSchedule(db.Model):
    """Where a cohort placed a module in its 26 weeks (default: the catalogue's weeks)."""

    __tablename__ = "cohort_schedules"

    cohort_id: Mapped[int] = mapped_column(ForeignKey("cohorts.id"), primary_key=True)
    module_id: Mapped[int] = mapped_column(ForeignKey("curriculum_modules.id"), primary_key=True)
    start_week: Mapped[int]
    end_week: Mapped[int]
