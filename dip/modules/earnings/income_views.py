"""Income progression pages: a learner's own, a learner's for staff, a cohort's, the sites'."""
from flask import Response, abort, render_template, request
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from dip.core import pages, scope
from dip.core.access import MANAGERS, STAFF, Role, roles
from dip.core.clock import today
from dip.core.web import row_id
from dip.extensions import db
from dip.modules.accounts.models import User
from dip.modules.earnings import income, services
from dip.modules.earnings.blueprint import bp
from dip.modules.programs import services as programs
from dip.modules.programs.models import Cohort

pages.cohort_link(_l("Income"), "earnings.cohort_income", STAFF, order=40)


@bp.route("/earnings/income")
@roles(Role.LEARNER)
def my_income():
    """A learner's baseline, this month, the last 12 months and total earned."""
    return render_template("earnings/income.html", learner=current_user,
                           summary=income.learner_summary(current_user.id))


def _learner_or_404(learner_id: int | None) -> User:
    """Learner ``learner_id`` if the current staff member may see them, else 404."""
    user = db.session.get(User, learner_id) if learner_id else None
    if user is None or user.role != Role.LEARNER or not scope.may_see_learner(current_user,
                                                                              learner_id):
        abort(404)
    return user


@bp.route("/earnings/income.csv")
@roles(Role.LEARNER, *STAFF)
def income_csv():
    """Monthly income as CSV: a learner's own; staff add ``?learner=<id>`` for a learner in
    their scope (anyone else: 404, as if there were no such learner)."""
    from dip.modules.earnings.income_export import income_csv as build

    wanted = request.args.get("learner", type=row_id)
    if current_user.role == Role.LEARNER:
        if wanted not in (None, current_user.id):
            abort(404)
        learner_id = current_user.id
    else:
        learner_id = _learner_or_404(wanted).id
    name = f"income-{learner_id}-{today().isoformat()}.csv"
    return Response(build(learner_id), mimetype="text/csv",
                    headers={"Content-Disposition": f"attachment; filename={name}"})


@bp.route("/earnings/learners/<int:learner_id>")
@roles(*STAFF)
def learner(learner_id: int):
    """A learner's income and log, for their trainer or coordinator."""
    user = _learner_or_404(learner_id)
    return render_template("earnings/log.html", learner=user, own=False,
                           entries=services.entries_of(learner_id, include_deleted=True),
                           summary=income.learner_summary(learner_id),
                           may_log=services.may_log_for(current_user, learner_id),
                           manager=current_user.role in MANAGERS)


@bp.route("/cohorts/<int:cohort_id>/income")
@roles(*STAFF)
def cohort_income(cohort_id: int):
    """Each learner's three-month average against baseline, and who needs a follow-up."""
    cohort = db.session.get(Cohort, cohort_id)
    if cohort is None or not scope.may_see_cohort(current_user, cohort_id):
        abort(404)
    return render_template("earnings/cohort_income.html", cohort=cohort,
                           data=income.cohort_income(cohort), months_label=income.months_label)


@bp.route("/earnings/sites")
@roles(*MANAGERS)
def site_income():
    """Per site: monthly totals in USD and how many learners earned, over the last 12 months."""
    sites = programs.visible_sites(current_user)
    return render_template("earnings/sites.html", sites=sites,
                           totals=income.site_totals([s.id for s in sites]))


@pages.home_panel({Role.LEARNER}, order=25)
def learner_panel(user):
    """This month's income, the total, and links to log or import."""
    summary = income.learner_summary(user.id)
    return render_template("earnings/_learner_panel.html", summary=summary)
