"""Assignments: trainers' own assignments, drafts, submissions and grading.

Attendance, completion and certificates live in ``completion.py``; their public functions
are re-exported here for the features that read them (outcomes, portfolio).
"""
import functools
import logging
import re

import markdown
import nh3
from flask_babel import lazy_gettext as _l
from markupsafe import Markup
from sqlalchemy import bindparam, func, or_, select
from sqlalchemy.orm import defer, joinedload, load_only

from dip.core import scope, uploads, words
from dip.core.clock import utcnow
from dip.core.errors import ServiceError
from dip.core.memo import built_once
from dip.extensions import db
from dip.modules.assignments.checks import MIN_WORDS, check_text
from dip.modules.assignments.models import FILE_KINDS, KINDS, Assignment, Draft, Submission
from dip.modules.assignments.completion import (  # noqa: F401 - the contract other features import
    completed_learner_ids, completion_status,
)
from dip.modules.assignments.sync import (  # noqa: F401 - the contract the CLI and checks use
    _parse, parse_translation, sync_assignments,
)
from dip.modules.programs.models import LearnerProfile

log = logging.getLogger("dip.assignments")
MAX_TEXT = 50_000


def render_markdown(text: str) -> Markup:
    """Instructions as safe HTML (Markdown, then cleaned of anything active)."""
    return _rendered(str(text or ""))


@functools.lru_cache(maxsize=256)
def _rendered(text: str) -> Markup:
    # Keyed by the text itself, so never stale: each page view of the same instructions (a
    # whole class opens the week's assignment) reuses the HTML instead of parsing again.
    html = markdown.markdown(text, extensions=["tables", "sane_lists"])
    return Markup(nh3.clean(html))


# ---- which assignments a user sees ----

def assignments_for_cohorts(cohort_ids) -> list[Assignment]:
    """Curriculum assignments plus those trainers added for any of ``cohort_ids``: what a list
    shows of each (title, due week, whether required), not its rubric, checks or files."""
    return list(db.session.scalars(_for_cohorts(), {"cohort_ids": list(cohort_ids)}))


@built_once
def _for_cohorts():
    return (select(Assignment).where(Assignment.active, or_(
        Assignment.cohort_id.is_(None),
        Assignment.cohort_id.in_(bindparam("cohort_ids", expanding=True))))
        .order_by(Assignment.due_week.is_(None), Assignment.due_week, Assignment.title)
        .options(load_only(Assignment.key, Assignment.cohort_id, Assignment.title,
                           Assignment.titles, Assignment.due_week, Assignment.required)))


def visible_assignment(user, assignment_id: int) -> Assignment | None:
    """Assignment ``assignment_id`` if it belongs to the curriculum or a cohort ``user`` sees."""
    return db.session.scalar(select(Assignment).where(
        Assignment.id == assignment_id, Assignment.active,
        or_(Assignment.cohort_id.is_(None), Assignment.cohort_id.in_(scope.cohort_ids(user)))))


def parse_rubric_lines(text: str) -> list[dict]:
    """Turn lines ``criterion | points`` into rubric items; ServiceError if one is wrong."""
    items = []
    for n, line in enumerate((text or "").splitlines(), 1):
        if not line.strip():
            continue
        criterion, sep, points = line.rpartition("|")
        if not sep or not criterion.strip() or not points.strip().isdigit() \
                or not 1 <= int(points) <= 100:
            raise ServiceError(_l("Line %(n)s: write a criterion, then |, then its points "
                                  "(1 to 100).", n=n), "rubric")
        items.append({"criterion": criterion.strip()[:300], "points": int(points)})
    if not items:
        raise ServiceError(_l("Give at least one rubric criterion with its points."), "rubric")
    return items


def create_assignment(cohort_id: int, author_id: int, title: str, instructions: str, kind: str,
                      due_week: int | None, rubric_text: str, accept: list[str],
                      required: bool) -> Assignment:
    """A trainer's own assignment for one cohort."""
    title = (title or "").strip()
    if not title:
        raise ServiceError(_l("Give the assignment a title."), "title")
    if kind not in KINDS:
        raise ServiceError(_l("Choose text, file or link."), "kind")
    accept = [k for k in accept if k in FILE_KINDS]
    if kind == "file" and not accept:
        raise ServiceError(_l("Choose at least one file type."), "accept")
    assignment = Assignment(
        cohort_id=cohort_id, created_by_id=author_id, title=title[:200], titles={},
        instructions=(instructions or "").strip(), kind=kind, due_week=due_week,
        rubric=parse_rubric_lines(rubric_text), accept=accept if kind == "file" else [],
        required=required, checks=_default_checks(accept) if kind == "file" else [],
        min_words=MIN_WORDS if kind == "file" and "docx" in accept else None)
    db.session.add(assignment)
    db.session.commit()
    return assignment


