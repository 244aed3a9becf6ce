"""The curriculum in use: lessons, progress, self-checks, cohort schedules and progress grids.

Loading the files lives in ``sync.py``; the offline packs in ``offline.py``.
"""
import json
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlalchemy import Text, and_, bindparam, cast, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import contains_eager

from dip.core import scope
from dip.core.clock import today
from dip.core.errors import ServiceError
from dip.core.memo import built_once, per_session
from dip.extensions import db
from dip.modules.curriculum.langs import LangStr, pick
from dip.modules.curriculum.models import (
    CohortSchedule, Lesson, LessonCompletion, Module, Picture, SelfCheckAttempt,
)
from dip.modules.curriculum.sync import sync  # noqa: F401 - the contract the CLI and tests use
from dip.modules.programs import plans, services as programs
from dip.modules.programs.models import Cohort, LearnerProfile

WEEKS = programs.PROGRAM_WEEKS


# ---- reading the curriculum ----

@per_session
def modules() -> list[Module]:
    """The active modules, in teaching order."""
    return list(db.session.scalars(select(Module).where(Module.active).order_by(Module.order)))


def module_by_key(key: str) -> Module | None:
    """The active module ``key``."""
    return db.session.scalar(select(Module).where(Module.key == key, Module.active))


def lesson_by_slug(module: Module, slug: str) -> Lesson | None:
    """The active lesson ``slug`` of ``module``."""
    return db.session.scalar(select(Lesson).where(
        Lesson.module_id == module.id, Lesson.slug == slug, Lesson.active))


@per_session
def lessons() -> list[Lesson]:
    """Every active lesson of the active modules, in teaching order (one query)."""
    return list(db.session.scalars(
        select(Lesson).join(Lesson.module).options(contains_eager(Lesson.module))
        .where(Lesson.active, Module.active).order_by(Module.order, Lesson.order, Lesson.slug)))


@per_session
def outline() -> list:
    """``(id, module_id)`` rows of every active lesson in teaching order: what plans and due
    weeks need, without decoding any lesson's titles or text."""
    return list(db.session.execute(_outline()))


@built_once
def _outline():
    return (select(Lesson.id, Lesson.module_id).join(Lesson.module)
            .where(Lesson.active, Module.active).order_by(Module.order, Lesson.order, Lesson.slug))


def picture(module: Module, file_name: str) -> Picture | None:
    """The drawing ``<name>.<lang>.svg`` of ``module``, as sync made it."""
    name, _, lang = file_name.removesuffix(".svg").partition(".")
    return db.session.scalar(select(Picture).where(
        Picture.module_id == module.id, Picture.name == name, Picture.lang == lang))


def lesson_text(lesson: Lesson, lang: str) -> tuple[str, dict]:
    """``(language shown, rendered text)`` of ``lesson`` for a ``lang`` reader.

    Reads only that language's part of ``texts`` (SQLite ``json_extract``, PostgreSQL ``->``):
    a page shows one language and need not decode the others.
    """
    shown = lesson.text_lang(lang)
    if "texts" not in lesson.__dict__:
        text = db.session.scalar(select(Lesson.texts[shown]).where(Lesson.id == lesson.id))
    else:  # already loaded (the offline pack, sync)
        text = lesson.texts[shown]
    return shown, text


def neighbours(lesson: Lesson) -> tuple[Lesson | None, Lesson | None]:
    """The lessons before and after ``lesson`` in its module."""
    items = lesson.module.lessons
    i = next(n for n, l in enumerate(items) if l.id == lesson.id)
    return (items[i - 1] if i else None), (items[i + 1] if i + 1 < len(items) else None)


# ---- a learner's progress (always their own: callers pass the signed-in learner) ----

@per_session
def done_ids(learner_id: int) -> set[int]:
    """Ids of the lessons ``learner_id`` marked done."""
    return set(db.session.scalars(_done(), {"learner_id": learner_id}))


@built_once
def _done():
    return select(LessonCompletion.lesson_id).where(
        LessonCompletion.learner_id == bindparam("learner_id"))


