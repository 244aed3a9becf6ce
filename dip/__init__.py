"""The DIP Platform: a Flask application built by ``create_app``."""
import importlib

from flask import Flask

#: Feature packages under ``dip.modules``, in dependency order; each has ``views.bp``.
FEATURES = (
    "accounts", "programs", "curriculum", "assignments", "portfolio", "earnings", "outcomes", "home",
)


def create_app(test_config: dict | None = None) -> Flask:
    """Build the application: configuration, extensions, blueprints, CLI, web hooks."""
    app = Flask(__name__, instance_relative_config=True)
    from dip import config

    app.config.from_mapping(config.load(app.instance_path))
    if test_config:
        app.config.update(test_config)
    if not app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        # A database server can drop a pooled connection (a restart): each is checked before
        # use. A SQLite file cannot, and pinging it before every request would be wasted work.
        app.config.setdefault("SQLALCHEMY_ENGINE_OPTIONS", {"pool_pre_ping": True})

    from dip.extensions import babel, csrf, db, login_manager, migrate

    db.init_app(app)
    migrate.init_app(app, db, directory=str(config.ROOT / "migrations"), render_as_batch=True)
    csrf.init_app(app)
    login_manager.init_app(app)

    from dip.core import web

    babel.init_app(app, locale_selector=web.select_locale)
    app.url_map.converters["int"] = web.RowIdConverter  # before any route is added
    for name in FEATURES:
        app.register_blueprint(importlib.import_module(f"dip.modules.{name}.views").bp)
    web.init_app(app)

    from dip import cli, queue

    queue.init_app(app)
    cli.init_app(app)
    return app