def _default_checks(accept: list[str]) -> list[str]:
    checks = []
    if "docx" in accept:
        checks += ["docx_headings", "docx_list", "docx_table", "word_count"]
    if "xlsx" in accept:
        checks += ["xlsx_formulas", "xlsx_no_errors", "xlsx_header_row"]
    return checks


# ---- drafts and submissions ----

def draft_of(assignment_id: int, learner_id: int) -> Draft | None:
    """The learner's saved draft of an assignment, if any."""
    return db.session.scalar(select(Draft).where(
        Draft.assignment_id == assignment_id, Draft.learner_id == learner_id))


def save_draft(assignment: Assignment, learner_id: int, text: str) -> Draft:
    """Keep the learner's text on the server (replacing the previous draft)."""
    text = (text or "")[:MAX_TEXT]
    draft = draft_of(assignment.id, learner_id)
    if draft is None:
        draft = Draft(assignment_id=assignment.id, learner_id=learner_id)
        db.session.add(draft)
    draft.text, draft.saved_at = text, utcnow()
    db.session.commit()
    return draft


def kept_answer(assignment: Assignment, learner_id: int) -> dict:
    """What the answer form shows: the draft, else what the learner sent last (``sent``: that
    version), so the text stays in the box after sending and can be improved and resent."""
    draft = draft_of(assignment.id, learner_id)
    last = db.session.scalar(select(Submission).where(
        Submission.assignment_id == assignment.id, Submission.learner_id == learner_id)
        .order_by(Submission.version.desc()).limit(1))
    if draft is not None:
        return {"text": draft.text, "link": last.link if last else None, "sent": None}
    if last is None:
        return {"text": None, "link": None, "sent": None}
    return {"text": last.text, "link": last.link, "sent": last}


def length_to_confirm(assignment: Assignment, text: str | None) -> int | None:
    """The word count of a written answer outside the assignment's length rule (the learner is
    asked before it is sent); None when it keeps the rule, is empty, or is not a written answer."""
    if assignment.kind != "text" or not (text or "").strip():
        return None
    count = words.count(text)
    return None if assignment.fits_length(count) else count


def versions(assignment_id: int, learner_id: int) -> list[Submission]:
    """Every version the learner sent for an assignment, newest first."""
    return list(db.session.scalars(select(Submission).where(
        Submission.assignment_id == assignment_id, Submission.learner_id == learner_id)
        .order_by(Submission.version.desc())))


def submit(assignment: Assignment, learner_id: int, text: str | None = None,
           link: str | None = None, file: tuple[bytes, str] | None = None) -> Submission:
    """Hand in a new version; earlier versions stay. Raises ServiceError on bad input."""
    sub = Submission(assignment_id=assignment.id, learner_id=learner_id)
    if assignment.kind == "text":
        text = (text or "").strip()
        if not text:
            raise ServiceError(_l("Write your answer before you send it."), "text")
        sub.text = text[:MAX_TEXT]
        if assignment.checks:
            sub.checks = check_text(sub.text, assignment.checks, assignment.word_rule)
            sub.checks_status = "done"
    elif assignment.kind == "link":
        link = (link or "").strip()
        if not re.match(r"^https?://[^\s/]+\.[^\s]+$", link) or len(link) > 500:
            raise ServiceError(_l("Give a full web address starting with https://"), "link")
        sub.link = link
        sub.text = (text or "").strip()[:MAX_TEXT] or None
    else:
        if not file or not file[0]:
            raise ServiceError(_l("Choose a file to send."), "file")
        checked = uploads.check(file[0], file[1], set(assignment.accept))
        sub.file_key, sub.file_kind, sub.file_name = uploads.store(checked), checked.kind, checked.filename
        sub.text = (text or "").strip()[:MAX_TEXT] or None
        if assignment.checks and checked.kind in ("docx", "xlsx"):
            sub.checks_status = "queued"
    last = db.session.scalar(select(func.max(Submission.version)).where(
        Submission.assignment_id == assignment.id, Submission.learner_id == learner_id)) or 0
    sub.version = last + 1
    # A new version replaces an ungraded one in the queue: the trainer grades the latest.
    for old in db.session.scalars(select(Submission).where(
            Submission.assignment_id == assignment.id, Submission.learner_id == learner_id,
            Submission.status == "submitted")):
        old.status = "superseded"
    db.session.add(sub)
    draft = draft_of(assignment.id, learner_id)
    if draft is not None and assignment.kind == "text":
        db.session.delete(draft)
    db.session.commit()
    return sub


def scoped_submission(user, submission_id: int) -> Submission | None:
    """Submission ``submission_id`` if ``user`` may see its learner's work."""
    return db.session.scalar(select(Submission).where(
        Submission.id == submission_id, Submission.learner_id.in_(scope.learner_ids(user))))


# ---- grading ----

QUEUE_PAGE = 100


