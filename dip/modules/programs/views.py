"""Sites and cohorts: lists, creation, and a cohort's page."""
from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _, lazy_gettext as _l
from flask_login import current_user

from dip.core import pages, scope
from dip.core.access import MANAGERS, STAFF, Role, roles
from dip.core.errors import ServiceError
from dip.core.forms import choices
from dip.core.once import once
from dip.extensions import db
from dip.modules.programs import services
from dip.modules.programs.forms import CohortForm, SiteForm
from dip.modules.programs.models import Cohort, SiteGrant

bp = Blueprint("programs", __name__)
pages.nav_link(_l("Cohorts"), "programs.cohorts", STAFF, order=20)
pages.nav_link(_l("Sites"), "programs.sites", MANAGERS, order=70)
from dip.modules.programs import plan_views  # noqa: E402,F401 - a learner's plan, on this bp


def scoped_cohort(cohort_id: int) -> Cohort:
    """The cohort ``cohort_id`` if the current user may see it, else 404."""
    cohort = db.session.get(Cohort, cohort_id)
    if cohort is None or not scope.may_see_cohort(current_user, cohort_id):
        abort(404)
    return cohort


@bp.route("/sites/")
@roles(*MANAGERS)
def sites():
    """The sites the current user works with, and their cohorts."""
    sites = services.visible_sites(current_user)
    counts = services.learner_counts([c.id for s in sites for c in s.cohorts])
    return render_template("programs/sites.html", sites=sites, counts=counts)


@bp.route("/sites/new", methods=["GET", "POST"])
@roles(*MANAGERS)
@once
def new_site():
    """Create a site (a coordinator who creates one is granted it)."""
    form = SiteForm()
    if form.validate_on_submit():
        try:
            site = services.create_site(form.name.data, form.country.data, form.currency.data,
                                        form.timezone.data)
        except ServiceError as error:
            getattr(form, error.field or "name").errors.append(str(error.message))
        else:
            if current_user.role == Role.COORDINATOR:
                db.session.add(SiteGrant(user_id=current_user.id, site_id=site.id))
                db.session.commit()
            flash(_("Site %(name)s created.", name=site.name), "success")
            return redirect(url_for("programs.sites"))
    return render_template("programs/new_site.html", form=form)


@bp.route("/cohorts/")
@roles(*STAFF)
def cohorts():
    """The cohorts the current user works with."""
    cohorts = services.visible_cohorts(current_user)
    counts = services.learner_counts([c.id for c in cohorts])
    return render_template("programs/cohorts.html", cohorts=cohorts, counts=counts,
                           week_of=services.week_of)


@bp.route("/cohorts/new", methods=["GET", "POST"])
@roles(*MANAGERS)
@once
def new_cohort():
    """Create a cohort at one of the current user's sites."""
    form = CohortForm()
    sites = services.visible_sites(current_user)
    form.site.choices = choices((s.id, s.name) for s in sites)
    if form.validate_on_submit():
        site = next((s for s in sites if s.id == form.site.data), None)
        if site is None:
            abort(404)
        try:
            cohort = services.create_cohort(site, form.name.data, form.start_date.data,
                                            form.end_date.data)
        except ServiceError as error:
            getattr(form, error.field or "name").errors.append(str(error.message))
        else:
            flash(_("Cohort %(name)s created.", name=cohort.name), "success")
            return redirect(url_for("programs.cohort", cohort_id=cohort.id))
    return render_template("programs/new_cohort.html", form=form)


@bp.route("/cohorts/<int:cohort_id>/")
@roles(*STAFF)
def cohort(cohort_id: int):
    """A cohort: its dates and week, trainers and learners."""
    cohort = scoped_cohort(cohort_id)
    return render_template(
        "programs/cohort.html", cohort=cohort, week=services.week_of(cohort),
        trainers=services.trainers_of(cohort),
        learners=services.learners_of(cohort, include_inactive=True),
        links=pages.cohort_links(current_user),
    )