def mark_done(learner_id: int, lesson: Lesson) -> bool:
    """Mark ``lesson`` done for ``learner_id``; False if it already was."""
    if db.session.get(LessonCompletion, (learner_id, lesson.id)) is not None:
        return False
    db.session.add(LessonCompletion(learner_id=learner_id, lesson_id=lesson.id))
    try:
        db.session.commit()
    except IntegrityError:  # the same learner on two computers at once
        db.session.rollback()
        return False
    return True


def grade(learner_id: int, lesson: Lesson, lang: str, answers: dict) -> SelfCheckAttempt:
    """Grade a self-check on the server and keep the attempt.

    ``answers`` maps a question's index to the chosen option's index (strings, from a form);
    an unanswered or invalid answer counts as wrong.
    """
    # The answer indices are the same in every language (sync checks it), so an answer given
    # in one language is graded the same in another.
    questions = lesson_text(lesson, lang)[1]["selfcheck"]
    chosen = []
    for n, question in enumerate(questions):
        value = str(answers.get(str(n), answers.get(n, "")))
        # isdigit() accepts "¹" and other digits int() refuses: compare with the real options.
        options = {str(i): i for i in range(len(question["options"]))}
        choice = options.get(value)
        chosen.append(choice)
    if all(c is None for c in chosen):
        raise ServiceError(_l("Choose an answer for at least one question."))
    score = sum(1 for c, q in zip(chosen, questions) if c == q["answer"])
    attempt = SelfCheckAttempt(learner_id=learner_id, lesson_id=lesson.id, answers=chosen,
                               score=score, total=len(questions))
    db.session.add(attempt)
    db.session.commit()
    return attempt


def latest_attempt(learner_id: int, lesson_id: int) -> SelfCheckAttempt | None:
    """The learner's most recent self-check attempt at a lesson."""
    return db.session.scalar(
        select(SelfCheckAttempt).where(SelfCheckAttempt.learner_id == learner_id,
                                       SelfCheckAttempt.lesson_id == lesson_id)
        .order_by(SelfCheckAttempt.id.desc()).limit(1))


def attempt_count(learner_id: int, lesson_id: int) -> int:
    """How many times the learner took a lesson's self-check."""
    return db.session.scalar(select(func.count()).select_from(SelfCheckAttempt).where(
        SelfCheckAttempt.learner_id == learner_id, SelfCheckAttempt.lesson_id == lesson_id))


def review(lesson: Lesson, lang: str, attempt: SelfCheckAttempt) -> list[dict]:
    """Each question with the learner's choice, whether it was right, and why."""
    out = []
    for question, choice in zip(lesson_text(lesson, lang)[1]["selfcheck"], attempt.answers):
        out.append({**question, "chosen": choice, "right": choice == question["answer"]})
    return out


def module_counts(learner_id: int | None) -> dict[int, tuple[int, int]]:
    """``{module_id: (lessons done, lessons)}`` in two queries."""
    totals = dict(db.session.execute(
        select(Lesson.module_id, func.count()).where(Lesson.active).group_by(Lesson.module_id)).all())
    done = {}
    if learner_id is not None:
        done = dict(db.session.execute(
            select(Lesson.module_id, func.count()).join(
                LessonCompletion, LessonCompletion.lesson_id == Lesson.id)
            .where(Lesson.active, LessonCompletion.learner_id == learner_id)
            .group_by(Lesson.module_id)).all())
    return {mid: (done.get(mid, 0), total) for mid, total in totals.items()}


# ---- cohort schedules ----

@per_session
def schedule_of(cohort_id: int | None) -> dict[int, tuple[int, int]]:
    """``{module_id: (start week, end week)}``: the cohort's plan, else the catalogue's."""
    return {mid: (start, end) for mid, start, end in db.session.execute(
        _schedule(), {"cohort_id": cohort_id})}


@built_once
def _schedule():
    own = and_(CohortSchedule.module_id == Module.id,
               CohortSchedule.cohort_id == bindparam("cohort_id"))
    return (select(Module.id, func.coalesce(CohortSchedule.start_week, Module.week_start)
                   .label("start"), func.coalesce(CohortSchedule.end_week, Module.week_end)
                   .label("end"))
            .outerjoin(CohortSchedule, own).where(Module.active))


