"""The notice after a reset with a staff-issued code: who, when, and the hold on private items."""
from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from dip.core import pages
from dip.core.access import Role, roles
from dip.core.once import once
from dip.core.web import local_path
from dip.modules.accounts import holds
from dip.modules.accounts.blueprint import bp
from dip.modules.accounts.forms import ProveForm


@pages.home_panel(set(Role), order=0)
def reset_notice_panel(user):
    """On the home page for NOTICE_DAYS after a reset: who reset the password and when."""
    found = holds.notice(user)
    if found is None:
        return None
    return render_template("accounts/_notice.html", code=found[0], issuer=found[1],
                           held=holds.on_hold(found[0]), dismissable=holds.may_dismiss(found[0]),
                           form=ProveForm())


@bp.route("/account/notice", methods=["GET", "POST"])
@roles()
@once
def notice():
    """The reset notice on its own page (the first sign-in after a reset lands here); a POST
    dismisses it once the hold is over."""
    if request.method == "POST":
        if not holds.dismiss(current_user):
            flash(_("This notice stays until %(when)s.", when=_until(current_user)), "info")
        return redirect(url_for("home.index"))
    found = holds.notice(current_user)
    if found is None:
        return redirect(url_for("home.index"))
    return render_template("accounts/notice.html", code=found[0], issuer=found[1],
                           held=holds.on_hold(found[0]), dismissable=holds.may_dismiss(found[0]),
                           form=ProveForm(), next=local_path(request.args.get("next")))


@bp.route("/account/notice/prove", methods=["POST"])
@roles()
@once
def prove():
    """Show private items again at once by typing the password the reset replaced."""
    form = ProveForm()
    if form.validate_on_submit() and holds.prove(current_user, form.password.data):
        flash(_("Thank you. Your private items are shown again."), "success")
        return redirect(url_for("home.index"))
    form.password.errors.append(_("This is not the password you had before the reset."))
    found = holds.notice(current_user)
    if found is None:
        return redirect(url_for("home.index"))
    return render_template("accounts/notice.html", code=found[0], issuer=found[1],
                           held=holds.on_hold(found[0]), dismissable=holds.may_dismiss(found[0]),
                           form=form, next=None), 200


def _until(user) -> str:
    from flask_babel import format_datetime

    found = holds.notice(user)
    return format_datetime(found[0].hold_until, "short") if found and found[0].hold_until else ""
