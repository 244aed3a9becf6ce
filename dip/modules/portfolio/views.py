"""Portfolio items, the public page and profile readiness; proposals are in ``proposal_views``."""
from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _, lazy_gettext as _l, ngettext
from flask_login import current_user

from dip.core import pages, scope, uploads
from dip.core.access import STAFF, Role, public, roles
from dip.core.errors import ServiceError
from dip.core.once import once
from dip.core.web import row_id
from dip.extensions import db
from dip.modules.accounts.models import User
from dip.modules.portfolio import proposal_views  # noqa: F401 - registers the proposal pages on bp
from dip.modules.portfolio import proposals, services
from dip.modules.portfolio.blueprint import bp
from dip.modules.portfolio.forms import ItemForm, ProfileForm, ReadinessForm
from dip.modules.portfolio.models import READINESS
from dip.modules.programs import services as programs
from dip.modules.programs.models import Cohort

__all__ = ["bp"]
USERS = (Role.LEARNER, *STAFF)
pages.nav_link(_l("Portfolio"), "portfolio.index", USERS, order=45, more=STAFF)
pages.cohort_link(_l("Freelance readiness"), "portfolio.cohort_readiness", STAFF, order=40)


def _own_item_or_404(item_id: int):
    item = services.own_item(current_user, item_id)
    if item is None:
        abort(404)
    return item


def _learner_or_404(learner_id: int) -> User:
    learner = db.session.get(User, learner_id)
    if learner is None or learner.role != Role.LEARNER \
            or not scope.may_see_learner(current_user, learner_id):
        abort(404)
    return learner


def _values(form: ItemForm) -> dict:
    return {name: getattr(form, name).data for name in (
        "title", "client_need", "what_i_did", "skills", "tags", "sample_text", "visibility",
        "remove_file")}


def _upload():
    upload = request.files.get("file")
    return (upload.read(), upload.filename or "") if upload and upload.filename else None


@bp.route("/portfolio/")
@roles(*USERS)
def index():
    """A learner's items and what to do next; staff: the cohorts whose readiness they follow."""
    if current_user.role != Role.LEARNER:
        cohorts = programs.visible_cohorts(current_user)
        return render_template("portfolio/staff_index.html", cohorts=cohorts,
                               counts=programs.learner_counts([c.id for c in cohorts]))
    marks = services.marks_of([current_user.id]).get(current_user.id, {})
    return render_template(
        "portfolio/index.html", items=services.items_of(current_user),
        profile=services.profile_of(current_user), ticked=len(marks), steps=len(READINESS),
        offered=len(services.offered_work(current_user.id)),
        labels=services.VISIBILITY_LABELS)


@bp.route("/portfolio/new", methods=["GET", "POST"])
@roles(Role.LEARNER)
@once
def new_item():
    """Add a portfolio item (the sample is an uploaded file or pasted text)."""
    form = ItemForm()
    if form.validate_on_submit():
        try:
            item = services.save_item(current_user.id, _values(form), _upload())
        except ServiceError as error:
            getattr(form, error.field or "title").errors.append(str(error.message))
        else:
            flash(_("Portfolio item saved."), "success")
            return redirect(url_for("portfolio.item", item_id=item.id))
    return render_template("portfolio/item_form.html", form=form, item=None)


@bp.route("/portfolio/<int:item_id>")
@roles(*USERS)
def item(item_id: int):
    """One item: its story, skills and sample."""
    found = services.visible_item(current_user, item_id)
    if found is None:
        abort(404)
    owner = db.session.get(User, found.learner_id)
    return render_template("portfolio/item.html", item=found, owner=owner,
                           skills=services.SKILLS, labels=services.VISIBILITY_LABELS)