def save_schedule(cohort: Cohort, weeks: dict[int, tuple[int, int]]) -> None:
    """Store the cohort's weeks for each module; raise ServiceError on an impossible week."""
    known = {m.id for m in modules()}
    for module_id, (start, end) in weeks.items():
        if module_id not in known:
            raise ServiceError(_l("Unknown module."))
        if not (1 <= start <= end <= WEEKS):
            raise ServiceError(_l("Weeks go from 1 to %(weeks)s and a module cannot end before "
                                  "it starts.", weeks=WEEKS), f"start-{module_id}")
    rows = {r.module_id: r for r in db.session.scalars(
        select(CohortSchedule).where(CohortSchedule.cohort_id == cohort.id))}
    for module_id, (start, end) in weeks.items():
        row = rows.get(module_id)
        if row is None:
            db.session.add(CohortSchedule(cohort_id=cohort.id, module_id=module_id,
                                          start_week=start, end_week=end))
        else:
            row.start_week, row.end_week = start, end
    db.session.commit()


def due_weeks(plan: dict[int, tuple[int, int]], items: list | None = None) -> dict[int, int]:
    """The week each lesson is due: a module's lessons spread evenly over its weeks
    (``items``: the lessons, or ``outline()`` rows, if the caller has them already)."""
    due, by_module = {}, {}
    for lesson in outline() if items is None else items:
        by_module.setdefault(lesson.module_id, []).append(lesson.id)
    for module_id, ids in by_module.items():
        start, end = plan.get(module_id, (1, WEEKS))
        span = end - start + 1
        for k, lesson_id in enumerate(ids):
            due[lesson_id] = start + k * span // len(ids)
    return due


def learner_plan(user) -> dict | None:
    """A learner's next step: the next lesson to do and how they stand against their own dates.

    ``next`` is the first lesson not done in plan order (due week, then module and lesson
    order): the first lesson for a new learner, even before the course starts. ``behind``
    counts the lessons due in a week already over and not done. Weeks are the learner's own
    (``programs.plans``): someone who joined a running cohort is not behind on day one.
    Reads no lesson bodies.
    """
    profile = programs.profile_of(user)
    if profile is None:
        return None
    week = plans.week(profile)
    started = today() >= plans.plan_start(profile)
    if week is None and started:
        week = WEEKS + 1  # the course is over: everything not done is behind
    # The outline, the cohort's weeks and the lessons done, in one statement: the home runs
    # this on every view, and each statement costs more in SQLAlchemy than in the database.
    rows = db.session.execute(_plan(), {"cohort_id": profile.cohort_id, "learner_id": user.id})
    items, schedule, done = [], {}, set()
    for row in rows:
        items.append(row)
        schedule[row.module_id] = (row.start, row.end)
        if row.done:
            done.add(row.id)
    due = due_weeks(schedule, items)
    ordered = sorted(items, key=lambda lesson: due[lesson.id])  # stable: module, lesson order
    todo = [lesson for lesson in ordered if lesson.id not in done]
    following = LessonCard.of(todo[0]) if todo else None
    return {
        "week": week if week and week <= WEEKS else None, "started": started,
        "start": plans.plan_start(profile), "personal": plans.is_personal(profile),
        "next": following,
        "next_due": plans.due_date(profile, due[following.id]) if following else None,
        "behind": sum(1 for lesson in todo if week and due[lesson.id] < week),
        "done": len(items) - len(todo), "total": len(items),
    }


@built_once
def _plan():
    weeks = _schedule().subquery()
    done = and_(LessonCompletion.lesson_id == Lesson.id,
                LessonCompletion.learner_id == bindparam("learner_id"))
    # Titles come as their JSON text: only the next lesson's are decoded (LessonCard.of).
    return (_outline().add_columns(
        weeks.c.start, weeks.c.end, LessonCompletion.lesson_id.is_not(None).label("done"),
        Lesson.slug, Lesson.minutes, cast(Lesson.titles, Text).label("titles"),
        Module.key.label("module_key"), cast(Module.titles, Text).label("module_titles"))
        .join(weeks, weeks.c.id == Lesson.module_id).outerjoin(LessonCompletion, done))


