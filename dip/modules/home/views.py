"""The home page of each role, the panels features add to a person's page, and the health check."""
from flask import Blueprint, jsonify, render_template
from flask_login import current_user
from sqlalchemy import text

from dip.core import pages, scope
from dip.core.access import Role, public, roles
from dip.extensions import db
from dip.modules.accounts.services import count_by_role
from dip.modules.programs import plans, services as programs

bp = Blueprint("home", __name__)


@bp.route("/")
@roles()
def index():
    """The home page made for the current user's role, from the panels features register."""
    return render_template("home/index.html", panels=pages.panels_for(current_user))


@bp.app_template_global()
def person_panels(person) -> list:
    """The panels features add to ``person``'s page (``accounts/user.html``) for the viewer."""
    return pages.person_panels(current_user, person)


@bp.route("/healthz")
@public
def healthz():
    """``{"db": "ok", "redis": "ok"|"off"|"down"}``; 503 when the database does not answer."""
    from dip.queue import redis_status

    try:
        db.session.execute(text("SELECT 1"))
        db_state = "ok"
    except Exception:  # noqa: BLE001 - any failure means the database is down
        db.session.rollback()
        db_state = "down"
    body = {"db": db_state, "redis": redis_status()}
    return jsonify(body), 200 if db_state == "ok" else 503


@pages.home_panel({Role.LEARNER}, order=10)
def learner_week(user):
    """A learner's cohort and the week of their plan (the cohort's, or their own)."""
    profile = programs.profile_of(user)
    if profile is None:
        return None
    cohort = profile.cohort
    return render_template("home/_learner_week.html", cohort=cohort, week=plans.week(profile),
                           start=plans.plan_start(profile), end=plans.plan_end(profile),
                           personal=plans.is_personal(profile),
                           trainers=programs.trainers_of(cohort))


@pages.home_panel({Role.TRAINER, Role.COORDINATOR, Role.ADMIN}, order=20)
def staff_cohorts(user):
    """The cohorts a trainer teaches, or a coordinator's sites and their cohorts."""
    cohorts = programs.visible_cohorts(user)
    counts = programs.learner_counts([c.id for c in cohorts])
    return render_template("home/_cohorts.html", cohorts=cohorts, counts=counts,
                           week_of=programs.week_of)


@pages.home_panel({Role.ADMIN, Role.COORDINATOR}, order=30)
def people(user):
    """How many people of each role the user manages, with links to manage them."""
    return render_template("home/_people.html", counts=count_by_role(scope.user_ids(user)),
                           sites=programs.visible_sites(user))


@pages.home_panel({Role.REVIEWER}, order=10)
def reviewer_sites(user):
    """Where a reviewer's aggregate outcomes come from."""
    return render_template("home/_reviewer.html", sites=programs.visible_sites(user))
