"""One clock for the whole platform, so tests can move time instead of sleeping."""
from datetime import UTC, date, datetime


def utcnow() -> datetime:
    """Return the current time in UTC as a naive datetime (how every column stores it)."""
    return datetime.now(UTC).replace(tzinfo=None)


def today() -> date:
    """Return today's date in UTC."""
    return utcnow().date()
