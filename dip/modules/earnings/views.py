"""The earnings log and exchange rates; imports and income pages are in their own view modules."""
from datetime import date
from decimal import Decimal, InvalidOperation

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _, lazy_gettext as _l
from flask_login import current_user

from dip.core import csvio, pages
from dip.core.access import MANAGERS, Role, roles
from dip.core.clock import today
from dip.core.errors import ServiceError
from dip.core.forms import choices
from dip.core.once import once
from dip.core.web import row_id_or_none
from dip.extensions import db
from dip.modules.earnings import import_views, income_views  # noqa: F401 - register their routes
from dip.modules.earnings import rates as exchange, services
from dip.modules.earnings.blueprint import bp
from dip.modules.earnings.forms import (
    FIELD_LABELS, KIND_LABELS, PLATFORM_LABELS, EntryForm, RateForm, RateImportForm,
)
from dip.modules.earnings.models import ExchangeRate

__all__ = ["bp"]
LOGGERS = (Role.LEARNER, Role.COORDINATOR, Role.ADMIN)
READERS = (Role.LEARNER, Role.TRAINER, Role.COORDINATOR, Role.ADMIN)
PREFILL = ("earned_on", "amount", "currency", "platform", "client", "kind", "hours", "note")
pages.nav_link(_l("Earnings"), "earnings.index", READERS, order=40)


@bp.app_context_processor
def labels():
    """Platform and kind labels for every earnings template."""
    return {"platform_labels": PLATFORM_LABELS, "kind_labels": KIND_LABELS,
            "field_labels": FIELD_LABELS}


def _entry_or_404(entry_id: int):
    entry = services.visible_entry(current_user, entry_id)
    if entry is None:
        abort(404)
    return entry


def _learner_choices(form) -> list:
    learners = services.loggable_learners(current_user)
    form.learner.choices = choices((u.id, u.display_name) for u in learners)
    return learners


@bp.route("/earnings/")
@roles(*READERS)
def index():
    """A learner's own log; staff see the latest entries of their learners."""
    if current_user.role == Role.LEARNER:
        from dip.modules.earnings.income import learner_summary

        return render_template("earnings/log.html", learner=current_user,
                               entries=services.entries_of(current_user.id, include_deleted=True),
                               summary=learner_summary(current_user.id), own=True)
    return render_template("earnings/staff_index.html",
                           rows=services.recent_entries(current_user),
                           missing=exchange.missing_rates(current_user),
                           sites=dict(exchange.rate_sites(current_user)),
                           manager=current_user.role in MANAGERS)


@bp.route("/earnings/new", methods=["GET", "POST"])
@roles(*LOGGERS)
@once
def new_entry():
    """Log an earning. GET arguments (earned_on, amount, currency, …, learner) fill the form in;
    otherwise it starts at today in the learner's site currency, with no platform chosen."""
    form = EntryForm()
    learners = _learner_choices(form)
    if request.method == "GET":
        _prefill(form)
    if current_user.role == Role.LEARNER:
        form.learner.data = current_user.id
    if form.validate_on_submit():
        learner_id = form.learner.data if current_user.role != Role.LEARNER else current_user.id
        if learner_id not in {u.id for u in learners}:
            form.learner.errors.append(_("Choose a learner from the list."))
        else:
            try:
                entry = services.log_entry(current_user, learner_id, _values(form))
            except ServiceError as error:
                getattr(form, error.field or "amount").errors.append(str(error.message))
            else:
                flash(_("Earning saved."), "success")
                if current_user.role == Role.LEARNER:
                    return redirect(url_for("earnings.index"))
                return redirect(url_for("earnings.learner", learner_id=entry.learner_id))
    return render_template("earnings/entry_form.html", form=form, entry=None,
                           pick_learner=current_user.role != Role.LEARNER)


def _prefill(form) -> None:
    """Today, the learner's site currency, then whatever the link gave (a proposal won, a
    missing rate): amounts in a link are dot-decimal, shown in the reader's way."""
    args = request.args
    learner = row_id_or_none(args.get("learner"))
    if learner:
        form.learner.data = learner
    form.earned_on.data = today()
    form.currency.data = services.default_currency(current_user, form.learner.data)
    for name in PREFILL:
        text = args.get(name, "")[:500]
        if not text:
            continue
        field = getattr(form, name)
        try:
            if name == "earned_on":
                field.data = date.fromisoformat(text)
            elif name in ("amount", "hours"):
                field.data = Decimal(text)
            else:
                field.data = text
        except (ValueError, InvalidOperation):
            pass


def _values(form) -> dict:
    return {name: getattr(form, name).data for name in PREFILL}


@bp.route("/earnings/<int:entry_id>/edit", methods=["GET", "POST"])
@roles(*READERS)
@once
def edit_entry(entry_id: int):
    """Change an entry (its old values stay in the history shown below the form)."""
    entry = _entry_or_404(entry_id)
    may_change = entry.deleted_at is None and services.may_log_for(current_user, entry.learner_id)
    if request.method == "POST" and not may_change:
        abort(403)
    form = EntryForm(obj=entry)
    form.learner.choices = []
    if may_change and form.validate_on_submit():
        try:
            changed = services.edit_entry(current_user, entry, _values(form))
        except ServiceError as error:
            getattr(form, error.field or "amount").errors.append(str(error.message))
        else:
            flash(_("Entry changed; the old values are kept in its history.") if changed
                  else _("Nothing was changed."), "success" if changed else "info")
            return redirect(url_for("earnings.edit_entry", entry_id=entry.id))
    return render_template("earnings/entry_form.html", form=form, entry=entry,
                           may_change=may_change, history=services.history(entry.id),
                           manager=current_user.role in MANAGERS, pick_learner=False)


