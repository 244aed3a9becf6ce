"""Users: creation (one or a CSV of learners), passwords, sign-in throttling, reset codes."""
import re
import secrets
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from werkzeug.security import check_password_hash, generate_password_hash

from dip.core.access import Role
from dip.core.clock import utcnow
from dip.core.csvio import CsvError, read_rows
from dip.core.errors import ServiceError
from dip.extensions import db
from dip.modules.accounts.models import LoginThrottle, ResetCode, User, UserImport, new_session_token

USERNAME_RE = re.compile(r"^[a-z0-9][a-z0-9._-]{2,39}$")
# No 0/o, 1/l/i: codes and first-time passwords are read aloud and copied by hand.
CODE_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"
MIN_PASSWORD = 8
RESET_HOURS = 24
SHEET_HOURS = 24
GENDERS = ("female", "male", "other", "unspecified")
AGE_BANDS = ("18-24", "25-34", "35-44", "45+")
IMPORT_COLUMNS = (
    "username", "display_name", "language", "gender", "age_band", "country_of_origin",
    "baseline_income_usd",
)
# How many failures before the lock (LOGIN_MAX_ATTEMPTS) are "slowed" by a short wait.
SLOW_BEFORE_LOCK = 2


def _hash_method() -> str:
    """The password hash method (tests choose a fast one; production keeps scrypt)."""
    return current_app.config.get("PASSWORD_HASH_METHOD", "scrypt")


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
            _l("Choose a password of at least %(n)s characters.", n=MIN_PASSWORD), "password"
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
    user.set_password(password, _hash_method())
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
    user.set_password(new, _hash_method())
    user.must_change_password = False
    user.session_token = new_session_token()
    db.session.commit()


def set_active(user: User, active: bool) -> None:
    """Deactivate (or reactivate) a user; a deactivated user is signed out and kept."""
    user.active = active
    user.session_token = new_session_token()
    db.session.commit()


def end_sessions(user: User) -> None:
    """Invalidate every session cookie of ``user`` (sign-out on a shared machine)."""
    user.session_token = new_session_token()
    db.session.commit()


# --- sign-in throttling ---------------------------------------------------------------

def seconds_locked(keys: list[str]) -> int:
    """Seconds to wait before any of ``keys`` may try to sign in again (0: go ahead)."""
    now = utcnow()
    rows = db.session.scalars(select(LoginThrottle).where(LoginThrottle.key.in_(keys))).all()
    waits = [(r.locked_until - now).total_seconds() for r in rows if r.locked_until]
    return max([0, *[int(w) + 1 for w in waits if w > 0]])


def record_failure(key: str, limit: int) -> None:
    """Count a failed sign-in for ``key``; lock it briefly, then for LOGIN_LOCK_MINUTES."""
    now = utcnow()
    lock = timedelta(minutes=current_app.config["LOGIN_LOCK_MINUTES"])
    row = db.session.get(LoginThrottle, key)
    if row is None or (row.locked_until is None and now - row.last_failure_at > lock):
        row = row or LoginThrottle(key=key)
        row.failures = 0
        db.session.add(row)
    if row.locked_until and row.locked_until <= now and row.failures >= limit:
        row.failures = 0  # the long wait is over: start counting again
    row.failures += 1
    row.last_failure_at = now
    if row.failures >= limit:
        row.locked_until = now + lock
    elif row.failures >= limit - SLOW_BEFORE_LOCK:
        # Slowed: the last tries before the lock each wait a little longer.
        step = row.failures - (limit - SLOW_BEFORE_LOCK)
        row.locked_until = now + timedelta(seconds=15 * 2 ** step)
    else:
        row.locked_until = None
    db.session.commit()


def clear_failures(key: str) -> None:
    """Forget the failed sign-ins of ``key`` after a success."""
    row = db.session.get(LoginThrottle, key)
    if row is not None:
        db.session.delete(row)
        db.session.commit()


def authenticate(username: str, password: str, address: str) -> tuple[User | None, int]:
    """Check a sign-in; return ``(user, 0)`` on success or ``(None, seconds_to_wait)``.

    A username and an address are counted separately: a whole learning centre often shares
    one address, so its limit is much higher than one username's.
    """
    cfg = current_app.config
    user_key, addr_key = f"user:{normalise_username(username)}", f"addr:{address}"
    wait = seconds_locked([user_key, addr_key])
    if wait:
        return None, wait
    user = get_by_username(username)
    if user is not None and user.active and user.check_password(password or ""):
        clear_failures(user_key)
        user.last_sign_in_at = utcnow()
        db.session.commit()
        return user, 0
    record_failure(user_key, cfg["LOGIN_MAX_ATTEMPTS"])
    record_failure(addr_key, cfg["LOGIN_MAX_ATTEMPTS_PER_ADDRESS"])
    return None, 0


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
        user_id=user.id, code_hash=generate_password_hash(code, _hash_method()), issued_by_id=issued_by.id,
        created_at=now, expires_at=now + timedelta(hours=RESET_HOURS),
    ))
    db.session.commit()
    return code


