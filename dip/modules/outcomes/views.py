"""Outcomes: dashboards, definitions, the lists behind the numbers, exports, surveys, audit log."""
from flask import (
    Blueprint, abort, current_app, flash, redirect, render_template, request, url_for,
)
from babel import Locale
from flask_babel import format_currency, get_locale, gettext as _, lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import select

from dip.core import pages, scope, uploads
from dip.core.access import Role, roles
from dip.core.clock import today
from dip.core.errors import ServiceError
from dip.core.once import once
from dip.core.web import row_id, row_id_or_none
from dip.extensions import db
from dip.modules.accounts.models import User
from dip.modules.outcomes import definitions as defs, indicators as ind, published, services
from dip.modules.outcomes.chart import line_chart
from dip.modules.outcomes.exports import label_of
from dip.modules.outcomes.forms import KIND_TITLES, QUESTIONS, SurveyForm
from dip.modules.outcomes.models import SURVEY_KINDS, ReportRun
from dip.modules.outcomes.periods import BadPeriod, months_label, published as published_periods
from dip.modules.programs import services as programs
from dip.modules.programs.models import Cohort, LearnerProfile

bp = Blueprint("outcomes", __name__, url_prefix="/outcomes")
VIEWERS = (Role.REVIEWER, Role.COORDINATOR, Role.ADMIN)
LISTERS = (Role.COORDINATOR, Role.ADMIN)  # never reviewers: they get aggregates only
ASSISTERS = (Role.TRAINER, Role.COORDINATOR, Role.ADMIN)
GENDERS = {"female": _l("Women"), "male": _l("Men"), "other": _l("Other")}
LIST_PAGE = 50
pages.nav_link(_l("Outcomes"), "outcomes.dashboard", VIEWERS, order=60)
pages.cohort_link(_l("Surveys"), "outcomes.cohort_surveys", ASSISTERS, order=60)


class BadRequest(Exception):
    """A period or date the reader must correct (answered with 400 and the reason)."""


@bp.errorhandler(BadRequest)
def bad_request(error):
    """Say plainly what is wrong with the period or date asked for."""
    return render_template("outcomes/bad_request.html", message=error.args[0]), 400


def _scope_ids(form) -> tuple[int | None, int | None]:
    value = form.get("scope", "")
    kind, number = value[:1], row_id_or_none(value[1:])
    if kind == "s" and number:
        return number, None
    if kind == "c" and number:
        return None, number
    return None, None


def _choose(form):
    """The scope and period (or window) in ``form``; 404 out of scope, 400 for a bad date."""
    site_id, cohort_id = _scope_ids(form)
    try:
        return services.choose(current_user, site_id=site_id, cohort_id=cohort_id,
                               start=form.get("start"), end=form.get("end"),
                               period=form.get("period"))
    except services.OutOfScope:
        abort(404)
    except BadPeriod as error:
        raise BadRequest(str(error.message)) from None


def _choice():
    """The scope and period chosen in the query string (``scope=s<id>|c<id>``)."""
    return _choose(request.args)


def _args(choice) -> dict:
    return choice.args()


def _threshold() -> int:
    return current_app.config["SUPPRESSION_THRESHOLD"]


def _group_label(dimension: str, value):
    """A group's name; an age band never breaks inside (word joiners around its dash)."""
    if value is None:
        return _("Not recorded")
    if dimension == "gender":
        return str(GENDERS.get(value, value))
    if dimension == "country":
        return Locale.parse(str(get_locale())).territories.get(value, value)
    return value.replace("-", "\u2060–\u2060")


