"""Assignments: curriculum sync, trainers' own assignments, drafts, submissions and grading.

Attendance, completion and certificates live in ``completion.py``; their public functions
are re-exported here for the features that read them (outcomes, portfolio).
"""
import logging
import re
from pathlib import Path

import markdown
import nh3
import yaml
from flask_babel import lazy_gettext as _l
from markupsafe import Markup
from sqlalchemy import func, or_, select
from sqlalchemy.orm import joinedload

from dip.core import scope, uploads
from dip.core.clock import utcnow
from dip.core.errors import ServiceError
from dip.extensions import db
from dip.modules.curriculum.content import front_matter
from dip.modules.assignments.checks import check_text
from dip.modules.assignments.models import FILE_KINDS, KINDS, Assignment, Draft, Submission
from dip.modules.assignments.completion import (  # noqa: F401 - the contract other features import
    completed_learner_ids, completion_status,
)
from dip.modules.programs.models import LearnerProfile

log = logging.getLogger("dip.assignments")
KNOWN_CHECKS = frozenset({
    "docx_headings", "docx_list", "docx_table", "word_count", "xlsx_formulas", "xlsx_no_errors",
    "xlsx_header_row", "scrape_matches_practice",
})
KEY_RE = re.compile(r"^[a-z0-9][a-z0-9-]{1,78}$")
MAX_TEXT = 50_000


# ---- curriculum assignments ----

def _parse(path: Path) -> dict:
    """Read one assignment file; raise ValueError with the reason when it is malformed."""
    meta, body = front_matter(path.read_text(encoding="utf-8"))
    key = meta.get("key")
    if not isinstance(key, str) or not KEY_RE.match(key):
        raise ValueError("key missing or not lower-case-with-dashes")
    titles = meta.get("title")
    if isinstance(titles, str):
        titles = {"en": titles}
    if not isinstance(titles, dict) or not isinstance(titles.get("en"), str) or not titles["en"].strip():
        raise ValueError("title.en missing")
    kind = meta.get("kind")
    if kind not in KINDS:
        raise ValueError(f"kind must be one of {', '.join(KINDS)}")
    accept = meta.get("accept") or []
    if kind == "file" and (not isinstance(accept, list) or not accept
                           or not set(accept) <= set(FILE_KINDS)):
        raise ValueError(f"accept must list some of {', '.join(FILE_KINDS)}")
    due = meta.get("due_week")
    if due is not None and (not isinstance(due, int) or isinstance(due, bool) or not 1 <= due <= 26):
        raise ValueError("due_week must be a week from 1 to 26")
    checks = meta.get("checks") or []
    if not isinstance(checks, list) or not set(checks) <= KNOWN_CHECKS:
        raise ValueError(f"unknown check in {checks!r}")
    rubric = _rubric(meta.get("rubric"))
    return {
        "key": key, "title": titles["en"].strip()[:200],
        "titles": {k: str(v).strip() for k, v in titles.items() if v},
        "kind": kind, "accept": list(accept) if kind == "file" else [], "due_week": due,
        "required": bool(meta.get("required", True)), "checks": list(checks), "rubric": rubric,
        "instructions": body.strip(),
    }


def _rubric(rubric) -> list[dict]:
    if not isinstance(rubric, list) or not rubric:
        raise ValueError("rubric must list criteria with points")
    out = []
    for item in rubric:
        if not isinstance(item, dict) or not str(item.get("criterion") or "").strip():
            raise ValueError("each rubric item needs a criterion")
        points = item.get("points")
        if not isinstance(points, int) or isinstance(points, bool) or not 1 <= points <= 100:
            raise ValueError("each rubric item needs whole points from 1 to 100")
        out.append({"criterion": str(item["criterion"]).strip(), "points": points})
    return out


def parse_translation(path: Path, english: dict) -> dict:
    """Read ``<key>.<lang>.md``: ``rubric:`` (plain strings, as many as the English) and the
    instructions; raise ValueError with the reason when it does not match the English."""
    meta, body = front_matter(path.read_text(encoding="utf-8"))
    rubric = meta.get("rubric")
    if set(meta) - {"rubric"}:
        raise ValueError("a translation's front matter holds only rubric")
    if not isinstance(rubric, list) or not all(isinstance(c, str) and c.strip() for c in rubric):
        raise ValueError("rubric must be a list of the translated criteria as plain strings")
    if len(rubric) != len(english["rubric"]):
        raise ValueError(f"rubric has {len(rubric)} criteria, the English has "
                         f"{len(english['rubric'])}")
    if not body.strip():
        raise ValueError("the instructions are missing")
    return {"instructions": body.strip(), "rubric": [c.strip() for c in rubric]}