def _after(entry):
    if current_user.role == Role.LEARNER:
        return redirect(url_for("earnings.index"))
    return redirect(url_for("earnings.learner", learner_id=entry.learner_id))


@bp.route("/earnings/<int:entry_id>/delete", methods=["POST"])
@roles(*LOGGERS)
@once
def delete_entry(entry_id: int):
    """Delete an entry (kept in the history; it no longer counts)."""
    entry = _entry_or_404(entry_id)
    try:
        services.delete_entry(current_user, entry)
    except ServiceError as error:
        flash(str(error.message), "error")
    else:
        flash(_("Entry deleted. It no longer counts; its history is kept."), "success")
    return _after(entry)


@bp.route("/earnings/<int:entry_id>/restore", methods=["POST"])
@roles(*LOGGERS)
@once
def restore_entry(entry_id: int):
    """Bring a deleted entry back."""
    entry = _entry_or_404(entry_id)
    try:
        services.restore_entry(current_user, entry)
    except ServiceError as error:
        flash(str(error.message), "error")
    else:
        flash(_("Entry restored."), "success")
    return _after(entry)


@bp.route("/earnings/<int:entry_id>/verify", methods=["POST"])
@roles(*MANAGERS)
@once
def verify_entry(entry_id: int):
    """A coordinator marks an entry verified."""
    entry = _entry_or_404(entry_id)
    try:
        services.verify_entry(current_user, entry)
    except ServiceError as error:
        flash(str(error.message), "error")
    else:
        flash(_("Entry verified."), "success")
    return _after(entry)


# ---- exchange rates ----

def _site_choices(*fields) -> None:
    """The sites the user sets rates for ("" is all sites), the first chosen by default."""
    sites = [("" if sid is None else str(sid), name)
             for sid, name in exchange.rate_sites(current_user)]
    for field in fields:
        field.choices = choices(sites)
        if field.data is None and sites:
            field.data = sites[0][0]


@bp.route("/rates/", methods=["GET", "POST"])
@roles(*MANAGERS)
@once
def rates():
    """Monthly rates to USD: the list, missing ones, and a form to type one."""
    form, upload = RateForm(), RateImportForm()
    if request.method == "GET" and request.args.get("currency"):
        form.currency.data = request.args["currency"][:3]
        form.month.data = request.args.get("month", "")[:7]
        form.site.data = request.args.get("site", "")[:12] or None
    _site_choices(form.site, upload.import_site)
    if form.validate_on_submit():
        try:
            try:
                month = services.parse_month(form.month.data)
            except ValueError:
                raise ServiceError(_("The month must be written YYYY-MM."), "month") from None
            rate = exchange.rate_from_input(form.rate.data, form.direction.data == "per_usd")
            outcome = exchange.set_rate(current_user, form.currency.data, month, rate,
                                     form.site_id())
        except ServiceError as error:
            getattr(form, error.field or "rate").errors.append(str(error.message))
        else:
            flash(_("Rate saved; incomes in that month are being recomputed.") if outcome != "same"
                  else _("That rate was already saved."), "success")
            return redirect(url_for("earnings.rates"))
    return render_template("earnings/rates.html", form=form, upload=upload,
                           rates=exchange.visible_rates(current_user),
                           missing=exchange.missing_rates(current_user),
                           sites=dict(exchange.rate_sites(current_user)))


@bp.route("/rates/import", methods=["POST"])
@roles(*MANAGERS)
@once
def import_rates():
    """Save rates from a CSV file; good lines are saved, bad ones listed with their line number."""
    upload = RateImportForm()
    _site_choices(upload.import_site)
    file = request.files.get("file")
    data = file.read() if file else b""
    try:
        _header, rows = csvio.read_rows(data)
    except csvio.CsvError:
        flash(_("This file cannot be read as CSV. Save it as CSV (comma or semicolon) and send it "
                "again."), "error")
        return redirect(url_for("earnings.rates"))
    site = upload.import_site.data
    saved, errors = exchange.import_rates(current_user, rows, row_id_or_none(site))
    flash(ngettext_rates(saved), "success" if saved or not errors else "error")
    for line, reason in errors[:50]:  # line 0: the whole file (a site not theirs)
        flash(_("Line %(line)s: %(reason)s", line=line, reason=reason) if line else reason,
              "error")
    return redirect(url_for("earnings.rates"))


def ngettext_rates(n: int) -> str:
    """'n rates saved' in the right plural."""
    from flask_babel import ngettext

    return ngettext("%(num)s rate saved.", "%(num)s rates saved.", n)


@bp.route("/rates/<int:rate_id>/delete", methods=["POST"])
@roles(*MANAGERS)
@once
def delete_rate(rate_id: int):
    """Remove a rate typed by mistake (its month's entries wait for a rate again)."""
    rate = db.session.get(ExchangeRate, rate_id)
    if rate is None or (rate.site_id and not exchange.may_set_rate(current_user, rate.site_id)):
        abort(404)  # another site's rate is none of this coordinator's business
    try:
        exchange.delete_rate(current_user, rate)
    except ServiceError as error:
        flash(str(error.message), "error")
    else:
        flash(_("Rate removed."), "success")
    return redirect(url_for("earnings.rates"))


@pages.home_panel({Role.COORDINATOR, Role.ADMIN}, order=40)
def coordinator_panel(user):
    """Entries waiting for verification and for exchange rates."""
    from dip.modules.earnings.imports import recent_batches

    unverified = services.unverified_count(user)
    missing = exchange.missing_rates(user)
    return render_template("earnings/_staff_panel.html", unverified=unverified, missing=missing,
                           batches=[b for b in recent_batches(user, 3) if not b.finished])

