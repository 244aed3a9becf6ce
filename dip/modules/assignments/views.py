"""Assignments, submissions and grading; cohort pages are in ``cohort_views``."""
import math

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import get_locale, gettext as _, lazy_gettext as _l, ngettext
from flask_login import current_user

from dip.core import pages, scope, uploads
from dip.core.access import MANAGERS, STAFF, Role, roles
from dip.core.errors import ServiceError
from dip.core.forms import choices
from dip.core.once import once
from dip.extensions import db
from dip.modules.assignments import cohort_views  # noqa: F401 - registers the cohort pages on bp
from dip.modules.assignments import credential_views  # noqa: F401 - the public check and keys
from dip.modules.assignments import completion, due, preview, services
from dip.modules.accounts.models import User
from dip.modules.assignments.blueprint import bp
from dip.modules.assignments.forms import AssignmentForm, SubmitForm
from dip.modules.programs import services as programs
from dip.queue import enqueue

__all__ = ["bp"]
WORKERS = (Role.LEARNER, Role.TRAINER, Role.COORDINATOR, Role.ADMIN)
pages.nav_link(_l("Assignments"), "assignments.index", WORKERS, order=30, more=MANAGERS)
pages.nav_link(_l("Grading"), "assignments.queue", STAFF, order=35)


def _assignment_or_404(assignment_id: int):
    assignment = services.visible_assignment(current_user, assignment_id)
    if assignment is None:
        abort(404)
    return assignment


@bp.route("/assignments/")
@roles(*WORKERS)
def index():
    """The assignments of the current user's cohorts, with the learner's own progress."""
    cohorts = db.session.scalars(scope.cohort_ids(current_user)).all()
    learner = current_user.role == Role.LEARNER
    latest = services.latest_by_assignment(current_user.id) if learner else {}
    items = services.assignments_for_cohorts(cohorts)
    profile = programs.profile_of(current_user) if learner else None
    return render_template("assignments/index.html", latest=latest, assignments=items,
                           due={a.id: due.due_on(profile, a) for a in items})


@bp.route("/assignments/new", methods=["GET", "POST"])
@roles(*STAFF)
@once
def new():
    """A trainer adds an assignment for one of their cohorts."""
    form = AssignmentForm()
    cohorts = programs.visible_cohorts(current_user)
    form.cohort.choices = choices((c.id, f"{c.site.name} · {c.name}") for c in cohorts)
    if form.validate_on_submit():
        if form.cohort.data not in {c.id for c in cohorts}:
            abort(404)
        try:
            assignment = services.create_assignment(
                form.cohort.data, current_user.id, form.title.data, form.instructions.data,
                form.kind.data, form.due_week.data, form.rubric.data, form.accept.data or [],
                form.required.data)
        except ServiceError as error:
            getattr(form, error.field or "title").errors.append(str(error.message))
        else:
            flash(_("Assignment %(title)s added.", title=assignment.title), "success")
            return redirect(url_for("assignments.detail", assignment_id=assignment.id))
    return render_template("assignments/new.html", form=form)


@bp.route("/assignments/<int:assignment_id>", methods=["GET", "POST"])
@roles(*WORKERS)
@once
def detail(assignment_id: int):
    """An assignment; a learner writes (drafts kept on the server), uploads or links, and resends."""
    assignment = _assignment_or_404(assignment_id)
    learner = current_user.role == Role.LEARNER
    if request.method == "POST" and not learner:
        abort(403)
    form = SubmitForm()
    if assignment.kind != "text":
        form.text.label.text = _("A note for your trainer (optional)")
    if assignment.kind == "file":
        form.file.render_kw = {"accept": ",".join("." + k for k in assignment.accept)}
    kept = None
    if learner and request.method == "GET":
        kept = services.kept_answer(assignment, current_user.id)
        form.text.data, form.link.data = kept["text"], kept["link"]
    if learner and form.validate_on_submit():
        action = request.form.get("action")
        if action == "draft":
            services.save_draft(assignment, current_user.id, form.text.data)
            flash(_("Draft saved. You can close the page and continue later."), "success")
            return redirect(url_for("assignments.detail", assignment_id=assignment.id))
        count = None if action == "anyway" else services.length_to_confirm(assignment,
                                                                            form.text.data)
        if count is not None:
            # Outside the length rule: asked before sending (no JavaScript needed), text kept.
            services.save_draft(assignment, current_user.id, form.text.data)
            form.text.errors.append(length_message(count, assignment))
            return _detail_page(assignment, form, confirm=count)
        upload = request.files.get("file")
        try:
            sub = services.submit(assignment, current_user.id, text=form.text.data,
                                  link=form.link.data,
                                  file=(upload.read(), upload.filename or "") if upload else None)
        except ServiceError as error:
            getattr(form, error.field or "text").errors.append(str(error.message))
            if assignment.kind == "text" and (form.text.data or "").strip():
                services.save_draft(assignment, current_user.id, form.text.data)
        else:
            if sub.checks_status == "queued":
                enqueue("jobs.grading.check_submission", sub.id)
            flash(_("Sent. Your trainer will grade it."), "success")
            return redirect(url_for("assignments.detail", assignment_id=assignment.id))
    return _detail_page(assignment, form, kept_from=kept and kept["sent"])


@bp.app_template_global()
def words_rule(low: int | None, high: int | None) -> str:
    """An answer's length rule in the reader's language: "120–200 words", "at least 50 words"."""
    if low and high:
        return ngettext("%(min)s–%(num)s word", "%(min)s–%(num)s words", high, min=low)
    if low:
        return ngettext("at least %(num)s word", "at least %(num)s words", low)
    if high:
        return ngettext("at most %(num)s word", "at most %(num)s words", high)
    return ""


