"""Settings read from the environment, with embedded defaults for a laptop."""
import os
import secrets
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

#: Every setting, its environment variable and what it does (the README's table is made from this).
SETTINGS = {
    "SECRET_KEY": "Signs session cookies. Default: a random key kept in instance/secret_key.",
    "DATABASE_URL": "SQLAlchemy URL. Default: sqlite:///instance/dip.sqlite3.",
    "REDIS_URL": "Redis for RQ jobs. Unset: jobs run in-process.",
    "SESSION_IDLE_MINUTES": "Idle minutes before a session expires. Default 30.",
    "SESSION_MAX_HOURS": "Hours after which a session ends even if active (ASVS 3.3.2). Default 12.",
    "LOGIN_MAX_ATTEMPTS": "Failed sign-ins for one username from one address (or one browser) before that pair is locked. Default 5.",
    "LOGIN_LOCK_MINUTES": "How long a locked pair waits. Default 15.",
    "LOGIN_MAX_ATTEMPTS_PER_ADDRESS": "Failed sign-ins from one address (a whole centre shares one) before each attempt from it is slowed (at most 60 s, never locked). Default 100.",
    "TRUSTED_PROXIES": "How many reverse proxies in front of the app set X-Forwarded-For/-Proto (Werkzeug ProxyFix). Default 0: off; 1 behind the documented nginx.",
    "UPLOAD_PATH": "Where uploaded files are stored, outside the web root. Default instance/uploads.",
    "MAX_UPLOAD_MB": "Largest request body in MB. Default 16.",
    "SUPPRESSION_THRESHOLD": "Smallest group shown in aggregate reports. Default 5.",
    "SECURE_COOKIES": "1 behind HTTPS: cookies are sent only over TLS. Default 0.",
    "PUBLIC_URL": "The site's public address (https://…), written into signed certificates. Default: the address of the request.",
    "LOG_LEVEL": "Logging level. Default INFO.",
}


def _int(name: str, default: int) -> int:
    return int(os.environ.get(name, default))


def _secret_key(instance_path: Path) -> str:
    """Read SECRET_KEY from the environment or from a file kept in the instance folder."""
    if os.environ.get("SECRET_KEY"):
        return os.environ["SECRET_KEY"]
    key_file = instance_path / "secret_key"
    if not key_file.exists():
        instance_path.mkdir(parents=True, exist_ok=True)
        key_file.write_text(secrets.token_urlsafe(48))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


def load(instance_path: str) -> dict:
    """Return the configuration mapping for an app whose instance folder is ``instance_path``."""
    instance = Path(instance_path)
    db_url = os.environ.get("DATABASE_URL") or f"sqlite:///{instance / 'dip.sqlite3'}"
    if db_url.startswith("postgres://"):  # the scheme some hosts still hand out
        db_url = "postgresql://" + db_url[len("postgres://"):]
    if db_url.startswith("postgresql://"):
        db_url = "postgresql+psycopg://" + db_url[len("postgresql://"):]
    idle = _int("SESSION_IDLE_MINUTES", 30)
    secure = os.environ.get("SECURE_COOKIES", "0") == "1"
    return {
        "SECRET_KEY": _secret_key(instance),
        "SQLALCHEMY_DATABASE_URI": db_url,
        "REDIS_URL": os.environ.get("REDIS_URL") or None,
        "SESSION_IDLE_MINUTES": idle,
        "SESSION_MAX_HOURS": _int("SESSION_MAX_HOURS", 12),
        # The cookie's signature outlives the idle limit so an expired session still names its
        # user (dip/core/parked.py keeps what they were sending); dip/core/web.py ends the
        # session itself after SESSION_IDLE_MINUTES, and the cookie is a browser-session one.
        "PERMANENT_SESSION_LIFETIME": timedelta(hours=_int("SESSION_MAX_HOURS", 12)),
        "SESSION_REFRESH_EACH_REQUEST": True,
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": secure,
        # Behind HTTPS the __Host- prefix pins the cookie to this host and path (ASVS 3.4.4).
        "SESSION_COOKIE_NAME": "__Host-dip_session" if secure else "dip_session",
        "REMEMBER_COOKIE_DURATION": timedelta(seconds=0),
        "LOGIN_MAX_ATTEMPTS": _int("LOGIN_MAX_ATTEMPTS", 5),
        "LOGIN_LOCK_MINUTES": _int("LOGIN_LOCK_MINUTES", 15),
        "LOGIN_MAX_ATTEMPTS_PER_ADDRESS": _int("LOGIN_MAX_ATTEMPTS_PER_ADDRESS", 100),
        "TRUSTED_PROXIES": _int("TRUSTED_PROXIES", 0),
        "UPLOAD_PATH": os.environ.get("UPLOAD_PATH") or str(instance / "uploads"),
        "MAX_CONTENT_LENGTH": _int("MAX_UPLOAD_MB", 16) * 1024 * 1024,
        "SUPPRESSION_THRESHOLD": _int("SUPPRESSION_THRESHOLD", 5),
        # Signed credentials name the site forever: never trust a request's Host for that.
        "PUBLIC_URL": (os.environ.get("PUBLIC_URL") or "").rstrip("/") or None,
        "LOG_LEVEL": os.environ.get("LOG_LEVEL", "INFO"),
        # CSRF tokens live as long as the session; the idle timeout is the real limit.
        "WTF_CSRF_TIME_LIMIT": None,
        "BABEL_DEFAULT_LOCALE": "en",
        "BABEL_TRANSLATION_DIRECTORIES": str(ROOT / "translations"),
        "LANGUAGES": ["en", "fr", "sw", "ar", "rw", "rn"],
    }