@bp.route("/")
@roles(*VIEWERS)
def dashboard():
    """Headline indicators beside a comparison, income by month, and the disaggregations."""
    choice = _choice()
    reviewer = services.is_reviewer(current_user)
    if reviewer:
        services.audit(current_user, "dashboard", choice.describe())
    threshold = _threshold()
    report, series = services.figures(current_user, choice, threshold)
    compared = services.comparison(current_user, choice)
    other = None
    if compared:
        other = services.figures(current_user, compared[1], threshold, disaggregate=False)[0]
    sites = programs.visible_sites(current_user)
    site = choice.site or (sites[0] if len(sites) == 1 else None)
    cohorts = [] if reviewer or not site else list(db.session.scalars(
        select(Cohort).where(Cohort.site_id == site.id).order_by(Cohort.start_date.desc())))
    periods = published_periods(today(), published.first_exit(choice.site_ids))
    return render_template(
        "outcomes/dashboard.html", choice=choice, args=_args(choice), report=report,
        compared=compared, other=other, series=series, chart=line_chart(series), sites=sites,
        cohorts=cohorts, periods=periods, threshold=threshold, keys=ind.KEYS, labels=ind.LABELS,
        dimensions=ind.DIMENSIONS, group_label=_group_label, months_label=months_label,
        usd=lambda v: format_currency(v, "USD"), may_list=current_user.role in LISTERS,
        reviewer=reviewer)


@bp.route("/definitions")
@roles(*VIEWERS, Role.TRAINER)
def definitions():
    """What each figure means, exactly as it is computed."""
    return render_template("outcomes/definitions.html", keys=ind.KEYS, labels=ind.LABELS,
                           defs=defs, threshold=_threshold())


