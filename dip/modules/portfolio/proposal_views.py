"""Proposal drafts: the editor with server-side saves, versions, compare, restore, comments."""
from flask import Response, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _, lazy_gettext as _l
from flask_login import current_user

from dip.core import pages, words
from dip.core.access import STAFF, Role, roles
from dip.core.clock import today
from dip.core.errors import ServiceError
from dip.core.once import once
from dip.core.web import row_id
from dip.extensions import db
from dip.modules.accounts.models import User
from dip.modules.portfolio import checks, proposals, services
from dip.modules.portfolio.blueprint import bp
from dip.modules.portfolio.forms import CommentForm, JobForm, ProposalForm

USERS = (Role.LEARNER, *STAFF)
STAFF_PAGE = 100
pages.nav_link(_l("Proposals"), "portfolio.proposals_index", USERS, order=46, more=STAFF)


def _proposal_or_404(proposal_id: int):
    found = proposals.visible_proposal(current_user, proposal_id)
    if found is None:
        abort(404)
    return found


def _own_or_404(proposal_id: int):
    found = _proposal_or_404(proposal_id)
    if found.learner_id != current_user.id:
        abort(404)
    return found


def _job_args(form: JobForm) -> tuple:
    return (form.job_title.data, form.client_description.data, form.budget_amount.data,
            form.budget_currency.data, form.deadline.data)


@bp.route("/proposals/")
@roles(*USERS)
def proposals_index():
    """A learner's proposals and win rate; staff: the latest proposals of their learners."""
    rows = db.session.scalars(proposals.visible_proposals(current_user).limit(STAFF_PAGE)).all()
    names = {}
    if current_user.role != Role.LEARNER and rows:
        names = dict(db.session.execute(db.select(User.id, User.display_name).where(
            User.id.in_({p.learner_id for p in rows}))).all())
    rate = proposals.win_rates([current_user.id]).get(current_user.id) \
        if current_user.role == Role.LEARNER else None
    return render_template("portfolio/proposals.html", rows=rows, names=names, rate=rate,
                           statuses=proposals.STATUS_LABELS)


@bp.route("/proposals/new", methods=["GET", "POST"])
@roles(Role.LEARNER)
@once
def new_proposal():
    """Start a proposal from a job post the learner pastes."""
    form = JobForm()
    if form.validate_on_submit():
        try:
            made = proposals.create_proposal(current_user.id, *_job_args(form))
        except ServiceError as error:
            getattr(form, error.field or "job_title").errors.append(str(error.message))
        else:
            return redirect(url_for("portfolio.proposal", proposal_id=made.id))
    return render_template("portfolio/job_form.html", form=form, proposal=None)


@bp.route("/proposals/<int:proposal_id>/job", methods=["GET", "POST"])
@roles(Role.LEARNER)
@once
def edit_job(proposal_id: int):
    """Correct the job post a proposal answers."""
    found = _own_or_404(proposal_id)
    form = JobForm(obj=found if request.method == "GET" else None)
    if form.validate_on_submit():
        try:
            proposals.update_job(found, *_job_args(form))
        except ServiceError as error:
            db.session.rollback()
            getattr(form, error.field or "job_title").errors.append(str(error.message))
        else:
            return redirect(url_for("portfolio.proposal", proposal_id=found.id))
    return render_template("portfolio/job_form.html", form=form, proposal=found)


def _checks(found):
    """The readiness checks of a proposal's current text."""
    owner = db.session.get(User, found.learner_id)
    profile = services.profile_of(owner)
    shown = [i for i in services.items_of(owner) if i.visibility == "public"]
    public_url = url_for("portfolio.public_page", token=profile.token, _external=True) \
        if profile.token else None
    results = checks.run(found.body, found.job_title, found.client_description, found.deadline,
                         [i.title for i in shown], public_url, today())
    return results, shown, public_url


