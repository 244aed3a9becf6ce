"""Users, sign-in throttling and trainer-issued reset codes."""
import secrets
from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column
from werkzeug.security import check_password_hash, generate_password_hash

from dip.core.clock import utcnow
from dip.extensions import db


def new_session_token() -> str:
    """Return a random token; changing it signs the user out everywhere."""
    return secrets.token_urlsafe(16)


class User(UserMixin, db.Model):
    """Anyone who signs in. Learners often have no email, so the username is the identity."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(40), unique=True)
    display_name: Mapped[str] = mapped_column(String(80))
    password_hash: Mapped[str] = mapped_column(String(256))
    language: Mapped[str] = mapped_column(String(5), default="en")
    role: Mapped[str] = mapped_column(String(12), index=True)
    active: Mapped[bool] = mapped_column(default=True)
    must_change_password: Mapped[bool] = mapped_column(default=True)
    session_token: Mapped[str] = mapped_column(String(32), default=new_session_token)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_sign_in_at: Mapped[datetime | None]

    def set_password(self, password: str, method: str = "scrypt") -> None:
        """Store a salted hash of ``password`` (scrypt unless a method is given)."""
        self.password_hash = generate_password_hash(password, method=method)

    def check_password(self, password: str) -> bool:
        """Return whether ``password`` matches the stored hash."""
        return check_password_hash(self.password_hash, password)

    def get_id(self) -> str:
        """Flask-Login's id: rotating ``session_token`` invalidates every older session cookie."""
        return f"{self.id}:{self.session_token}"

    @property
    def is_active(self) -> bool:
        """Deactivated users cannot sign in."""
        return self.active

    def __repr__(self) -> str:
        return f"<User {self.username} {self.role}>"


class LoginThrottle(db.Model):
    """Failed sign-ins counted per key (``user:<name>`` or ``addr:<ip>``)."""

    __tablename__ = "login_throttles"

    key: Mapped[str] = mapped_column(String(120), primary_key=True)
    failures: Mapped[int] = mapped_column(default=0)
    last_failure_at: Mapped[datetime] = mapped_column(default=utcnow)
    locked_until: Mapped[datetime | None]


class ResetCode(db.Model):
    """A one-time code a trainer or coordinator gives a learner who forgot their password."""

    __tablename__ = "reset_codes"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    code_hash: Mapped[str] = mapped_column(String(256))
    issued_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None]


class UserImport(db.Model):
    """A bulk creation of learners from a CSV: its report and the sheet to hand out.

    First-time passwords are kept only so the sheet can be printed; ``services.sheet_rows``
    stops showing them after ``SHEET_HOURS`` and the learner must replace them at first sign-in.
    """

    __tablename__ = "user_imports"

    id: Mapped[int] = mapped_column(primary_key=True)
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    cohort_id: Mapped[int] = mapped_column(ForeignKey("cohorts.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    report: Mapped[dict] = mapped_column(db.JSON)
