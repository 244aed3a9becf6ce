"""Request hooks every page shares: language, idle sessions, caching, security headers, errors."""
import hashlib
import logging
import re
import uuid
from pathlib import Path
from urllib.parse import urlencode, urlsplit

import flask
from flask import (
    Flask, current_app, flash, g, has_request_context, redirect, render_template, request, session, url_for,
)
from flask_babel import (
    format_date, format_datetime, format_decimal, format_percent, get_locale, get_translations,
    refresh,
)
from flask_babel import gettext as _
from flask_login import current_user, logout_user
from flask_wtf.csrf import CSRFError
from markupsafe import Markup
from werkzeug.middleware.proxy_fix import ProxyFix
from werkzeug.routing import IntegerConverter

from dip.core import access, clock, locales, logs, memo, money, pages, parked, styles
from dip.core.once import FIELD, new_token

#: Each interface language in its own name (the order of the language links and choices).
LANGUAGE_NAMES = {"en": "English", "fr": "Français", "sw": "Kiswahili", "ar": "العربية",
                  "rw": "Ikinyarwanda", "rn": "Ikirundi"}
RTL = {"ar"}
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'none'; connect-src 'self'; object-src 'none'; base-uri 'none'; "
    "form-action 'self'; frame-ancestors 'none'"
)
log = logging.getLogger("dip.web")
#: The largest row id a table holds (PostgreSQL's ``integer``). A number past it in a URL or a
#: form is nobody's row: 404 or "not found", never the database driver's overflow (a 500).
MAX_ID = 2**31 - 1
#: How often (seconds) a session's last activity is written down. Writing it on every view
#: re-sent the whole session cookie with every page (about 330 bytes, 10 ms on Regular 2G);
#: idle sessions still end on time, to within this step.
SEEN_STEP = 60


class RowIdConverter(IntegerConverter):
    """``<int:...>`` in every route: only numbers a row id can be; anything larger is a 404."""

    def __init__(self, url_map, *args, **kwargs):
        kwargs.setdefault("max", MAX_ID)
        super().__init__(url_map, *args, **kwargs)


def row_id(text: str) -> int:
    """A row id sent in a form or query string (``request.form.get(name, type=row_id)``).

    Raises ``ValueError`` (which ``get`` turns into its default) for anything but 1…MAX_ID.
    """
    value = int(text)
    if not 1 <= value <= MAX_ID:
        raise ValueError(text)
    return value


def row_id_or_none(text) -> int | None:
    """``row_id`` for a value that may be absent or anything at all: None unless it is an id."""
    try:
        return row_id(text)
    except (TypeError, ValueError):
        return None


def select_locale() -> str:
    """The interface language: ``?lang=``, then the session's choice, the user's, the browser's."""
    if not has_request_context():  # command line and jobs: English
        return "en"
    languages = current_app.config["LANGUAGES"]
    chosen = request.args.get("lang")
    if chosen in languages:
        session["lang"] = chosen
        return chosen
    if session.get("lang") in languages:
        return session["lang"]
    if current_user and current_user.is_authenticated and current_user.language in languages:
        return current_user.language
    return request.accept_languages.best_match(languages) or "en"


def translations():
    """Flask-Babel's ``get_translations()``, kept for the request while its locale holds.

    Templates translate thirty to sixty strings a page, and Flask-Babel looks the locale and
    the catalogue up again for each (three context look-ups and a locale name built each time);
    this looks them up once. A locale that changes (``refresh()``, ``force_locale``) is a
    different object, so the catalogue follows it.
    """
    if not g:  # no application context: Flask-Babel answers (untranslated)
        return get_translations()
    locale = getattr(g.get("_flask_babel"), "babel_locale", None)
    kept = g.get("_translations")
    if kept is None or locale is None or kept[0] is not locale:
        kept = g._translations = (get_locale(), get_translations())
    return kept[1]


def _static_version(app: Flask) -> str:
    """A short hash of every static file, so their URLs change whenever one does."""
    digest = hashlib.sha256()
    for path in sorted(Path(app.static_folder).rglob("*")):
        if path.is_file():
            digest.update(path.name.encode() + path.read_bytes())
    return digest.hexdigest()[:10]


class Request(flask.Request):
    """A request whose form values carry no NUL characters: nobody types one, PostgreSQL
    refuses them in text columns, and a form must answer bad input with a message, not a 500."""

    def _load_form_data(self) -> None:
        super()._load_form_data()
        form = self.__dict__.get("form")
        if form and any("\x00" in value for value in form.values()):
            self.__dict__["form"] = self.parameter_storage_class(
                [(key, value.replace("\x00", "")) for key, value in form.items(multi=True)])


