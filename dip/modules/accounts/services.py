"""Users: creation, passwords, sign-in, reset codes; CSV imports of learners are in ``imports``."""
import re
import secrets
from dataclasses import dataclass
from datetime import date, timedelta

from flask import current_app
from flask_babel import lazy_gettext as _l, ngettext
from sqlalchemy import func, select

from dip.core.access import Role
from dip.core.clock import utcnow
from dip.core.errors import ServiceError
from dip.extensions import db
from dip.modules.accounts import audit, devices, holds, passwords, throttle
from dip.modules.accounts.models import ResetCode, User, new_session_token

USERNAME_RE = re.compile(r"^[a-z0-9][a-z0-9._-]{2,39}$")
# No 0/o, 1/l/i: codes and first-time passwords are read aloud and copied by hand.
CODE_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"
MIN_PASSWORD = 8
RESET_HOURS = 24
# How many failures before the lock (LOGIN_MAX_ATTEMPTS) are "slowed" by a short wait.
SLOW_BEFORE_LOCK = 2


def normalise_username(username: str) -> str:
    """Usernames are case-insensitive: store and compare them lower-cased and trimmed."""
    return (username or "").strip().lower()


def random_code(groups: int = 2, size: int = 4) -> str:
    """Return a code like ``k7pm-3qxd`` that is easy to read aloud and type."""
    return "-".join(
        "".join(secrets.choice(CODE_ALPHABET) for _ in range(size)) for _ in range(groups)
    )


def check_password_rules(password: str, username: str = "") -> None:
    """Raise ServiceError when ``password`` is too weak to keep."""
    if len(password or "") < MIN_PASSWORD:
        raise ServiceError(
            ngettext("Choose a password of at least %(num)s character.",
                     "Choose a password of at least %(num)s characters.", MIN_PASSWORD), "password"
        )
    if username and normalise_username(username) in password.lower():
        raise ServiceError(_l("Your password must not contain your username."), "password")


def get_by_username(username: str) -> User | None:
    """Return the user called ``username`` (any case), or None."""
    return db.session.scalar(select(User).where(User.username == normalise_username(username)))


def create_user(
    username: str, display_name: str, role: str, password: str | None = None,
    language: str = "en", must_change_password: bool = True,
) -> tuple[User, str]:
    """Create a user and return it with its password (generated when none is given)."""
    username = normalise_username(username)
    if not USERNAME_RE.match(username):
        raise ServiceError(
            _l("A username has 3 to 40 letters, digits, dots, dashes or underscores."), "username"
        )
    if role not in set(Role):
        raise ServiceError(_l("Unknown role."), "role")
    if get_by_username(username) is not None:
        raise ServiceError(_l("The username %(name)s is already taken.", name=username), "username")
    if language not in current_app.config["LANGUAGES"]:
        raise ServiceError(_l("Unknown language."), "language")
    password = password or random_code()
    check_password_rules(password, username)
    user = User(
        username=username, display_name=(display_name or username).strip()[:80], role=role,
        language=language, must_change_password=must_change_password,
    )
    user.set_password(password)
    db.session.add(user)
    db.session.flush()
    return user, password


def change_password(user: User, current: str | None, new: str) -> None:
    """Set a new password (checking ``current`` unless None) and sign out other sessions."""
    if current is not None and not user.check_password(current):
        raise ServiceError(_l("Your current password is not right."), "current")
    if user.check_password(new):
        raise ServiceError(_l("Choose a password different from the old one."), "password")
    check_password_rules(new, user.username)
    user.set_password(new)
    if not user.must_change_password:
        audit.record("password_changed", user.id, user.id)
    user.must_change_password = False
    user.session_token = new_session_token()
    db.session.commit()


def set_active(user: User, active: bool, by: User | None = None) -> None:
    """Deactivate (or reactivate) a user; a deactivated user is signed out and kept."""
    user.active = active
    user.session_token = new_session_token()
    audit.record("reactivated" if active else "deactivated", user.id, by.id if by else None)
    db.session.commit()


def edit_user(user: User, display_name: str, language: str, by: User) -> None:
    """Change what ``user`` is called and their language, on the audit trail."""
    if language not in current_app.config["LANGUAGES"]:
        raise ServiceError(_l("Unknown language."), "language")
    user.display_name = (display_name or "").strip()[:80] or user.display_name
    user.language = language
    audit.record("edited", user.id, by.id)
    db.session.commit()


def place_person(user: User, by: User, cohort=None, site=None) -> None:
    """Place ``user`` (a learner moves; staff gain a cohort or site), on the audit trail."""
    from dip.modules.programs.services import place

    try:
        place(user, cohort=cohort, site=site)
    except ServiceError:
        db.session.rollback()
        raise
    audit.record("placed", user.id, by.id, cohort=cohort.id if cohort else None,
                 site=site.id if site else None)
    db.session.commit()


def end_sessions(user: User) -> None:
    """Invalidate every session cookie of ``user`` (sign-out on a shared machine)."""
    user.session_token = new_session_token()
    db.session.commit()