def sync_assignments(content_root: Path) -> list[tuple[str, str]]:
    """Upsert every ``<module>/assignments/<key>.md`` under ``content_root`` by key, with its
    translations ``<key>.<lang>.md``.

    Returns ``(path, reason)`` for each malformed file (and duplicate keys); the good files
    are saved either way. Running it twice changes nothing.
    """
    from dip.modules.curriculum.content import LANGS, lesson_lang

    problems: list[tuple[str, str]] = []
    parsed: dict[str, dict] = {}
    by_file: dict[Path, dict] = {}
    paths = sorted(Path(content_root).glob("*/assignments/*.md"))
    for path in (p for p in paths if lesson_lang(p) == "en"):
        try:
            data = _parse(path)
        except (ValueError, UnicodeDecodeError) as exc:
            problems.append((str(path), str(exc)))
            continue
        if data["key"] in parsed:
            problems.append((str(path), f"duplicate key {data['key']}"))
            continue
        data["module_key"] = path.parent.parent.name
        data["texts"] = {}
        parsed[data["key"]] = by_file[path] = data
    for path in (p for p in paths if lesson_lang(p) != "en"):
        lang, english = lesson_lang(path), by_file.get(path.with_name(path.name.split(".")[0] + ".md"))
        try:
            if lang not in LANGS or lang == "en":
                raise ValueError(f"unknown language '{lang}'")
            if english is None:
                raise ValueError("a translation without a loaded English file")
            english["texts"][lang] = parse_translation(path, english)
        except (ValueError, UnicodeDecodeError) as exc:
            problems.append((str(path), str(exc)))
    existing = {a.key: a for a in db.session.scalars(
        select(Assignment).where(Assignment.key.in_(list(parsed))))} if parsed else {}
    for key, data in parsed.items():
        assignment = existing.get(key)
        if assignment is None:
            assignment = Assignment(key=key)
            db.session.add(assignment)
        for field, value in data.items():
            if getattr(assignment, field) != value:
                setattr(assignment, field, value)
        assignment.active = True
    db.session.commit()
    return problems


def render_markdown(text: str) -> Markup:
    """Instructions as safe HTML (Markdown, then cleaned of anything active)."""
    html = markdown.markdown(text or "", extensions=["tables", "sane_lists"])
    return Markup(nh3.clean(html))


# ---- which assignments a user sees ----

def assignments_for_cohorts(cohort_ids) -> list[Assignment]:
    """Curriculum assignments plus those trainers added for any of ``cohort_ids``."""
    return list(db.session.scalars(
        select(Assignment).where(Assignment.active, or_(
            Assignment.cohort_id.is_(None), Assignment.cohort_id.in_(cohort_ids)))
        .order_by(Assignment.due_week.is_(None), Assignment.due_week, Assignment.title)))


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
        required=required, checks=_default_checks(accept) if kind == "file" else [])
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
            sub.checks, sub.checks_status = check_text(sub.text, assignment.checks), "done"
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


def grade(submission: Submission, trainer_id: int, points: list[int], feedback: str,
          returned: bool) -> Submission:
    """Record points per rubric criterion and feedback, or return the work for revision."""
    rubric = submission.assignment.rubric
    if len(points) != len(rubric):
        raise ServiceError(_l("Give points for every criterion."), "points")
    for value, item in zip(points, rubric):
        if not 0 <= value <= int(item["points"]):
            raise ServiceError(_l("Points for “%(criterion)s” must be from 0 to %(max)s.",
                                  criterion=item["criterion"], max=item["points"]), "points")
    feedback = (feedback or "").strip()
    if returned and not feedback:
        raise ServiceError(_l("Say what to change when you return work for revision."), "feedback")
    submission.scores = list(points)
    submission.score, submission.max_score = sum(points), submission.assignment.max_points
    submission.feedback = feedback[:MAX_TEXT] or None
    submission.graded_by_id, submission.graded_at = trainer_id, utcnow()
    submission.status = "returned" if returned else "graded"
    db.session.commit()
    return submission


def recent_feedback(learner_id: int, limit: int = 5) -> list[Submission]:
    """A learner's latest graded or returned work, for their home page."""
    return list(db.session.scalars(
        select(Submission).where(Submission.learner_id == learner_id,
                                 Submission.status.in_(("graded", "returned")))
        .order_by(Submission.graded_at.desc()).limit(limit)
        .options(joinedload(Submission.assignment))))


def latest_by_assignment(learner_id: int) -> dict[int, Submission]:
    """The newest version of each assignment the learner sent (one query)."""
    out: dict[int, Submission] = {}
    for sub in db.session.scalars(select(Submission).where(Submission.learner_id == learner_id)
                                  .order_by(Submission.version)):
        out[sub.assignment_id] = sub
    return out


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
