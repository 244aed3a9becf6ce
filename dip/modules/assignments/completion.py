"""Attendance, the gradebook, completion rules and certificates (constant queries per cohort)."""
import secrets
from datetime import date
from decimal import Decimal

from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, bindparam, case, func, or_, select

from dip.core.clock import today, utcnow
from dip.core.errors import ServiceError
from dip.core.memo import built_once
from dip.extensions import db
from dip.modules.accounts.models import User
from dip.modules.assignments.models import (
    ATTENDANCE, Assignment, AttendanceMark, Certificate, ClassSession, CompletionRule, Submission,
)
from dip.modules.programs.models import Cohort, LearnerProfile

DEFAULT_PASS = Decimal("60")
DEFAULT_ATTENDANCE = Decimal("80")
PROGRAM_NAME = "Digital Inclusion Program"


def percent_text(value: Decimal) -> str:
    """80 for Decimal("80.00"), 62.5 for Decimal("62.50"): no trailing zeros, no exponent."""
    return format(Decimal(value).normalize(), "f")


# ---- attendance ----

def take_attendance(cohort_id: int, held_on: date, marks: dict[int, str], taker_id: int) -> ClassSession:
    """Record (or correct) a class's attendance for the whole cohort in one go."""
    if held_on > today():
        raise ServiceError(_l("A class cannot be in the future."), "held_on")
    learners = set(_learner_ids(cohort_id))
    if not marks or set(marks) - learners or set(marks.values()) - set(ATTENDANCE):
        raise ServiceError(_l("Mark every learner present, late, absent or excused."), "marks")
    session = db.session.scalar(select(ClassSession).where(
        ClassSession.cohort_id == cohort_id, ClassSession.held_on == held_on))
    if session is None:
        session = ClassSession(cohort_id=cohort_id, held_on=held_on, taken_by_id=taker_id)
        db.session.add(session)
        db.session.flush()
    existing = {m.learner_id: m for m in db.session.scalars(
        select(AttendanceMark).where(AttendanceMark.session_id == session.id))}
    for learner_id, status in marks.items():
        if learner_id in existing:
            existing[learner_id].status = status
        else:
            db.session.add(AttendanceMark(session_id=session.id, learner_id=learner_id, status=status))
    db.session.commit()
    return session


def sessions_of(cohort_id: int) -> list[ClassSession]:
    """A cohort's classes with attendance taken, newest first."""
    return list(db.session.scalars(select(ClassSession).where(ClassSession.cohort_id == cohort_id)
                                   .order_by(ClassSession.held_on.desc())))


def marks_of(session_id: int) -> dict[int, str]:
    """learner_id -> status for one class."""
    return dict(db.session.execute(select(AttendanceMark.learner_id, AttendanceMark.status)
                                   .where(AttendanceMark.session_id == session_id)).all())


def attendance_rates(cohort_ids) -> dict[int, Decimal | None]:
    """learner_id -> share of classes attended (present or late), excused classes left out.

    None when no class counts yet for that learner. One query.
    """
    attended = func.sum(case((AttendanceMark.status.in_(("present", "late")), 1), else_=0))
    counted = func.sum(case((AttendanceMark.status != "excused", 1), else_=0))
    rows = db.session.execute(
        select(AttendanceMark.learner_id, attended, counted)
        .join(ClassSession, ClassSession.id == AttendanceMark.session_id)
        .join(LearnerProfile, and_(LearnerProfile.user_id == AttendanceMark.learner_id,
                                   LearnerProfile.cohort_id == ClassSession.cohort_id))
        .where(ClassSession.cohort_id.in_(cohort_ids))
        .group_by(AttendanceMark.learner_id))
    return {lid: (Decimal(int(a)) * 100 / Decimal(int(c))).quantize(Decimal("0.1")) if c else None
            for lid, a, c in rows}


# ---- the completion rule ----