@bp.route("/portfolio/<int:item_id>/edit", methods=["GET", "POST"])
@roles(Role.LEARNER)
@once
def edit_item(item_id: int):
    """Change an item, its sample or who may see it."""
    found = _own_item_or_404(item_id)
    form = ItemForm(obj=found if request.method == "GET" else None)
    if request.method == "GET":
        form.tags.data = ", ".join(found.tags)
    if form.validate_on_submit():
        try:
            services.save_item(current_user.id, _values(form), _upload(), item=found)
        except ServiceError as error:
            db.session.rollback()
            getattr(form, error.field or "title").errors.append(str(error.message))
        else:
            flash(_("Portfolio item saved."), "success")
            return redirect(url_for("portfolio.item", item_id=found.id))
    return render_template("portfolio/item_form.html", form=form, item=found)


@bp.route("/portfolio/<int:item_id>/delete", methods=["POST"])
@roles(Role.LEARNER)
@once
def delete_item(item_id: int):
    """Remove an item from the portfolio."""
    services.delete_item(_own_item_or_404(item_id))
    flash(_("Portfolio item removed."), "success")
    return redirect(url_for("portfolio.index"))


@bp.route("/portfolio/<int:item_id>/file")
@roles(*USERS)
def item_file(item_id: int):
    """An item's sample file, as a download."""
    found = services.visible_item(current_user, item_id)
    if found is None or not found.file_key:
        abort(404)
    return uploads.send(found.file_key, found.file_name or f"sample.{found.file_kind}",
                        found.file_kind)


@bp.route("/portfolio/from-assignments", methods=["GET", "POST"])
@roles(Role.LEARNER)
@once
def from_assignments():
    """Graded, passed work the learner can turn into a portfolio item in one step."""
    if request.method == "POST":
        try:
            made = services.item_from_submission(
                current_user.id, request.form.get("submission_id", type=row_id) or 0)
        except ServiceError as error:
            flash(str(error.message), "error")
            return redirect(url_for("portfolio.from_assignments"))
        flash(_("Added to your portfolio (only you can see it). Describe what the client "
                "needed and what you did."), "success")
        return redirect(url_for("portfolio.edit_item", item_id=made.id))
    return render_template("portfolio/from_assignments.html",
                           work=services.offered_work(current_user.id))


@bp.route("/portfolio/public", methods=["GET", "POST"])
@roles(Role.LEARNER)
@once
def public_settings():
    """What the public page shows, and its link: create, renew or close it."""
    profile = services.profile_of(current_user)
    form = ProfileForm(obj=profile if request.method == "GET" else None)
    if form.validate_on_submit():
        try:
            services.save_profile(profile, form.shown_name.data, form.headline.data,
                                  form.about.data)
        except ServiceError as error:
            getattr(form, error.field or "shown_name").errors.append(str(error.message))
        else:
            flash(_("Public page saved."), "success")
            return redirect(url_for("portfolio.public_settings"))
    shown = sum(1 for i in services.items_of(current_user) if i.visibility == "public")
    return render_template("portfolio/public_settings.html", form=form, profile=profile,
                           shown=shown)


@bp.route("/portfolio/public/link", methods=["POST"])
@roles(Role.LEARNER)
@once
def public_link():
    """Create or renew the public page's secret address, or close the page."""
    profile = services.profile_of(current_user)
    if request.form.get("action") == "revoke":
        services.revoke_link(profile)
        flash(_("Your public page is closed. The old link shows nothing now."), "success")
    else:
        renewed = profile.token is not None
        services.new_link(profile)
        flash(_("New link made. The old link shows nothing now.") if renewed
              else _("Your public page is open at the link below."), "success")
    return redirect(url_for("portfolio.public_settings"))


@bp.route("/p/<token>")
@public
def public_page(token: str):
    """A learner's public portfolio: name, headline, skills and public items, nothing else."""
    found = services.public_page(token)
    if found is None:
        abort(404)
    profile, items, skills = found
    return render_template("portfolio/public.html", profile=profile, items=items,
                           skills=skills, names=services.SKILLS, token=token)