def init_app(app: Flask) -> None:
    """Install the shared hooks, template helpers and error pages on ``app``."""
    app.request_class = Request
    proxies = app.config.get("TRUSTED_PROXIES", 0)
    if proxies:
        # Behind the documented nginx the client's address (which sign-in throttling counts)
        # and scheme arrive in X-Forwarded-*; trust exactly that many proxies, no more, or a
        # client could choose its own address.
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies)
    version = _static_version(app)
    logs.init_app(app)
    policy = CSP.replace("style-src 'self'", f"style-src 'self' {styles.init_app(app)}")

    @app.before_request
    def start_request():
        # Under an app context that outlives requests (tests, scripts), forget the last
        # request's user so every request is authenticated from its own cookie.
        g.pop("_login_user", None)
        g.pop("_template_globals", None)
        memo.forget()
        refresh()  # the same for Flask-Babel's cached locale
        g.request_id = request.headers.get("X-Request-Id", "")[:64] or uuid.uuid4().hex[:16]
        if current_user.is_authenticated:
            now = clock.utcnow().timestamp()
            idle = current_app.config["SESSION_IDLE_MINUTES"] * 60
            longest = current_app.config["SESSION_MAX_HOURS"] * 3600
            if now - session.get("seen", now) > idle or now - session.get("began", now) > longest:
                return _expire_session()
            session.setdefault("began", now)
            if now - session.get("seen", 0) >= SEEN_STEP:
                session["seen"] = now
        return access.check_request()

    @app.after_request
    def finish_response(response):
        response.headers.setdefault("Content-Security-Policy", policy)
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["Referrer-Policy"] = "same-origin"
        response.headers["X-Frame-Options"] = "DENY"
        response.headers["X-Request-Id"] = g.get("request_id", "")
        if request.endpoint == "static" and request.args.get("v"):
            response.headers["Cache-Control"] = "public, max-age=31536000, immutable"
        elif request.endpoint != "static" and not response.cache_control.immutable:
            # (A view that marks its answer immutable serves content that holds no personal
            # data under a fingerprinted URL, e.g. a lesson drawing: it keeps its own header.)
            # Shared computers: nothing a page showed may be kept for the next person.
            response.headers["Cache-Control"] = "no-store"
            response.headers["Pragma"] = "no-cache"
            response.vary.add("Cookie")
        return response

    @app.context_processor
    def template_globals():
        # Every render_template asks (a home page renders one template per panel): the
        # navigation is worked out once per request and language.
        locale = str(get_locale())
        kept = g.get("_template_globals")
        if kept and kept["locale"] == locale:
            return kept
        g._template_globals = {
            "locale": locale,
            "text_dir": "rtl" if locale in RTL else "ltr",
            "languages": LANGUAGE_NAMES,
            "nav": pages.nav_bar(current_user),
            "static_v": version,
            **styles.head(app),
        }
        return g._template_globals

    app.jinja_env.add_extension("jinja2.ext.do")
    app.jinja_env.install_gettext_callables(  # in place of Flask-Babel's (see translations)
        gettext=lambda s: translations().ugettext(s),
        ngettext=lambda s, p, n: translations().ungettext(s, p, n),
        pgettext=lambda c, s: translations().upgettext(c, s),
        npgettext=lambda c, s, p, n: translations().unpgettext(c, s, p, n),
        newstyle=True,
    )
    app.jinja_env.filters.update(
        date=lambda d, fmt="medium": format_date(d, locales.date_pattern(fmt)),
        number=format_decimal,
        money=money.format_money,
        percent=lambda v, digits=0: format_percent(v, f"#,##0{'.' + '0' * digits if digits else ''}%"),
        datetime=lambda d, fmt="medium": format_datetime(d, locales.datetime_pattern(fmt)),
        # Names keep their own direction inside Arabic sentences (and vice versa).
        bdi=lambda value: Markup("<bdi>{}</bdi>").format(value),
        role_name=lambda r: str(access.ROLE_LABELS.get(r, r)),
        country_name=locales.country_name,
    )
    app.jinja_env.globals["today"] = clock.today
    app.jinja_env.globals["once_field"] = lambda: Markup(
        f'<input type="hidden" name="{FIELD}" value="{new_token()}">'
    )
    app.jinja_env.globals["lang_url"] = _lang_url

    def error_page(status: int, template: str = "errors/error.html"):
        def handler(error):
            if status == 500:
                log.exception("request %s failed", g.get("request_id"))
            return render_template(template, status=status, error=error), status

        return handler

    for status in (400, 403, 404, 405, 413, 429, 500):
        app.register_error_handler(status, error_page(status))
    app.register_error_handler(CSRFError, error_page(400, "errors/csrf.html"))


def fresh_session() -> None:
    """Sign out and empty the session, keeping only the language the person chose."""
    lang = session.get("lang")
    logout_user()
    session.clear()
    if lang:
        session["lang"] = lang


def _expire_session():
    """End an idle (or too old) session and send the person to sign in again, keeping for
    them whatever they were sending at that moment."""
    kept = None
    if request.method == "POST" and request.endpoint != "accounts.logout":
        kept = parked.park(current_user.id, request.path, request.form)
    fresh_session()
    if kept is not None:
        flash(_("Your session ended after a time without activity. What you were sending is "
                "kept: sign in again to find it."), "info")
    else:
        flash(_("Your session ended after a time without activity. Please sign in again."), "info")
    return redirect(url_for("accounts.login"))


# A path on this site as Flask-Login writes ``next``: printable ASCII (anything else arrives
# percent-encoded), one leading slash. Browsers drop tab, CR and LF anywhere in a URL and read
# a backslash as a slash, so "/\t/evil.example" or "/\\evil.example" would leave the site:
# no whitespace, control character or backslash anywhere.
LOCAL_PATH_RE = re.compile(r"/(?![/])[!-\[\]-~]*")
MAX_NEXT = 2000


def local_path(target: str | None) -> str | None:
    """``target`` if it is a path on this site (where to go after signing in), else None."""
    if not target or len(target) > MAX_NEXT or not LOCAL_PATH_RE.fullmatch(target):
        return None
    parts = urlsplit(target)
    return target if not parts.scheme and not parts.netloc else None


def _lang_url(lang: str) -> str:
    """The current page's address in language ``lang`` (a GET keeps its query string)."""
    args = request.args.to_dict() if request.method == "GET" else {}
    args["lang"] = lang
    return request.path + "?" + urlencode(args)