def rule_of(cohort_id: int) -> tuple[Decimal, Decimal]:
    """(pass percent, attendance percent) of a cohort."""
    rule = db.session.get(CompletionRule, cohort_id)
    if rule is None:
        return DEFAULT_PASS, DEFAULT_ATTENDANCE
    return Decimal(rule.pass_percent), Decimal(rule.attendance_percent)


def set_rule(cohort_id: int, pass_percent: Decimal, attendance_percent: Decimal, user_id: int) -> None:
    """Change a cohort's completion thresholds (0 to 100 each)."""
    for value, field in ((pass_percent, "pass_percent"), (attendance_percent, "attendance_percent")):
        if value is None or not Decimal(0) <= value <= Decimal(100):
            raise ServiceError(_l("Use a percentage from 0 to 100."), field)
    rule = db.session.get(CompletionRule, cohort_id)
    if rule is None:
        rule = CompletionRule(cohort_id=cohort_id)
        db.session.add(rule)
    rule.pass_percent, rule.attendance_percent = pass_percent, attendance_percent
    rule.updated_by_id, rule.updated_at = user_id, utcnow()
    db.session.commit()


def pass_percent_for_learner(learner_id: int) -> Decimal:
    """The pass mark that applies to a learner (their cohort's rule)."""
    cohort_id = db.session.scalar(select(LearnerProfile.cohort_id).where(
        LearnerProfile.user_id == learner_id))
    return rule_of(cohort_id)[0] if cohort_id else DEFAULT_PASS


def _learner_ids(cohort_id: int) -> list[int]:
    return list(db.session.scalars(select(LearnerProfile.user_id).where(
        LearnerProfile.cohort_id == cohort_id)))


def _best_percents(cohort_ids) -> dict[tuple[int, int], Decimal]:
    """(learner, assignment) -> best graded percentage, for learners of ``cohort_ids``. One query."""
    rows = db.session.execute(
        select(Submission.learner_id, Submission.assignment_id, Submission.score,
               Submission.max_score)
        .join(LearnerProfile, LearnerProfile.user_id == Submission.learner_id)
        .where(LearnerProfile.cohort_id.in_(cohort_ids), Submission.status == "graded",
               Submission.max_score > 0))
    best: dict[tuple[int, int], Decimal] = {}
    for lid, aid, score, max_score in rows:
        pct = Decimal(score) * 100 / Decimal(max_score)
        if pct > best.get((lid, aid), Decimal(-1)):
            best[(lid, aid)] = pct
    return best


class MissingWork(str):
    """A required assignment not passed yet: its English title, and the assignment itself so a
    page can show the title in the reader's language (``assignment.title_in``)."""

    def __new__(cls, assignment: Assignment):
        obj = super().__new__(cls, assignment.title)
        obj.assignment = assignment
        return obj


def _status(required: list[Assignment], learners: list[int], best, rates, rule) -> dict[int, dict]:
    pass_pct, attend_pct = rule
    out = {}
    for lid in learners:
        missing = [MissingWork(a) for a in required
                   if best.get((lid, a.id), Decimal(-1)) < pass_pct]
        rate = rates.get(lid)
        complete = not missing
        if rate is None:
            if attend_pct > 0:
                missing.append(str(_l("Attendance not recorded")))
                complete = False
        elif rate < attend_pct:
            missing.append(str(_l("Attendance %(rate)s%% (needs %(need)s%%)", rate=rate,
                                  need=percent_text(attend_pct))))
            complete = False
        out[lid] = {"complete": complete, "missing": missing, "attendance_rate": rate,
                    "passed": len(required) - sum(1 for a in required
                                                  if best.get((lid, a.id), Decimal(-1)) < pass_pct),
                    "required": len(required)}
    return out


def completion_status(cohort_id: int) -> dict[int, dict]:
    """learner_id -> {complete, missing, attendance_rate, passed, required}; five queries."""
    return _many_status([cohort_id]).get(cohort_id, {})


