"""Creating learners in bulk from a CSV file, and the sign-in sheet to hand out.

Two steps, so an import never holds the database while it works: first every row is read,
checked and its first-time password hashed, with no write at all; then one short transaction
writes the rows. Its first statement is a write, so on SQLite it takes the write lock at once
(waiting its turn behind other writers) instead of reading first and failing with "database
is locked" when another request wrote in between. A file holds at most MAX_IMPORT_ROWS learners.
"""
from datetime import timedelta

from flask import current_app
from flask_babel import lazy_gettext as _l, ngettext
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from dip.core.access import Role
from dip.core.clock import utcnow
from dip.core.csvio import CsvError, read_rows
from dip.core.errors import ServiceError
from dip.extensions import db
from dip.modules.accounts import passwords
from dip.modules.accounts.models import User, UserImport
from dip.modules.accounts.services import USERNAME_RE, normalise_username, random_code

IMPORT_COLUMNS = (
    "username", "display_name", "language", "gender", "age_band", "country_of_origin",
    "baseline_income_usd",
)
MAX_IMPORT_ROWS = 500
SHEET_HOURS = 24
CSV_MESSAGES = {
    "gender": _l("gender: use female, male, other or unspecified"),
    "age_band": _l("age_band: use 18-24, 25-34, 35-44 or 45+"),
    "country_of_origin": _l("country_of_origin: use a two-letter code such as CD or BI"),
    "baseline_income_usd": _l("baseline_income_usd: a number of US dollars, 0 or more"),
}


def _parse_learner_row(values: dict) -> dict:
    """Check one CSV row; return clean values or raise ServiceError with a reason."""
    from dip.modules.programs.profiles import clean_profile

    username = normalise_username(values.get("username", ""))
    if not USERNAME_RE.match(username):
        raise ServiceError(_l("username: 3 to 40 letters, digits, dots, dashes or underscores"))
    language = (values.get("language") or "en").strip().lower()
    if language not in current_app.config["LANGUAGES"]:
        raise ServiceError(_l("language: use one of %(codes)s",
                              codes=", ".join(current_app.config["LANGUAGES"])))
    try:
        profile = clean_profile(values.get("gender"), values.get("age_band"),
                                values.get("country_of_origin"), values.get("baseline_income_usd"))
    except ServiceError as error:
        raise ServiceError(CSV_MESSAGES[error.field]) from None
    return {"username": username, "language": language, **profile,
            "display_name": (values.get("display_name") or username).strip()[:80] or username}


def _read(data: bytes) -> list[tuple[int, dict]]:
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
    if len(rows) > MAX_IMPORT_ROWS:
        raise ServiceError(ngettext(
            "A file can hold at most %(num)s learner. Split it and send the parts one after "
            "the other.", "A file can hold at most %(num)s learners. Split it and send the parts "
            "one after the other.", MAX_IMPORT_ROWS))
    return rows


def _taken(usernames: set[str]) -> set[str]:
    return set(db.session.scalars(select(User.username).where(User.username.in_(usernames))))


def prepare(data: bytes) -> tuple[list[dict], list[dict]]:
    """Read and check every row and hash its first-time password, writing nothing.

    Returns (rows ready to create, each with its line and password; errors by line)."""
    ready, errors, seen = [], [], set()
    for line, values in _read(data):
        try:
            clean = _parse_learner_row(values)
            if clean["username"] in seen:
                raise ServiceError(_l("username %(name)s appears twice in this file",
                                      name=clean["username"]))
            seen.add(clean["username"])
        except ServiceError as exc:
            errors.append({"line": line, "reason": str(exc.message)})
        else:
            ready.append({**clean, "line": line})
    for row in ready:
        row["password"] = random_code()
        row["password_hash"] = passwords.hash_password(row["password"])
    db.session.rollback()  # end the reads: the writing transaction starts with a write
    return ready, errors


def import_learners(data: bytes, cohort, created_by: User) -> UserImport:
    """Create learners from a CSV in ``cohort``: good rows are created, bad ones reported by line.

    Returns the stored import with a report ``{"created": [...], "errors": [...]}``.
    """
    from dip.modules.programs.services import enrol

    ready, errors = prepare(data)
    record = UserImport(created_by_id=created_by.id, cohort_id=cohort.id, created_at=utcnow(),
                        report={})
    db.session.add(record)
    db.session.flush()  # the first statement writes: SQLite's write lock is taken here, waiting
    taken = _taken({row["username"] for row in ready})  # checked again, inside the lock
    created = []
    for row in ready:
        if row["username"] in taken:
            errors.append({"line": row["line"], "reason": str(_l(
                "The username %(name)s is already taken.", name=row["username"]))})
            continue
        user = User(username=row["username"], display_name=row["display_name"],
                    role=Role.LEARNER, language=row["language"], must_change_password=True,
                    password_hash=row["password_hash"])
        db.session.add(user)
        db.session.flush()
        enrol(user, cohort, gender=row["gender"], age_band=row["age_band"],
              country_of_origin=row["country_of_origin"],
              baseline_income_usd=row["baseline_income_usd"])
        created.append({"line": row["line"], "username": user.username,
                        "display_name": user.display_name, "password": row["password"]})
    record.report = {"created": created, "errors": sorted(errors, key=lambda e: e["line"])}
    try:
        db.session.commit()
    except IntegrityError:  # PostgreSQL: the same username created by another request just now
        db.session.rollback()
        raise ServiceError(_l("Someone added some of these learners at the same moment. Send "
                              "the file again: those already created are listed then."))
    return record


def sheet_rows(record: UserImport) -> tuple[list[dict], bool]:
    """The sign-in sheet of an import; passwords are hidden once the sheet is SHEET_HOURS old."""
    fresh = utcnow() - record.created_at < timedelta(hours=SHEET_HOURS)
    rows = record.report["created"]
    if not fresh:
        rows = [{**r, "password": None} for r in rows]
    return rows, fresh