@bp.route("/proposals/<int:proposal_id>", methods=["GET", "POST"])
@roles(*USERS)
@once
def proposal(proposal_id: int):
    """The editor (learner) or the reading and comment page (staff), with the readiness checks."""
    found = _proposal_or_404(proposal_id)
    mine = found.learner_id == current_user.id
    if request.method == "POST" and not mine:
        abort(403)
    form = ProposalForm()
    if mine and request.method == "GET":
        form.body.data = found.body
        proposals.mark_seen(found)
    if mine and form.validate_on_submit():
        saved = proposals.save_body(found, form.body.data or "")
        flash(_("Saved as version %(n)s.", n=saved.number) if saved
              else _("Saved (no change since the last version)."), "success")
        return redirect(url_for("portfolio.proposal", proposal_id=found.id))
    results, shown, public_url = _checks(found)
    notes = proposals.comments(found)
    authors = dict(db.session.execute(db.select(User.id, User.display_name).where(
        User.id.in_({c.author_id for c in notes}))).all()) if notes else {}
    earning_url = None
    if mine and found.status == "won" and "earnings.new_entry" in current_app.view_functions:
        earning_url = url_for("earnings.new_entry", **proposals.earning_prefill(found))
    return render_template(
        "portfolio/proposal.html", proposal=found, form=form, mine=mine, checks=results,
        describe=checks.describe, labels=checks.LABELS, why=checks.WHY, shown=shown,
        public_url=public_url, comments=notes, authors=authors,
        comment_form=CommentForm() if not mine else None,
        owner=db.session.get(User, found.learner_id), statuses=proposals.STATUS_LABELS,
        count=len(proposals.versions(found)), earning_url=earning_url,
        plain=proposals.plain_text(found.body))


@bp.route("/proposals/<int:proposal_id>/autosave", methods=["POST"])
@roles(Role.LEARNER)
@once
def autosave(proposal_id: int):
    """Keep the text being typed (posted every 20 s by portfolio.js); answers 204."""
    found = _own_or_404(proposal_id)
    proposals.save_body(found, request.form.get("body", ""), kind="auto")
    return "", 204


@bp.route("/proposals/<int:proposal_id>/versions")
@roles(*USERS)
def versions(proposal_id: int):
    """Every saved version; ``?a=N&b=M`` compares two (what was added and removed)."""
    found = _proposal_or_404(proposal_id)
    rows = proposals.versions(found)
    numbers = {v.number: v for v in rows}
    a, b = request.args.get("a", type=row_id), request.args.get("b", type=row_id)
    comparison = None
    if a is not None and b is not None:
        if a not in numbers or b not in numbers:
            abort(404)
        comparison = proposals.diff(numbers[a].body, numbers[b].body)
    elif len(rows) >= 2:
        a, b = rows[1].number, rows[0].number
    return render_template("portfolio/versions.html", proposal=found, rows=rows, a=a, b=b,
                           comparison=comparison, mine=found.learner_id == current_user.id,
                           counts={v.number: words.count(v.body) for v in rows[:40]})


def _restore(found, number: int):
    if proposals.version(found, number) is None:
        abort(404)
    saved = proposals.restore(found, number)
    flash(_("Version %(old)s restored as version %(n)s.", old=number, n=saved.number) if saved
          else _("That version is already the current text."), "success")
    return redirect(url_for("portfolio.proposal", proposal_id=found.id))


@bp.route("/proposals/<int:proposal_id>/versions/<int:number>/restore", methods=["POST"])
@roles(Role.LEARNER)
@once
def restore(proposal_id: int, number: int):
    """Make an earlier version the current text (saved as a new version)."""
    return _restore(_own_or_404(proposal_id), number)


@bp.route("/proposals/<int:proposal_id>/restore", methods=["POST"])
@roles(Role.LEARNER)
@once
def restore_chosen(proposal_id: int):
    """Restore the version chosen in the versions page's form."""
    return _restore(_own_or_404(proposal_id), request.form.get("number", type=row_id) or 0)


@bp.route("/proposals/<int:proposal_id>/status", methods=["POST"])
@roles(Role.LEARNER)
@once
def status(proposal_id: int):
    """Mark the proposal draft, sent, won or lost."""
    found = _own_or_404(proposal_id)
    try:
        proposals.set_status(found, request.form.get("status", ""))
    except ServiceError as error:
        flash(str(error.message), "error")
    else:
        flash(_("Status: %(status)s.", status=proposals.STATUS_LABELS[found.status]), "success")
    return redirect(url_for("portfolio.proposal", proposal_id=found.id))


@bp.route("/proposals/<int:proposal_id>/comments", methods=["POST"])
@roles(*STAFF)
@once
def comment(proposal_id: int):
    """A trainer comments on a proposal, perhaps quoting a passage."""
    found = _proposal_or_404(proposal_id)
    form = CommentForm()
    try:
        if not form.validate_on_submit():
            raise ServiceError(_("Write your comment."))
        proposals.add_comment(found, current_user.id, form.body.data, form.quote.data)
    except ServiceError as error:
        flash(str(error.message), "error")
    else:
        flash(_("Comment added. The learner sees it on their home page."), "success")
    return redirect(url_for("portfolio.proposal", proposal_id=found.id))


@bp.route("/proposals/<int:proposal_id>/plain")
@roles(*USERS)
def plain(proposal_id: int):
    """The proposal as clean plain text, to paste into a platform."""
    found = _proposal_or_404(proposal_id)
    return Response(proposals.plain_text(found.body), mimetype="text/plain")