def _many_status(cohort_ids) -> dict[int, dict[int, dict]]:
    cohort_ids = list(cohort_ids)
    if not cohort_ids:
        return {}
    members: dict[int, list[int]] = {c: [] for c in cohort_ids}
    for lid, cid in db.session.execute(select(LearnerProfile.user_id, LearnerProfile.cohort_id)
                                       .where(LearnerProfile.cohort_id.in_(cohort_ids))):
        members[cid].append(lid)
    rules = {r.cohort_id: (Decimal(r.pass_percent), Decimal(r.attendance_percent))
             for r in db.session.scalars(select(CompletionRule).where(
                 CompletionRule.cohort_id.in_(cohort_ids)))}
    required = list(db.session.scalars(select(Assignment).where(
        Assignment.active, Assignment.required,
        or_(Assignment.cohort_id.is_(None), Assignment.cohort_id.in_(cohort_ids)))))
    best, rates = _best_percents(cohort_ids), attendance_rates(cohort_ids)
    return {cid: _status([a for a in required if a.cohort_id in (None, cid)], lids, best, rates,
                         rules.get(cid, (DEFAULT_PASS, DEFAULT_ATTENDANCE)))
            for cid, lids in members.items()}


def standing(cohort: Cohort) -> dict[int, dict]:
    """learner_id -> the completion status plus what a trainer acts on, on the learner's own
    dates (``programs.plans``): ``overdue`` (required work not passed whose due day is over),
    ``not_due`` (how many are not due yet: week-22 work in week 6 is not missing), ``to_grade``
    (sent and waiting for a grade). Constant queries."""
    from dip.modules.programs import plans

    status = completion_status(cohort.id)
    profiles = {p.user_id: p for p in db.session.scalars(select(LearnerProfile).where(
        LearnerProfile.cohort_id == cohort.id))}
    waiting = set(db.session.execute(
        select(Submission.learner_id, Submission.assignment_id)
        .join(LearnerProfile, LearnerProfile.user_id == Submission.learner_id)
        .where(LearnerProfile.cohort_id == cohort.id, Submission.status == "submitted")).all())
    now = today()
    out = {}
    for lid, s in status.items():
        profile = profiles[lid]
        end = plans.plan_end(profile)
        overdue, not_due, to_grade = [], 0, 0
        for work in s["missing"]:
            assignment = getattr(work, "assignment", None)
            if assignment is None:
                continue  # the attendance line: shown in its own column
            if (lid, assignment.id) in waiting:
                to_grade += 1
                continue
            due_on = plans.due_date(profile, assignment.due_week) if assignment.due_week else end
            if due_on < now:
                overdue.append(work)
            else:
                not_due += 1
        attendance_short = len(s["missing"]) > s["required"] - s["passed"]
        out[lid] = {**s, "overdue": overdue, "not_due": not_due, "to_grade": to_grade,
                    "attendance_short": attendance_short, "ended": now > end}
    return out


def completed_learner_ids(cohort_ids) -> set[int]:
    """Learners of ``cohort_ids`` who meet their cohort's completion rule (constant queries)."""
    return {lid for statuses in _many_status(cohort_ids).values()
            for lid, s in statuses.items() if s["complete"]}


# ---- the gradebook ----

def gradebook(cohort: Cohort) -> dict:
    """Learners × assignments of a cohort: the latest version's state and percentage. Four queries."""
    learners = list(db.session.execute(
        select(User.id, User.display_name).join(LearnerProfile, LearnerProfile.user_id == User.id)
        .where(LearnerProfile.cohort_id == cohort.id).order_by(User.display_name)).all())
    assignments = list(db.session.scalars(select(Assignment).where(
        Assignment.active, or_(Assignment.cohort_id.is_(None), Assignment.cohort_id == cohort.id))
        .order_by(Assignment.due_week.is_(None), Assignment.due_week, Assignment.title)))
    cells: dict[tuple[int, int], dict] = {}
    rows = db.session.execute(
        select(Submission.learner_id, Submission.assignment_id, Submission.status,
               Submission.score, Submission.max_score, Submission.version)
        .join(LearnerProfile, LearnerProfile.user_id == Submission.learner_id)
        .where(LearnerProfile.cohort_id == cohort.id).order_by(Submission.version))
    for lid, aid, status, score, max_score, _v in rows:
        pct = (Decimal(score) * 100 / Decimal(max_score)).quantize(Decimal("1")) \
            if score is not None and max_score else None
        cells[(lid, aid)] = {"status": status, "percent": pct}
    rates = attendance_rates([cohort.id])
    return {"learners": learners, "assignments": assignments, "cells": cells, "rates": rates}