@bp.app_template_global()
def length_message(count: int, assignment) -> str:
    """"8 words; 120–200 words needed.": an answer's length against its assignment's rule."""
    return _("%(count)s; %(rule)s needed.",
             count=ngettext("%(num)s word", "%(num)s words", count),
             rule=words_rule(assignment.min_words, assignment.max_words))


def _detail_page(assignment, form, confirm: int | None = None, kept_from=None):
    """The assignment page: instructions, rubric, the learner's form and versions.

    ``confirm``: the word count of an answer outside the length rule, to ask "send anyway?";
    ``kept_from``: the version whose text fills the box.
    """
    learner = current_user.role == Role.LEARNER
    mine = services.versions(assignment.id, current_user.id) if learner else []
    shown = assignment.instructions_in(str(get_locale()))
    profile = programs.profile_of(current_user) if learner else None
    return render_template("assignments/detail.html", assignment=assignment, form=form,
                           learner=learner, versions=mine, shown=shown,
                           instructions=services.render_markdown(shown),
                           due=due.due_on(profile, assignment), confirm=confirm,
                           kept_from=kept_from)


@bp.route("/assignments/<int:assignment_id>/draft", methods=["POST"])
@roles(Role.LEARNER)
@once
def autosave(assignment_id: int):
    """Keep the text being typed (posted every 20 s by assignments.js); answers 204."""
    assignment = _assignment_or_404(assignment_id)
    if assignment.kind == "file":
        abort(400)
    services.save_draft(assignment, current_user.id, request.form.get("text", ""))
    return "", 204


@bp.route("/submissions/<int:submission_id>/file")
@roles(*WORKERS)
def download(submission_id: int):
    """The uploaded file of a submission, as a download."""
    sub = services.scoped_submission(current_user, submission_id)
    if sub is None or not sub.file_key:
        abort(404)
    return uploads.send(sub.file_key, sub.file_name or f"submission.{sub.file_kind}", sub.file_kind)


@bp.route("/grading/")
@roles(*STAFF)
def queue():
    """Submissions waiting for a grade in the current user's cohorts, oldest first."""
    return render_template("assignments/queue.html", rows=services.grading_queue(current_user),
                           total=services.queue_count(current_user))


def _points(form, count: int) -> list[int | None]:
    """The points typed for each of ``count`` criteria (None where left blank); ValueError for
    anything that is not a whole number."""
    values = [(form.get(f"points-{i}") or "").strip() for i in range(count)]
    return [int(v) if v else None for v in values]


@bp.route("/grading/<int:submission_id>", methods=["GET", "POST"])
@roles(*STAFF)
@once
def grade(submission_id: int):
    """Grade a submission against its rubric, or return it for revision with a comment.

    "Add up" (``action=total``) shows the total without saving: the page's script does it as
    the trainer types, this does it without JavaScript.
    """
    sub = services.scoped_submission(current_user, submission_id)
    if sub is None:
        abort(404)
    rubric = sub.assignment.rubric
    error = None
    points = list(sub.scores or []) + [None] * (len(rubric) - len(sub.scores or []))
    if request.method == "POST":
        action = request.form.get("action", "grade")
        try:
            points = _points(request.form, len(rubric))
        except ValueError:
            error = _("Write the points as whole numbers.")
        else:
            if action != "total":
                try:
                    services.grade(sub, current_user.id, points, request.form.get("feedback", ""),
                                   returned=action == "return")
                except ServiceError as exc:
                    error = str(exc.message)
                else:
                    flash(_("Returned for revision.") if sub.status == "returned"
                          else _("Grade saved."), "success")
                    return redirect(url_for("assignments.queue"))
    learner = db.session.get(User, sub.learner_id)
    history = [v for v in services.versions(sub.assignment_id, sub.learner_id) if v.id != sub.id]
    pass_percent = completion.pass_percent_for_learner(sub.learner_id)
    total = services.points_total(rubric, points)
    return render_template("assignments/grade.html", sub=sub, learner=learner, error=error,
                           history=history, form_values=request.form, total=total,
                           pass_percent=completion.percent_text(pass_percent),
                           pass_points=math.ceil(total["max"] * pass_percent / 100),
                           previewable=preview.can_preview(sub))


@bp.route("/grading/<int:submission_id>/file")
@roles(*STAFF)
def preview_file(submission_id: int):
    """The submission's Word or Excel file as a page, read without downloading it."""
    sub = services.scoped_submission(current_user, submission_id)  # staff who may see it
    if sub is None or not preview.can_preview(sub):
        abort(404)
    return render_template("assignments/preview.html", sub=sub, shown=preview.preview(sub),
                           learner=db.session.get(User, sub.learner_id))


@pages.home_panel({Role.TRAINER, Role.COORDINATOR}, order=15)
def grading_panel(user):
    """How many submissions wait for a grade."""
    return render_template("assignments/_queue_panel.html", count=services.queue_count(user))


@pages.home_panel({Role.LEARNER}, order=6)
def next_assignment_panel(user):
    """Right under the next lesson: the next assignment with its due day, overdue ones flagged."""
    work = due.learner_work(user)
    if work is None or not work["count"]:
        return None
    return render_template("assignments/_next_panel.html", work=work)


@pages.home_panel({Role.LEARNER}, order=20)
def feedback_panel(user):
    """The learner's latest grades and feedback, and their certificate."""
    from dip.modules.assignments.completion import valid_certificate_ids

    return render_template("assignments/_learner_panel.html",
                           graded=services.recent_feedback(user.id),
                           certificate_ids=valid_certificate_ids(user.id))