def grading_queue(user, limit: int = QUEUE_PAGE) -> list[tuple[Submission, str]]:
    """The ``limit`` oldest submissions waiting for a grade in ``user``'s cohorts, with names."""
    from dip.modules.accounts.models import User

    rows = db.session.execute(
        select(Submission, User.display_name)
        .join(User, User.id == Submission.learner_id)
        .where(Submission.status == "submitted",
               Submission.learner_id.in_(scope.learner_ids(user)))
        .order_by(Submission.submitted_at, Submission.id).limit(limit)
        .options(joinedload(Submission.assignment)))
    return [tuple(r) for r in rows.all()]


def queue_count(user) -> int:
    """How many submissions wait for ``user`` to grade."""
    return db.session.scalar(select(func.count()).select_from(Submission).where(
        Submission.status == "submitted", Submission.learner_id.in_(scope.learner_ids(user)))) or 0


def grade(submission: Submission, trainer_id: int, points: list[int | None], feedback: str,
          returned: bool) -> Submission:
    """Record points per rubric criterion and feedback, or return the work for revision.

    Returning needs only the feedback: points given with it are kept when every criterion has
    some, and left out otherwise (``None`` for a criterion not scored).
    """
    rubric = submission.assignment.rubric
    points = list(points or [])
    scored = len(points) == len(rubric) and all(p is not None for p in points)
    if not returned and not scored:
        raise ServiceError(_l("Give points for every criterion."), "points")
    for value, item in zip(points, rubric):
        if value is not None and not 0 <= value <= int(item["points"]):
            raise ServiceError(_l("Points for “%(criterion)s” must be from 0 to %(max)s.",
                                  criterion=item["criterion"], max=item["points"]), "points")
    feedback = (feedback or "").strip()
    if returned and not feedback:
        raise ServiceError(_l("Say what to change when you return work for revision."), "feedback")
    if scored:
        submission.scores = list(points)
        submission.score, submission.max_score = sum(points), submission.assignment.max_points
    else:
        submission.scores, submission.score, submission.max_score = [], None, None
    submission.feedback = feedback[:MAX_TEXT] or None
    submission.graded_by_id, submission.graded_at = trainer_id, utcnow()
    submission.status = "returned" if returned else "graded"
    db.session.commit()
    return submission


def points_total(rubric: list[dict], points: list[int | None]) -> dict:
    """The running total a grading form shows: points given so far, the most there are, and
    whether every criterion has some (``complete``)."""
    given = [p for p in points if p is not None]
    return {"total": sum(given), "max": sum(int(c["points"]) for c in rubric),
            "complete": len(given) == len(rubric)}


def recent_feedback(learner_id: int, limit: int = 5) -> list[Submission]:
    """A learner's latest graded or returned work, for their home page."""
    return list(db.session.scalars(_recent_feedback(), {"learner_id": learner_id, "limit": limit}))


@built_once
def _recent_feedback():
    return (select(Submission).where(Submission.learner_id == bindparam("learner_id"),
                                     Submission.status.in_(("graded", "returned")))
            .order_by(Submission.graded_at.desc()).limit(bindparam("limit"))
            .options(defer(Submission.text), joinedload(Submission.assignment).load_only(
                Assignment.id, Assignment.key, Assignment.title, Assignment.titles)))


def latest_by_assignment(learner_id: int) -> dict[int, Submission]:
    """The newest version of each assignment the learner sent (one query)."""
    out: dict[int, Submission] = {}
    for sub in db.session.scalars(select(Submission).where(Submission.learner_id == learner_id)
                                  .order_by(Submission.version)):
        out[sub.assignment_id] = sub
    return out


def latest_status_by_assignment(learner_id: int) -> dict[int, str]:
    """The status of the newest version of each assignment the learner sent (one query, no
    submission text read)."""
    return dict(db.session.execute(_latest_status(), {"learner_id": learner_id}).all())


@built_once
def _latest_status():
    return (select(Submission.assignment_id, Submission.status)
            .where(Submission.learner_id == bindparam("learner_id")).order_by(Submission.version))


def graded_for_portfolio(learner_id: int) -> list[dict]:
    """The learner's graded, passed work the portfolio may offer as samples (best first)."""
    from dip.modules.assignments.completion import pass_percent_for_learner

    threshold = pass_percent_for_learner(learner_id)
    rows = db.session.scalars(
        select(Submission).where(Submission.learner_id == learner_id, Submission.status == "graded")
        .order_by(Submission.graded_at.desc()).options(joinedload(Submission.assignment)))
    return [{
        "submission_id": s.id, "assignment_title": s.assignment.title, "text": s.text,
        "file_key": s.file_key, "file_kind": s.file_kind, "file_name": s.file_name,
        "score_percent": s.percent,
    } for s in rows if s.percent is not None and s.percent >= threshold]


def learner_cohort_id(learner_id: int) -> int | None:
    """The cohort a learner is enrolled in."""
    return db.session.scalar(select(LearnerProfile.cohort_id).where(
        LearnerProfile.user_id == learner_id))
