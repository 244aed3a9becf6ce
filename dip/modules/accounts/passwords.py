"""Password hashing: one place that makes and checks every password and reset-code hash.

Argon2id at OWASP's recommended minimum (19 MiB of memory, 2 passes, 1 lane): about a third of
the CPU of the scrypt it replaces, and memory-hard like it. Hashes made before (Werkzeug's
scrypt or pbkdf2) still verify and are replaced at the next successful sign-in
(``needs_rehash``). At most HASHES_AT_ONCE hashes run at once in a process: a class signing in
together queues for those slots while the other threads keep serving pages. Tests set
``PASSWORD_HASH_METHOD`` to a fast Werkzeug method.
"""
import secrets
import threading

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app
from werkzeug.security import check_password_hash, generate_password_hash

ARGON2 = "argon2id"
HASHES_AT_ONCE = 2
_hasher = PasswordHasher(time_cost=2, memory_cost=19 * 1024, parallelism=1, hash_len=32,
                         salt_len=16)
_slots = threading.BoundedSemaphore(HASHES_AT_ONCE)
_dummies: dict[str, str] = {}


def method() -> str:
    """The configured hash method: ``argon2id`` in production, a Werkzeug method in tests."""
    return current_app.config.get("PASSWORD_HASH_METHOD") or ARGON2


def _make(password: str, chosen: str) -> str:
    if chosen == ARGON2:
        return _hasher.hash(password)
    return generate_password_hash(password, method=chosen)


def _check(stored: str, password: str) -> bool:
    """The one real comparison (run inside a hash slot)."""
    if stored.startswith("$argon2"):
        try:
            return _hasher.verify(stored, password)
        except (VerificationError, InvalidHashError):
            return False
    try:
        return check_password_hash(stored, password)
    except ValueError:  # an unknown or damaged hash never matches
        return False


def hash_password(password: str) -> str:
    """A salted hash of ``password`` with the configured method."""
    chosen = method()
    with _slots:
        return _make(password, chosen)


def verify(stored: str | None, password: str) -> bool:
    """Whether ``password`` matches ``stored``; with no stored hash (an unknown username) the
    password is checked against a dummy hash, so the answer takes as long either way."""
    if not stored:
        stored = dummy_hash()
    with _slots:
        return _check(stored, password or "") and stored is not _dummies.get(method())


def dummy_hash() -> str:
    """A hash of a random password with the configured method (made once per process)."""
    chosen = method()
    if chosen not in _dummies:
        _dummies[chosen] = _make(secrets.token_urlsafe(16), chosen)
    return _dummies[chosen]


def needs_rehash(stored: str) -> bool:
    """Whether ``stored`` was made by another method or weaker settings than today's."""
    chosen = method()
    if chosen == ARGON2:
        return not stored.startswith("$argon2id$") or _hasher.check_needs_rehash(stored)
    return stored.split("$", 1)[0] != chosen
