"""A cohort's gradebook, attendance, completion and certificates (the public check is in
``credential_views``)."""
import csv
import io
from datetime import date

from flask import Response, abort, flash, redirect, render_template, request, send_file, url_for
from flask_babel import format_date, get_locale, gettext as _, lazy_gettext as _l
from flask_login import current_user

from dip.core import pages, scope
from dip.core.access import MANAGERS, STAFF, Role, roles
from dip.core.clock import today
from dip.core.errors import ServiceError
from dip.core.once import once
from dip.extensions import db
from dip.modules.assignments import completion, credentials
from dip.modules.assignments.blueprint import bp
from dip.modules.assignments.credential_views import base_url, credential_or_none, qr_svg
from dip.modules.assignments.forms import NameForm, RevokeForm, RuleForm, SessionDateForm
from dip.modules.assignments.models import ATTENDANCE, Certificate
from dip.modules.programs import services as programs
from dip.modules.programs.models import Cohort

pages.cohort_link(_l("Gradebook"), "assignments.gradebook", STAFF, order=30)
pages.cohort_link(_l("Attendance"), "assignments.attendance", STAFF, order=31)
pages.cohort_link(_l("Completion and certificates"), "assignments.completion_page", STAFF,
                  order=32)
ATTENDANCE_LABELS = {"present": _l("Present"), "late": _l("Late"), "absent": _l("Absent"),
                     "excused": _l("Excused")}


def _cohort(cohort_id: int) -> Cohort:
    cohort = db.session.get(Cohort, cohort_id)
    if cohort is None or not scope.may_see_cohort(current_user, cohort_id):
        abort(404)
    return cohort


# ---- gradebook ----

@bp.route("/cohorts/<int:cohort_id>/gradebook")
@roles(*STAFF)
def gradebook(cohort_id: int):
    """Learners × assignments: the latest version's grade or state."""
    cohort = _cohort(cohort_id)
    return render_template("assignments/gradebook.html", cohort=cohort,
                           book=completion.gradebook(cohort))


def _table(cohort: Cohort) -> list[list]:
    book = completion.gradebook(cohort)
    header = [_("Learner")] + [a.title for a in book["assignments"]] + [_("Attendance %")]
    rows = [header]
    for lid, name in book["learners"]:
        row = [name]
        for a in book["assignments"]:
            cell = book["cells"].get((lid, a.id))
            row.append("" if cell is None else cell["percent"] if cell["percent"] is not None
                       else _status_word(cell["status"]))
        rate = book["rates"].get(lid)
        rows.append(row + ["" if rate is None else rate])
    return rows


def _status_word(status: str) -> str:
    return {"submitted": _("to grade"), "returned": _("returned"),
            "superseded": _("to grade")}.get(status, status)


def _safe(value):
    """Keep a spreadsheet from running a learner's text as a formula (CSV injection)."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


@bp.route("/cohorts/<int:cohort_id>/gradebook.csv")
@roles(*STAFF)
def gradebook_csv(cohort_id: int):
    """The gradebook as CSV (UTF-8 with a byte-order mark, so Excel reads names correctly)."""
    cohort = _cohort(cohort_id)
    out = io.StringIO()
    writer = csv.writer(out)
    for row in _table(cohort):
        writer.writerow([_safe(v) for v in row])
    return Response("\ufeff" + out.getvalue(), mimetype="text/csv", headers={
        "Content-Disposition": f"attachment; filename=gradebook-{cohort.id}.csv"})


@bp.route("/cohorts/<int:cohort_id>/gradebook.xlsx")
@roles(*STAFF)
def gradebook_xlsx(cohort_id: int):
    """The gradebook as an Excel workbook."""
    import openpyxl

    cohort = _cohort(cohort_id)
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Gradebook"
    for row in _table(cohort):
        sheet.append([_safe(v) if isinstance(v, str) else float(v) if v != "" and not isinstance(
            v, (int, float)) else v for v in row])
    data = io.BytesIO()
    book.save(data)
    data.seek(0)
    return send_file(data, as_attachment=True, download_name=f"gradebook-{cohort.id}.xlsx",
                     mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")


# ---- attendance ----

@bp.route("/cohorts/<int:cohort_id>/attendance", methods=["GET", "POST"])
@roles(*STAFF)
@once
def attendance(cohort_id: int):
    """Take a class's attendance in one form; see each learner's rate."""
    cohort = _cohort(cohort_id)
    learners = programs.learners_of(cohort)
    form = SessionDateForm(data={"held_on": _day(request.args.get("on")) or today()})
    error = None
    if form.validate_on_submit():
        day = form.held_on.data
        if request.form.get("action") == "open":
            # The one date field also chooses which class to open: no second form needed.
            return redirect(url_for("assignments.attendance", cohort_id=cohort.id,
                                    on=day.isoformat()))
        marks = {l.id: request.form.get(f"mark-{l.id}", "") for l in learners}
        try:
            completion.take_attendance(cohort.id, day, marks, current_user.id)
        except ServiceError as exc:
            error = str(exc.message)
        else:
            flash(_("Attendance saved for %(day)s.", day=format_date(day, "medium")), "success")
            return redirect(url_for("assignments.attendance", cohort_id=cohort.id,
                                    on=day.isoformat()))
    sessions = completion.sessions_of(cohort.id)
    day = form.held_on.data
    current = next((s for s in sessions if s.held_on == day), None)
    marks = completion.marks_of(current.id) if current else {}
    if request.method == "POST":
        marks = {l.id: request.form.get(f"mark-{l.id}", "") for l in learners}
    return render_template("assignments/attendance.html", cohort=cohort, learners=learners,
                           form=form, marks=marks, sessions=sessions[:12], error=error,
                           rates=completion.attendance_rates([cohort.id]),
                           statuses=ATTENDANCE, labels=ATTENDANCE_LABELS)


def _day(value: str | None) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None


# ---- completion and certificates ----

@bp.route("/cohorts/<int:cohort_id>/completion", methods=["GET", "POST"])
@roles(*STAFF)
@once
def completion_page(cohort_id: int):
    """Each learner's completion status and what is missing; coordinators set the rule."""
    cohort = _cohort(cohort_id)
    pass_pct, attend_pct = completion.rule_of(cohort.id)
    form = RuleForm(data={"pass_percent": pass_pct, "attendance_percent": attend_pct})
    if request.method == "POST":
        if current_user.role not in MANAGERS:
            abort(403)
        if form.validate_on_submit():
            completion.set_rule(cohort.id, form.pass_percent.data, form.attendance_percent.data,
                                current_user.id)
            flash(_("Completion rule saved."), "success")
            return redirect(url_for("assignments.completion_page", cohort_id=cohort.id))
    return render_template(
        "assignments/completion.html", cohort=cohort, form=form,
        pass_pct=completion.percent_text(pass_pct), attend_pct=completion.percent_text(attend_pct),
        status=completion.standing(cohort), attend_need=attend_pct,
        learners=programs.learners_of(cohort, include_inactive=True),
        certificates=completion.certificates_of_cohort(cohort.id),
        manager=current_user.role in MANAGERS)