# --- sign-in ------------------------------------------------------------------------------

@dataclass
class SignIn:
    """What a sign-in attempt came to: the user, or seconds to wait, or neither (wrong)."""

    user: User | None
    wait: int = 0
    # (reset code, issuer) when the password typed is one a recent reset replaced
    replaced: tuple | None = None
    device: str | None = None  # the browser token to keep in the ``dip_device`` cookie


def authenticate(username: str, password: str, address: str, device: str | None = None) -> SignIn:
    """Check a sign-in from ``address`` (and browser token ``device``, if any).

    Throttled by ``throttle``: per username-and-address pair and per address, or, from a
    browser where this username signed in before, on its own. An unknown username is checked
    against a dummy hash, so it costs one hash like a known one. A success remembers the
    browser and upgrades an old hash, in one transaction.
    """
    name = normalise_username(username)[:40]
    user = get_by_username(name)
    browser = devices.known(device, user)
    if browser:
        gates = [throttle.locking(f"device:{browser}|{name}")]
    else:
        gates = [throttle.slowing(f"addr:{address}"), throttle.locking(f"pair:{name}|{address}")]
    wait = throttle.claim_all(gates)
    if wait:
        return SignIn(None, wait)
    if passwords.verify(user.password_hash if user else None, password) and user.active:
        # Hash before the first write: the transaction below holds SQLite's write lock from
        # its first statement to its commit, and other sign-ins must not wait for a hash.
        rehashed = None
        if passwords.needs_rehash(user.password_hash):  # scrypt or pbkdf2 of old: Argon2id now
            rehashed = passwords.hash_password(password)
        throttle.settle(gates)
        if rehashed:
            user.password_hash = rehashed
        user.last_sign_in_at = utcnow()
        device = devices.valid(device) or devices.new_token()
        devices.remember(device, user)
        db.session.commit()
        return SignIn(user, device=device)
    return SignIn(None, 0, holds.replaced(user, password))


# --- reset codes -------------------------------------------------------------------------

def issue_reset_code(user: User, issued_by: User) -> str:
    """Create a single-use reset code for ``user``, valid RESET_HOURS; older codes stop working."""
    now = utcnow()
    for old in db.session.scalars(
        select(ResetCode).where(ResetCode.user_id == user.id, ResetCode.used_at.is_(None))
    ):
        old.used_at = now
    code = random_code()
    db.session.add(ResetCode(
        user_id=user.id, code_hash=passwords.hash_password(code), issued_by_id=issued_by.id,
        created_at=now, expires_at=now + timedelta(hours=RESET_HOURS),
    ))
    audit.record("reset_code_issued", user.id, issued_by.id)
    db.session.commit()
    return code


def redeem_reset_code(username: str, code: str, new_password: str, address: str) -> User:
    """Set a new password with a reset code; raise ServiceError if the code is not valid.

    Throttled like sign-in, per username-and-address pair and per address (a wrong code
    counts; a code refused for another reason, such as a weak new password, does not).
    """
    invalid = ServiceError(
        _l("This code is not valid. It may be used or older than 24 hours. "
           "Ask your trainer for a new one."), "code")
    name = normalise_username(username)[:40]
    gates = [throttle.slowing(f"addr:{address}"), throttle.locking(f"reset:{name}|{address}")]
    wait = throttle.claim_all(gates)
    if wait:
        raise Throttled(wait)
    user = get_by_username(name)
    now = utcnow()
    candidates = db.session.scalars(select(ResetCode).where(
        ResetCode.user_id == (user.id if user else 0), ResetCode.used_at.is_(None),
        ResetCode.expires_at > now,
    )).all() if user is not None and user.active else []
    typed = (code or "").strip().lower()
    match = next((c for c in candidates if passwords.verify(c.code_hash, typed)), None)
    if not candidates:
        passwords.verify(None, typed)  # as long as a real check
    if match is None:
        raise invalid
    try:
        check_password_rules(new_password, user.username)
    except ServiceError:
        throttle.give_back(gates)
        raise
    throttle.settle(gates)
    match.used_at = now
    holds.start(match, user.password_hash)
    audit.record("reset_code_redeemed", user.id, None, issued_by=match.issued_by_id)
    user.set_password(new_password)
    user.must_change_password = False
    user.session_token = new_session_token()
    db.session.commit()
    return user


class Throttled(Exception):
    """Too many attempts: wait ``seconds`` before the next."""

    def __init__(self, seconds: int):
        super().__init__(seconds)
        self.seconds = seconds


def count_by_role(user_ids_query) -> dict:
    """Count active users per role among ``user_ids_query``."""
    rows = db.session.execute(
        select(User.role, func.count()).where(User.id.in_(user_ids_query), User.active)
        .group_by(User.role)
    )
    return dict(rows.all())


def today() -> date:
    """Today, for enrolment dates (UTC)."""
    return utcnow().date()