@bp.route("/p/<token>/<int:item_id>/file")
@public
def public_file(token: str, item_id: int):
    """The sample file of a public item on an open public page."""
    found = services.public_page(token)
    item = next((i for i in found[1] if i.id == item_id), None) if found else None
    if item is None or not item.file_key:
        abort(404)
    return uploads.send(item.file_key, item.file_name or f"sample.{item.file_kind}",
                        item.file_kind)


@bp.route("/portfolio/readiness", methods=["GET", "POST"])
@roles(Role.LEARNER)
@once
def readiness():
    """The freelance profile checklist: the learner ticks what they have done."""
    form = ReadinessForm()
    marks = services.marks_of([current_user.id]).get(current_user.id, {})
    if request.method == "GET":
        form.steps.data = list(marks)
    if form.validate_on_submit():
        services.tick(current_user.id, form.steps.data or [])
        flash(_("Checklist saved. Your trainer will confirm."), "success")
        return redirect(url_for("portfolio.readiness"))
    return render_template("portfolio/readiness.html", form=form, marks=marks,
                           labels=services.READINESS_LABELS, steps=READINESS,
                           items=len(services.items_of(current_user)))


@bp.route("/portfolio/learners/<int:learner_id>", methods=["GET", "POST"])
@roles(*STAFF)
@once
def learner(learner_id: int):
    """A learner's shared items, readiness (to confirm) and proposals, for their trainers."""
    person = _learner_or_404(learner_id)
    marks = services.marks_of([learner_id]).get(learner_id, {})
    if request.method == "POST":
        count = services.confirm(current_user.id, learner_id, request.form.getlist("confirm"))
        flash(ngettext("%(num)s step confirmed.", "%(num)s steps confirmed.", count), "success")
        return redirect(url_for("portfolio.learner", learner_id=learner_id))
    found = db.session.scalars(proposals.visible_proposals(current_user, learner_id)
                               .limit(50)).all()
    return render_template("portfolio/learner.html", person=person, marks=marks,
                           items=services.items_of(current_user, learner_id),
                           labels=services.READINESS_LABELS, steps=READINESS,
                           proposals=found, rate=proposals.win_rates([learner_id]).get(learner_id),
                           statuses=proposals.STATUS_LABELS)


@bp.route("/cohorts/<int:cohort_id>/readiness")
@roles(*STAFF)
def cohort_readiness(cohort_id: int):
    """Readiness across a cohort: steps ticked and confirmed, items, proposals won."""
    cohort = db.session.get(Cohort, cohort_id)
    if cohort is None or not scope.may_see_cohort(current_user, cohort_id):
        abort(404)
    learners = programs.learners_of(cohort)
    ids = [u.id for u in learners]
    return render_template("portfolio/cohort_readiness.html", cohort=cohort, learners=learners,
                           marks=services.marks_of(ids), counts=services.item_counts(ids),
                           rates=proposals.win_rates(ids), steps=READINESS,
                           labels=services.READINESS_LABELS)


@pages.home_panel({Role.LEARNER}, order=40)
def learner_panel(user):
    """New trainer comments on the learner's proposals, and their portfolio at a glance."""
    seen = proposals.glance(user.id)
    comments = proposals.new_comments(user.id) if seen["unseen"] else []
    return render_template("portfolio/_panel.html", comments=comments,
                           items=seen["items"], ticked=seen["ticked"], steps=len(READINESS),
                           rate=seen["rate"])


@pages.home_panel({Role.TRAINER}, order=45)
def trainer_panel(user):
    """The proposals a trainer's learners changed most recently, to coach them."""
    recent = db.session.scalars(proposals.visible_proposals(user).limit(5)).all()
    if not recent:
        return None
    names = dict(db.session.execute(db.select(User.id, User.display_name).where(
        User.id.in_({p.learner_id for p in recent}))).all())
    return render_template("portfolio/_trainer_panel.html", recent=recent, names=names,
                           statuses=proposals.STATUS_LABELS)