@dataclass(frozen=True)
class LessonCard:
    """What a link to a lesson shows: its title, its module's, and how long it takes."""

    id: int
    slug: str
    minutes: int
    titles: dict
    module_key: str
    module_titles: dict

    @classmethod
    def of(cls, row) -> "LessonCard":
        """The card of a ``_plan()`` row."""
        return cls(row.id, row.slug, row.minutes, json.loads(row.titles or "{}"),
                   row.module_key, json.loads(row.module_titles or "{}"))

    def title_in(self, lang: str) -> LangStr:
        """As ``Lesson.title_in``."""
        return pick(self.titles, lang, self.slug)

    def module_title_in(self, lang: str) -> LangStr:
        """As ``Module.title_in``."""
        return pick(self.module_titles, lang, self.module_key)


# ---- what staff see of a cohort ----

def progress_grid(user, cohort: Cohort) -> dict:
    """Learners × lessons of ``cohort`` in a constant number of queries, however big the grid.

    Only learners ``user`` may see are included. Cells: ``done`` is a set of (learner, lesson)
    pairs; ``best`` maps (learner, lesson) to the best self-check percent; ``behind`` holds the
    pairs due in a week of the learner's own plan that is over (``programs.plans``: someone who
    joined late is behind only on their own dates) and not done. ``groups`` are the modules in
    teaching order with their lessons; ``rows`` say, per learner, their own week, whether the
    dates are their own (and from when), and how many lessons are done and behind.
    """
    members = (select(LearnerProfile.user_id)
               .where(LearnerProfile.cohort_id == cohort.id,
                      LearnerProfile.user_id.in_(scope.learner_ids(user))))
    learners = programs.learners_of(cohort)
    allowed = set(db.session.scalars(members))
    learners = [l for l in learners if l.id in allowed]
    profiles = {p.user_id: p for p in db.session.scalars(
        select(LearnerProfile).where(LearnerProfile.user_id.in_(members)))}
    done = {(lid, lesson_id) for lid, lesson_id in db.session.execute(
        select(LessonCompletion.learner_id, LessonCompletion.lesson_id)
        .where(LessonCompletion.learner_id.in_(members)))}
    best = {(lid, lesson_id): round(100 * score / total) if total else 0
            for lid, lesson_id, score, total in db.session.execute(
                select(SelfCheckAttempt.learner_id, SelfCheckAttempt.lesson_id,
                       func.max(SelfCheckAttempt.score), func.max(SelfCheckAttempt.total))
                .where(SelfCheckAttempt.learner_id.in_(members))
                .group_by(SelfCheckAttempt.learner_id, SelfCheckAttempt.lesson_id))}
    items = lessons()
    due = due_weeks(schedule_of(cohort.id), items)
    groups: list[dict] = []
    for lesson in items:
        if not groups or groups[-1]["module"].id != lesson.module_id:
            groups.append({"module": lesson.module, "lessons": []})
        groups[-1]["lessons"].append(lesson)
    behind, rows = set(), {}
    for learner in learners:
        profile = profiles.get(learner.id)
        if profile is None:
            continue
        week = plans.week(profile)
        if week is None and today() > plans.plan_end(profile):
            week = WEEKS + 1  # their plan is over: everything not done is behind
        late = {(learner.id, l.id) for l in items
                if week and due[l.id] < week and (learner.id, l.id) not in done}
        behind |= late
        rows[learner.id] = {
            "week": week if week and week <= WEEKS else None,
            "own_start": plans.plan_start(profile) if plans.is_personal(profile) else None,
            "done": sum(1 for l in items if (learner.id, l.id) in done), "behind": len(late)}
    return {"learners": learners, "lessons": items, "groups": groups, "done": done,
            "best": best, "behind": behind, "rows": rows}