# ---- certificates ----

def issue_certificate(cohort: Cohort, learner_id: int, issuer_id: int) -> Certificate:
    """Issue a certificate to a learner who meets the rule (at most one valid per cohort)."""
    status = completion_status(cohort.id).get(learner_id)
    if status is None:
        raise ServiceError(_l("This learner is not in the cohort."))
    if not status["complete"]:
        raise ServiceError(_l("This learner has not completed yet."))
    existing = db.session.scalar(select(Certificate).where(
        Certificate.learner_id == learner_id, Certificate.cohort_id == cohort.id,
        Certificate.revoked_at.is_(None)))
    if existing is not None:
        return existing
    learner = db.session.get(User, learner_id)
    cert = Certificate(code=secrets.token_urlsafe(12), learner_id=learner_id, cohort_id=cohort.id,
                       shown_name=learner.display_name, program=PROGRAM_NAME, issued_on=today(),
                       issued_by_id=issuer_id)
    db.session.add(cert)
    db.session.commit()
    return cert


def revoke_certificate(cert: Certificate, reason: str) -> None:
    """Mark a certificate revoked; its verification page then says so."""
    if cert.revoked_at is None:
        cert.revoked_at, cert.revoked_reason = utcnow(), (reason or "").strip()[:200] or None
        db.session.commit()


def set_shown_name(cert: Certificate, name: str) -> None:
    """The learner chooses how their name appears on the certificate and its public check."""
    name = " ".join((name or "").split())
    if not 2 <= len(name) <= 80:
        raise ServiceError(_l("Write the name as you want it shown (2 to 80 characters)."), "name")
    if name != cert.shown_name:
        cert.shown_name = name
        cert.credential = None  # signed again, with this name, the next time it is asked for
    db.session.commit()


def certificates_of_cohort(cohort_id: int) -> dict[int, Certificate]:
    """learner_id -> their latest certificate in a cohort."""
    out = {}
    for cert in db.session.scalars(select(Certificate).where(Certificate.cohort_id == cohort_id)
                                   .order_by(Certificate.id)):
        out[cert.learner_id] = cert
    return out


def certificate_by_code(code: str) -> tuple[Certificate, Cohort] | None:
    """The certificate with public code ``code`` and its cohort."""
    row = db.session.execute(select(Certificate, Cohort).join(Cohort, Cohort.id == Certificate.cohort_id)
                             .where(Certificate.code == code)).first()
    return tuple(row) if row else None


def valid_certificate_ids(learner_id: int) -> list[int]:
    """The ids of a learner's certificates that are not revoked, newest first (their home)."""
    return list(db.session.scalars(_valid_ids(), {"learner_id": learner_id}))


@built_once
def _valid_ids():
    return (select(Certificate.id).where(Certificate.learner_id == bindparam("learner_id"),
                                         Certificate.revoked_at.is_(None))
            .order_by(Certificate.id.desc()))


def certified_learner_ids(cohort_ids) -> set[int]:
    """Learners of ``cohort_ids`` holding a valid (not revoked) certificate of that cohort.

    The contract the outcome indicators read ("Certified"); one query.
    """
    return set(db.session.scalars(select(Certificate.learner_id).distinct().where(
        Certificate.cohort_id.in_(list(cohort_ids)), Certificate.revoked_at.is_(None))))
