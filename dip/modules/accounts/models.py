"""Users, sign-in throttling, trainer-issued reset codes, one-time reveals and the audit trail."""
import secrets
from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, query_expression

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
    #: False when no reset notice can be due (``accounts.holds``), read with the user by the
    #: request's sign-in check; None when the user was read any other way (then it is looked up).
    may_have_reset_notice: Mapped[bool | None] = query_expression()

    def set_password(self, password: str) -> None:
        """Store a salted hash of ``password`` (``dip.modules.accounts.passwords``)."""
        from dip.modules.accounts import passwords

        self.password_hash = passwords.hash_password(password)

    def check_password(self, password: str) -> bool:
        """Return whether ``password`` matches the stored hash."""
        from dip.modules.accounts import passwords

        return passwords.verify(self.password_hash, password)

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


class KnownDevice(db.Model):
    """A browser (its random ``dip_device`` cookie, hashed) where a user signed in before.

    Sign-ins from a known browser are counted apart from the address's, so a machine that
    shares the centre's address and tries wrong passwords cannot lock its classmates out.
    """

    __tablename__ = "known_devices"

    device_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True)
    last_used_at: Mapped[datetime] = mapped_column(default=utcnow)


class ResetCode(db.Model):
    """A one-time code a trainer or coordinator gives a learner who forgot their password.

    Once redeemed it is also the record of that reset: the password it replaced is kept
    (hashed) while ``hold_until`` lasts, so the owner can prove who they are, and the owner is
    told of the reset on their home page until they dismiss it.
    """

    __tablename__ = "reset_codes"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    code_hash: Mapped[str] = mapped_column(String(256))
    issued_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None]  # redeemed, or replaced by a newer code
    redeemed_at: Mapped[datetime | None]
    previous_hash: Mapped[str | None] = mapped_column(String(256))
    hold_until: Mapped[datetime | None]
    notified_at: Mapped[datetime | None]  # the owner was shown the notice at sign-in
    dismissed_at: Mapped[datetime | None]


class Reveal(db.Model):
    """A secret (a first-time password, a reset code) waiting to be shown once to its maker.

    Secrets never go into the session cookie, which is signed but not encrypted: the next
    page its maker opens shows the row and deletes it; unseen rows go after REVEAL_MINUTES.
    """

    __tablename__ = "reveals"

    id: Mapped[int] = mapped_column(primary_key=True)
    viewer_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    subject_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    kind: Mapped[str] = mapped_column(String(12))  # "password" or "code"
    secret: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)


class AccountEvent(db.Model):
    """The accounts audit trail: who did what to whose account, and when."""

    __tablename__ = "account_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(default=utcnow)
    kind: Mapped[str] = mapped_column(String(24))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    subject_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    detail: Mapped[dict] = mapped_column(db.JSON, default=dict)


class UserImport(db.Model):
    """A bulk creation of learners from a CSV: its report and the sheet to hand out.

    First-time passwords are kept only so the sheet can be printed; ``imports.sheet_rows``
    stops showing them after ``SHEET_HOURS`` and the learner must replace them at first sign-in.
    """

    __tablename__ = "user_imports"

    id: Mapped[int] = mapped_column(primary_key=True)
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    cohort_id: Mapped[int] = mapped_column(ForeignKey("cohorts.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    report: Mapped[dict] = mapped_column(db.JSON)