@bp.route("/cohorts/<int:cohort_id>/certificates/<int:learner_id>", methods=["POST"])
@roles(*MANAGERS)
@once
def issue(cohort_id: int, learner_id: int):
    """Issue a certificate to a learner who completed."""
    cohort = _cohort(cohort_id)
    try:
        cert = completion.issue_certificate(cohort, learner_id, current_user.id)
    except ServiceError as exc:
        flash(str(exc.message), "error")
        return redirect(url_for("assignments.completion_page", cohort_id=cohort.id))
    credential_or_none(cert)  # signed now, with the completion rule as it is today
    flash(_("Certificate issued."), "success")
    return redirect(url_for("assignments.certificate", certificate_id=cert.id))


def _certificate(certificate_id: int) -> Certificate:
    cert = db.session.get(Certificate, certificate_id)
    if cert is None or not scope.may_see_learner(current_user, cert.learner_id):
        abort(404)
    return cert


@bp.route("/certificates/<int:certificate_id>", methods=["GET", "POST"])
@roles(Role.LEARNER, *STAFF)
@once
def certificate(certificate_id: int):
    """The printable A4 certificate (QR code and fingerprint of its signed credential); its
    learner chooses the name shown and downloads the credential."""
    cert = _certificate(certificate_id)
    form = NameForm(data={"name": cert.shown_name})
    mine = current_user.id == cert.learner_id
    if request.method == "POST":
        if not mine:
            abort(403)
        if form.validate_on_submit():
            try:
                completion.set_shown_name(cert, form.name.data)
            except ServiceError as exc:
                form.name.errors.append(str(exc.message))
            else:
                flash(_("The name on your certificate is saved."), "success")
                return redirect(url_for("assignments.certificate", certificate_id=cert.id))
    verify_url = f"{base_url()}{url_for('assignments.verify', code=cert.code)}"
    token = credential_or_none(cert)
    modules = credentials.programme_modules(str(get_locale()))
    return render_template("assignments/certificate.html", cert=cert, form=form, mine=mine,
                           revoke=RevokeForm() if current_user.role in MANAGERS else None,
                           verify_url=verify_url, qr=qr_svg(verify_url), modules=modules,
                           hours=sum(m["hours"] for m in modules),
                           fingerprint=credentials.fingerprint(token) if token else None)


@bp.route("/certificates/<int:certificate_id>/revoke", methods=["POST"])
@roles(*MANAGERS)
@once
def revoke(certificate_id: int):
    """Revoke a certificate (its public check then says so)."""
    cert = _certificate(certificate_id)
    form = RevokeForm()
    completion.revoke_certificate(cert, form.reason.data or "")
    flash(_("Certificate revoked."), "success")
    return redirect(url_for("assignments.certificate", certificate_id=cert.id))
