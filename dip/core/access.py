"""Who may open which view: every endpoint declares its roles, or it answers 403.

``@roles(...)`` and ``@public`` mark a view; ``check_request`` (a ``before_request`` hook)
refuses any endpoint that carries no mark, so a route added without a rule is closed,
and ``tests/test_routes_by_role.py`` walks every route as every role.
"""
from enum import StrEnum
from functools import wraps

from flask_babel import lazy_gettext as _l
from flask import abort, redirect, request, url_for
from flask_login import current_user

from dip.extensions import login_manager


class Role(StrEnum):
    """The five roles of the platform."""

    LEARNER = "learner"
    TRAINER = "trainer"
    COORDINATOR = "coordinator"
    REVIEWER = "reviewer"
    ADMIN = "admin"


ROLE_LABELS = {
    Role.LEARNER: _l("Learner"),
    Role.TRAINER: _l("Trainer"),
    Role.COORDINATOR: _l("Coordinator"),
    Role.REVIEWER: _l("Reviewer"),
    Role.ADMIN: _l("Administrator"),
}
ALL_ROLES = frozenset(Role)
STAFF = frozenset({Role.TRAINER, Role.COORDINATOR, Role.ADMIN})
MANAGERS = frozenset({Role.COORDINATOR, Role.ADMIN})
PUBLIC = "public"
ATTR = "dip_access"


def roles(*allowed: Role):
    """Open a view to signed-in users with one of ``allowed`` roles (any role if none given)."""
    allowed_set = frozenset(allowed) or ALL_ROLES

    def decorator(view):
        @wraps(view)
        def wrapper(*args, **kwargs):
            if not current_user.is_authenticated:
                return login_manager.unauthorized()
            if current_user.role not in allowed_set:
                abort(403)
            return view(*args, **kwargs)

        setattr(wrapper, ATTR, allowed_set)
        return wrapper

    return decorator


def public(view):
    """Open a view to everyone, signed in or not."""
    setattr(view, ATTR, PUBLIC)
    return view


def rule_for(app, endpoint: str):
    """Return the access rule of ``endpoint``: PUBLIC, a set of roles, or None (no rule)."""
    view = app.view_functions.get(endpoint)
    if endpoint == "static" or endpoint.endswith(".static"):
        return PUBLIC
    return getattr(view, ATTR, None)


def check_request():
    """Refuse a request to an endpoint that declares no access rule."""
    from flask import current_app

    if request.endpoint is None:
        return None
    if rule_for(current_app, request.endpoint) is None:
        abort(403)
    # Someone issued a password must choose their own before anything else.
    if (
        current_user.is_authenticated
        and current_user.must_change_password
        and request.endpoint not in {"accounts.change_password", "accounts.logout", "static"}
        and rule_for(current_app, request.endpoint) != PUBLIC
    ):
        return redirect(url_for("accounts.change_password"))
    return None
