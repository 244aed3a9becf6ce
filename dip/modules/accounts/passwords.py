"""Password hashing: one place that makes and checks every password and reset-code hash."""
from flask import current_app
from werkzeug.security import check_password_hash, generate_password_hash


def method() -> str:
    """The configured hash method (tests choose a fast one)."""
    return current_app.config.get("PASSWORD_HASH_METHOD", "scrypt")


def hash_password(password: str) -> str:
    """A salted hash of ``password`` with the configured method."""
    return generate_password_hash(password, method=method())


def verify(stored: str, password: str) -> bool:
    """Whether ``password`` matches ``stored``."""
    return check_password_hash(stored, password)