def redeem_reset_code(username: str, code: str, new_password: str) -> User:
    """Set a new password with a reset code; raise ServiceError if the code is not valid."""
    invalid = ServiceError(
        _l("This code is not valid. It may be used or older than 24 hours. "
           "Ask your trainer for a new one."), "code")
    user = get_by_username(username)
    if user is None or not user.active:
        raise invalid
    now = utcnow()
    candidates = db.session.scalars(select(ResetCode).where(
        ResetCode.user_id == user.id, ResetCode.used_at.is_(None), ResetCode.expires_at > now,
    )).all()
    match = next(
        (c for c in candidates if check_password_hash(c.code_hash, (code or "").strip().lower())),
        None,
    )
    if match is None:
        raise invalid
    check_password_rules(new_password, user.username)
    match.used_at = now
    user.set_password(new_password, _hash_method())
    user.must_change_password = False
    user.session_token = new_session_token()
    db.session.commit()
    return user


# --- bulk creation of learners ---------------------------------------------------------------

def _parse_learner_row(values: dict) -> dict:
    """Check one CSV row; return clean values or raise ServiceError with a reason."""
    from babel import Locale

    username = normalise_username(values.get("username", ""))
    if not USERNAME_RE.match(username):
        raise ServiceError(_l("username: 3 to 40 letters, digits, dots, dashes or underscores"))
    language = (values.get("language") or "en").strip().lower()
    if language not in current_app.config["LANGUAGES"]:
        raise ServiceError(_l("language: use one of %(codes)s",
                              codes=", ".join(current_app.config["LANGUAGES"])))
    gender = (values.get("gender") or "unspecified").strip().lower()
    if gender not in GENDERS:
        raise ServiceError(_l("gender: use female, male, other or unspecified"))
    age_band = (values.get("age_band") or "").strip() or None
    if age_band and age_band not in AGE_BANDS:
        raise ServiceError(_l("age_band: use 18-24, 25-34, 35-44 or 45+"))
    country = (values.get("country_of_origin") or "").strip().upper() or None
    if country and country not in Locale("en").territories:
        raise ServiceError(_l("country_of_origin: use a two-letter code such as CD or BI"))
    raw_income = (values.get("baseline_income_usd") or "0").strip().replace(",", "")
    try:
        income = Decimal(raw_income.lstrip("$"))
    except InvalidOperation:
        income = Decimal("-1")
    if not income.is_finite() or income < 0 or income > 100000:
        raise ServiceError(_l("baseline_income_usd: a number of US dollars, 0 or more"))
    return {
        "username": username, "display_name": (values.get("display_name") or username).strip(),
        "language": language, "gender": gender, "age_band": age_band, "country": country,
        "income": income.quantize(Decimal("0.01")),
    }


def import_learners(data: bytes, cohort, created_by: User) -> UserImport:
    """Create learners from a CSV in ``cohort``: good rows are created, bad ones reported by line.

    Returns the stored import with a report ``{"created": [...], "errors": [...]}``.
    """
    from dip.modules.programs.services import enrol

    try:
        header, rows = read_rows(data)
    except CsvError as exc:
        raise ServiceError(_l("This file cannot be read as CSV (%(reason)s).", reason=str(exc)))
    missing = [c for c in ("username", "display_name") if c not in header]
    if missing:
        raise ServiceError(_l("The first line must name the columns; missing: %(cols)s.",
                              cols=", ".join(missing)))
    if not rows:
        raise ServiceError(_l("The file has a header but no learners."))
    created, errors, seen = [], [], set()
    for line, values in rows:
        try:
            clean = _parse_learner_row(values)
            if clean["username"] in seen:
                raise ServiceError(_l("username %(name)s appears twice in this file",
                                      name=clean["username"]))
            seen.add(clean["username"])
            with db.session.begin_nested():
                user, password = create_user(
                    clean["username"], clean["display_name"], Role.LEARNER,
                    language=clean["language"],
                )
                enrol(user, cohort, gender=clean["gender"], age_band=clean["age_band"],
                      country_of_origin=clean["country"], baseline_income_usd=clean["income"])
            created.append({"line": line, "username": user.username,
                            "display_name": user.display_name, "password": password})
        except ServiceError as exc:
            errors.append({"line": line, "reason": str(exc.message)})
    record = UserImport(created_by_id=created_by.id, cohort_id=cohort.id,
                        report={"created": created, "errors": errors})
    db.session.add(record)
    db.session.commit()
    return record


def sheet_rows(record: UserImport) -> tuple[list[dict], bool]:
    """The sign-in sheet of an import; passwords are hidden once the sheet is SHEET_HOURS old."""
    fresh = utcnow() - record.created_at < timedelta(hours=SHEET_HOURS)
    rows = record.report["created"]
    if not fresh:
        rows = [{**r, "password": None} for r in rows]
    return rows, fresh


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