@bp.route("/learners/<key>")
@roles(*LISTERS)
def learners(key: str):
    """The learners behind one figure: the coordinator's own learners only, a page at a time."""
    if key not in ind.KEYS:
        abort(404)
    choice = _choice()
    facts = services.facts(current_user, choice)
    counted = {f.learner_id: ind.counted(key, f) for f in facts}
    ids = [i for i, (in_den, _n) in counted.items() if in_den]
    rows = db.session.execute(
        select(User.id, User.display_name, LearnerProfile.code, Cohort.name)
        .join(LearnerProfile, LearnerProfile.user_id == User.id)
        .join(Cohort, Cohort.id == LearnerProfile.cohort_id)
        .where(User.id.in_(scope.learner_ids(current_user)), User.id.in_(ids))
        .order_by(Cohort.name, User.display_name)).all()
    page = request.args.get("page", 1, type=row_id)
    shown = rows[(page - 1) * LIST_PAGE: page * LIST_PAGE]
    services.audit(current_user, "list", f"{key}: {choice.describe()}")
    return render_template("outcomes/learners.html", key=key, label=ind.LABELS[key], rows=shown,
                           counted=counted, total=len(rows), page=page,
                           pages=max(1, -(-len(rows) // LIST_PAGE)), args=_args(choice),
                           choice=choice)


# ---- exports ----

@bp.route("/exports/", methods=["GET", "POST"])
@roles(*VIEWERS)
@once
def exports():
    """The current user's exports; POST asks for a new one (built by a background job)."""
    if request.method == "POST":
        choice = _choose(request.form)
        run = ReportRun(requested_by_id=current_user.id, site_id=choice.where.site_id,
                        cohort_id=choice.where.cohort_id,
                        window_start=choice.window.start, window_end=choice.window.end,
                        threshold=_threshold())
        db.session.add(run)
        db.session.commit()
        if services.is_reviewer(current_user):
            services.audit(current_user, "export", f"#{run.id} {choice.describe()}")
        from dip.queue import enqueue

        enqueue("jobs.reports.build_report", run.id)
        flash(_("The export is being made."), "success")
        return redirect(url_for("outcomes.export", run_id=run.id))
    runs = db.session.scalars(select(ReportRun).where(ReportRun.requested_by_id == current_user.id)
                              .order_by(ReportRun.id.desc()).limit(20)).all()
    return render_template("outcomes/exports.html", runs=runs, label_of=label_of)


def _own_run(run_id: int) -> ReportRun:
    run = db.session.get(ReportRun, run_id)
    if run is None or (run.requested_by_id != current_user.id and current_user.role != Role.ADMIN):
        abort(404)
    return run


@bp.route("/exports/<int:run_id>")
@roles(*VIEWERS)
def export(run_id: int):
    """An export's status; the page refreshes itself while the job runs."""
    run = _own_run(run_id)
    return render_template("outcomes/export.html", run=run, label=label_of(run))


@bp.route("/exports/<int:run_id>/<fmt>")
@roles(*VIEWERS)
def download(run_id: int, fmt: str):
    """Download a finished export (aggregates only) as CSV or XLSX."""
    run = _own_run(run_id)
    key = {"csv": run.csv_key, "xlsx": run.xlsx_key}.get(fmt)
    if run.status != "done" or not key:
        abort(404)
    if services.is_reviewer(current_user):
        services.audit(current_user, "download", f"#{run.id} {fmt}")
    period = services.period_of(run.window_start, run.window_end)
    span = period.code if period else f"{run.window_start}-{run.window_end}"
    return uploads.send(key, f"dip-outcomes-{span}.{fmt}", fmt)


@bp.route("/audit")
@roles(Role.ADMIN)
def audit():
    """Who looked at or exported outcomes, newest first."""
    page, names = services.audit_page(request.args.get("page", 1, type=row_id))
    return render_template("outcomes/audit.html", page=page, names=names)


# ---- surveys ----

def _survey(learner_id: int, kind: str, assisted: bool, cancel_url: str):
    if kind not in SURVEY_KINDS:
        abort(404)
    existing = services.survey_of(learner_id, kind)
    form = SurveyForm()
    if request.method == "GET" and existing is not None:
        form.fill_from(existing)
    if form.validate_on_submit():
        try:
            services.save_survey(learner_id, kind, form.answers(),
                                 assisted_by_id=current_user.id if assisted else None)
        except ServiceError as error:
            getattr(form, error.field or "daily_use").errors.append(str(error.message))
        else:
            flash(_("Thank you: the answers are saved."), "success")
            return None
    return render_template("outcomes/survey.html", form=form, title=KIND_TITLES[kind],
                           questions=QUESTIONS, existing=existing, cancel_url=cancel_url)


@bp.route("/survey/<kind>", methods=["GET", "POST"])
@roles(Role.LEARNER)
@once
def survey(kind: str):
    """A learner fills (or corrects) their own survey."""
    page = _survey(current_user.id, kind, assisted=False, cancel_url=url_for("home.index"))
    return page or redirect(url_for("home.index"))


@bp.route("/learners/<int:learner_id>/survey/<kind>", methods=["GET", "POST"])
@roles(*ASSISTERS)
@once
def assist(learner_id: int, kind: str):
    """A trainer fills a survey on a learner's behalf (recorded as assisted)."""
    profile = db.session.get(LearnerProfile, learner_id)
    if profile is None or not scope.may_see_learner(current_user, learner_id):
        abort(404)
    back = url_for("outcomes.cohort_surveys", cohort_id=profile.cohort_id)
    page = _survey(learner_id, kind, assisted=True, cancel_url=back)
    return page or redirect(back)


@bp.route("/cohorts/<int:cohort_id>/surveys")
@roles(*ASSISTERS)
def cohort_surveys(cohort_id: int):
    """Which learners of a cohort have answered each survey, with links to help them."""
    cohort = db.session.get(Cohort, cohort_id)
    if cohort is None or not scope.may_see_cohort(current_user, cohort_id):
        abort(404)
    return render_template("outcomes/cohort_surveys.html", cohort=cohort,
                           learners=programs.learners_of(cohort),
                           status=services.cohort_survey_status(cohort_id), kinds=SURVEY_KINDS,
                           titles=KIND_TITLES)


# ---- home panels ----

@pages.home_panel({Role.LEARNER}, order=40)
def survey_prompt(user):
    """Ask a learner to fill the survey that is due."""
    due = services.surveys_due(user.id)
    if not due:
        return None
    return render_template("outcomes/_survey_panel.html", due=due, titles=KIND_TITLES)


@pages.home_panel({Role.REVIEWER, Role.COORDINATOR}, order=15)
def outcomes_panel(user):
    """Where to find the program's results."""
    return render_template("outcomes/_panel.html")
