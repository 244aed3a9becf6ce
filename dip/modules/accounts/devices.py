"""Known browsers: where a username signed in before (OWASP's "device cookies").

A successful sign-in leaves a random, meaningless ``dip_device`` cookie in the browser and
records (hash of it, user). Later attempts from that browser for that username are throttled
on their own (``throttle``), so wrong passwords typed elsewhere, even from the centre's shared
address, never lock a learner out of the computer they use. The cookie names nobody; sign-out
and ``Clear-Site-Data: "storage"`` leave it, as they leave nothing else readable.
"""
import hashlib
import re
import secrets

from flask import current_app
from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from dip.core.clock import utcnow
from dip.extensions import db
from dip.modules.accounts.models import KnownDevice

TOKEN_RE = re.compile(r"^[A-Za-z0-9_-]{32,64}$")
MAX_AGE = 365 * 24 * 3600


def cookie_name() -> str:
    """``__Host-dip_device`` behind HTTPS (pinned to this host), else ``dip_device``."""
    return "__Host-dip_device" if current_app.config.get("SESSION_COOKIE_SECURE") else "dip_device"


def valid(token: str | None) -> str | None:
    """``token`` if it looks like one this site made, else None."""
    return token if token and TOKEN_RE.match(token) else None


def new_token() -> str:
    """A fresh random browser token."""
    return secrets.token_urlsafe(32)


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def known(token: str | None, user) -> str | None:
    """A short name of this browser if ``user`` signed in on it before, else None.

    The query runs whether or not the username exists, so both cost the same."""
    digest = _hash(valid(token) or "-")
    found = db.session.scalar(select(KnownDevice.device_hash).where(
        KnownDevice.device_hash == digest, KnownDevice.user_id == (user.id if user else 0)))
    return digest[:24] if found and valid(token) else None


def remember(token: str, user) -> None:
    """Record that ``user`` signed in on this browser (the caller commits)."""
    insert = pg_insert if db.engine.dialect.name == "postgresql" else sqlite_insert
    now = utcnow()
    db.session.execute(insert(KnownDevice).values(
        device_hash=_hash(token), user_id=user.id, last_used_at=now,
    ).on_conflict_do_update(index_elements=["device_hash", "user_id"], set_={"last_used_at": now}))
