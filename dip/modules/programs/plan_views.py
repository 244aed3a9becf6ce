"""A learner's own dates on their page, for staff in scope: what they are, and a form to move
them (a late joiner's catch-up plan)."""
from flask import abort, flash, redirect, render_template, url_for
from flask_babel import format_date, gettext as _
from flask_login import current_user

from dip.core import pages, scope
from dip.core.access import STAFF, Role, roles
from dip.core.errors import ServiceError
from dip.core.once import once
from dip.extensions import db
from dip.modules.programs import plans
from dip.modules.programs.forms import PlanForm
from dip.modules.programs.models import LearnerProfile
from dip.modules.programs.views import bp


def _profile_in_scope(user_id: int) -> LearnerProfile:
    profile = db.session.get(LearnerProfile, user_id)
    if profile is None or not scope.may_see_learner(current_user, user_id):
        abort(404)
    return profile


@pages.person_panel(STAFF, order=20)
def plan_panel(viewer, person):
    """A learner's dates: the cohort's or their own, the week they are in, and the form."""
    if person.role != Role.LEARNER:
        return None
    profile = db.session.get(LearnerProfile, person.id)
    if profile is None:
        return None
    return render_template("programs/_plan_panel.html", profile=profile, person=person,
                           form=PlanForm(data={"start": plans.plan_start(profile)}),
                           start=plans.plan_start(profile), end=plans.plan_end(profile),
                           personal=plans.is_personal(profile), week=plans.week(profile),
                           late=plans.joined_late(profile))


@bp.route("/learners/<int:user_id>/plan", methods=["POST"])
@roles(*STAFF)
@once
def plan(user_id: int):
    """Move the day a learner's own week 1 begins; their page shows the new dates."""
    profile = _profile_in_scope(user_id)
    form = PlanForm()
    try:
        if not form.validate_on_submit():
            raise ServiceError(_("Choose the day the learner's week 1 begins."))
        plans.set_plan_start(profile, form.start.data)
    except ServiceError as error:
        flash(str(error.message), "error")
    else:
        day = format_date(plans.plan_start(profile), "medium")
        flash(_("Plan saved: week 1 begins on %(day)s.", day=day), "success")
    return redirect(url_for("accounts.user", user_id=user_id) + "#plan")
