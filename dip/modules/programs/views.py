"""Sites and cohorts: lists, creation, and a cohort's page."""
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import format_decimal, get_locale, gettext as _, lazy_gettext as _l
from flask_login import current_user

from dip.core import pages, scope
from dip.core.access import MANAGERS, STAFF, Role, roles
from dip.core.errors import ServiceError
from dip.core.forms import choices
from dip.core.once import once
from dip.extensions import db
from dip.modules.accounts.models import User
from dip.modules.programs import profiles, services
from dip.modules.programs.forms import CohortForm, ProfileForm, SiteForm
from dip.modules.programs.models import Cohort, LearnerProfile, SiteGrant

bp = Blueprint("programs", __name__)
pages.nav_link(_l("Cohorts"), "programs.cohorts", STAFF, order=20)
pages.nav_link(_l("Sites"), "programs.sites", MANAGERS, order=70, more=MANAGERS)
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


@bp.route("/users/<int:user_id>/profile", methods=["GET", "POST"])
@roles(*STAFF)
@once
def learner_profile(user_id: int):
    """Correct a learner's gender, age band, country and baseline income (their code stays)."""
    learner = db.session.get(User, user_id)
    profile = db.session.get(LearnerProfile, user_id)
    if learner is None or profile is None or not scope.may_see_learner(current_user, user_id):
        abort(404)
    if not scope.may_manage(current_user, learner):
        abort(403)
    form = ProfileForm(obj=profile if request.method == "GET" else None)
    form.gender.choices = choices((g, profiles.GENDER_LABELS[g]) for g in profiles.GENDERS)
    form.age_band.choices = choices([("", "—")] + [(a, a) for a in profiles.AGE_BANDS])
    if request.method == "GET":
        form.age_band.data = profile.age_band or ""
        form.baseline_income_usd.data = format_decimal(profile.baseline_income_usd, "#,##0.##")
    if form.validate_on_submit():
        try:
            values = profiles.clean_profile(
                form.gender.data, form.age_band.data, form.country_of_origin.data,
                form.baseline_income_usd.data, locale=str(get_locale()))
        except ServiceError as error:
            getattr(form, error.field).errors.append(str(error.message))
        else:
            profiles.correct_profile(profile, values, current_user)
            flash(_("Saved."), "success")
            return redirect(url_for("accounts.user", user_id=learner.id))
    return render_template("programs/learner_profile.html", form=form, learner=learner,
                           profile=profile)
